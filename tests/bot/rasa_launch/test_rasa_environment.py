"""The project's modules that run in the Rasa environment use only what that environment
has: Rasa 3.6 on Python 3.10 with requirements/rasa.lock, never the app's packages.

Rasa loads the tokenizer component that config.yml names, and is started through
``python -m bot.rasa_launch``. From these entry points every import statement is followed
through the project's modules, those inside functions too (a lazy import runs only on the
path that needs it, so importing the modules alone would not find all of them). Then the
Rasa environment's own Python imports each module reached and finds each outside package
they name, and the Rasa image copies each of these modules.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.services import rasa_env
from bot.settings import ROOT, get_settings

#: The project's top-level packages; any other import is Python's or a distribution's.
PROJECT_PACKAGES = ("bot", "actions")
#: What starts Rasa: ``python -m bot.rasa_launch`` (bot/services.py, deploy/Dockerfile.rasa).
LAUNCHER = "bot.rasa_launch.__main__"

#: Run by the Rasa environment's Python: imports the modules, finds the outside packages.
CHECK = r"""
import importlib, importlib.util, json, sys, traceback
request = json.loads(sys.stdin.read())
failed = {}
for module in request["modules"]:
    try:
        importlib.import_module(module)
    except BaseException:
        failed[module] = traceback.format_exc(limit=-2)
missing = [name for name in request["packages"]
           if name not in sys.stdlib_module_names and importlib.util.find_spec(name) is None]
print(json.dumps({"failed": failed, "missing": missing,
                  "python": list(sys.version_info[:2])}))
"""


def module_path(module: str) -> Path | None:
    """The file of a project module or package, or None when there is no such module."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def imports_of(module: str, path: Path) -> set[str]:
    """Every module an import statement anywhere in ``path`` names (absolute names); for
    ``from package import name`` both the package and, if it is one, the submodule."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def rasa_side() -> tuple[set[str], set[str]]:
    """The project modules the Rasa environment can reach from its entry points, and the
    top-level names of the outside packages they import."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    components = [step["name"] for step in config["pipeline"] if "." in step["name"]]
    todo = [LAUNCHER, *(name.rpartition(".")[0] for name in components)]
    modules: set[str] = set()
    outside: set[str] = set()
    while todo:
        module = todo.pop()
        if module in modules:
            continue
        path = module_path(module)
        assert path is not None, f"{module} is named but is not in the project"
        modules.add(module)
        parent = module.rpartition(".")[0]
        if parent:  # importing a module runs its packages' __init__ first
            todo.append(parent)
        for name in imports_of(module, path):
            if name.split(".")[0] not in PROJECT_PACKAGES:
                outside.add(name.split(".")[0])
            elif module_path(name) is not None:
                todo.append(name)
    return modules, outside


def test_the_walk_follows_lazy_and_relative_imports() -> None:
    """The walk itself: it reaches the component, the launcher's modules and the Japanese
    normalisation, and collects Rasa's packages imported inside functions."""
    modules, outside = rasa_side()
    assert {"bot", "bot.nlu.sudachi_tokenizer", "bot.japanese.normalize"} <= modules
    assert {"bot.rasa_launch.__main__", "bot.rasa_launch.parse_cache"} <= modules
    assert {"rasa", "sudachipy", "jsonschema"} <= outside  # jsonschema: inside a function
    assert not {"bot.catalog", "bot.server", "actions"} & modules


def test_the_rasa_modules_use_only_what_the_rasa_environment_has() -> None:
    python = get_settings().rasa_venv / "bin" / "python"
    if not python.exists():
        pytest.fail(f"the Rasa environment is missing ({python}); run `make setup`")
    modules, outside = rasa_side()
    request = {
        # __main__ would start Rasa: its imports are followed, the module is not run.
        "modules": sorted(m for m in modules if not m.endswith(".__main__")),
        "packages": sorted(outside),
    }
    result = subprocess.run(
        [str(python), "-c", CHECK], input=json.dumps(request), capture_output=True,
        text=True, env=rasa_env(), cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["python"] == [3, 10]
    assert report["failed"] == {}, "\n".join(report["failed"].values())
    assert report["missing"] == [], "not in the Rasa environment (requirements/rasa.in)"


def test_the_rasa_image_has_every_module_the_rasa_side_reaches() -> None:
    """deploy/Dockerfile.rasa copies the project's modules one package at a time."""
    dockerfile = (ROOT / "deploy" / "Dockerfile.rasa").read_text(encoding="utf-8")
    copied = re.findall(r"^COPY (bot\S*) ", dockerfile, flags=re.MULTILINE)
    modules, _ = rasa_side()

    def in_image(module: str) -> bool:
        path = module_path(module)
        assert path is not None
        relative = path.relative_to(ROOT).as_posix()
        return any(relative == c or relative.startswith(f"{c}/") for c in copied)

    assert sorted(m for m in modules if not in_image(m)) == []
