"""The tools under scripts/ (not a package) loaded as modules, to test their functions."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from bot.settings import ROOT


def load_script(path: str) -> ModuleType:
    """``scripts/<path>.py`` as a module (scripts/ is not a package), ``path`` relative to
    scripts/ (``"measure/load"`` for scripts/measure/load.py), under the name
    ``<file name>_script``; registered before it runs, since its dataclasses look it up."""
    file = ROOT / "scripts" / f"{path}.py"
    spec = importlib.util.spec_from_file_location(f"{file.stem}_script", file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
