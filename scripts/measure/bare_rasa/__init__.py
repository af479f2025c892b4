"""The anchor of issue #8: a bare Rasa 3.6 REST server with the project's NLU.

Same Sudachi + DIET pipeline as the project's ``config.yml`` (read from it at training time,
so the two cannot drift), trained on the project's ``data/rasa/nlu*.yml`` by path, with a
small domain of fixed texts answered by rules (``domain.yml``, ``rules.yml`` here): no
custom actions, no action server, in-memory tracker and lock store, REST channel only.

    .venv/app/bin/python scripts/measure/bare_rasa [--port 31005] [--train]

trains when needed (the model is cached in ``models/`` by a fingerprint of its inputs, as
``bot.services.ensure_model`` does) and serves ``POST /webhooks/rest/webhook`` on loopback
until Ctrl-C. ``scripts/measure/benchmark.py`` and ``scripts/measure/load.py`` use it side
by side with the project's stack.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import tempfile
import time
from pathlib import Path

import yaml

from bot.services import Service, model_fingerprint, rasa_env, running, train_model
from bot.settings import ROOT, Settings

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DOMAIN = HERE / "domain.yml"
RULES = HERE / "rules.yml"
CREDENTIALS = HERE / "credentials.yml"
ENDPOINTS = HERE / "endpoints.yml"
#: Not ``nakano-``: ``bot.services.ensure_model`` removes other ``nakano-*`` models.
MODEL_PREFIX = "bare-rasa-"
DEFAULT_PORT = 31005

#: The name of the bare Rasa service in the benchmark's output.
SERVICE_NAME = "bare rasa"


def nlu_files() -> list[Path]:
    """The project's NLU examples, used in place."""
    return sorted((ROOT / "data" / "rasa").glob("nlu*.yml"))


def config_text() -> str:
    """The project's ``config.yml`` with its pipeline untouched and only the rule policy:
    its custom fallback action becomes Rasa's own ``action_default_fallback``."""
    project = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    policies = []
    for policy in project.get("policies") or []:
        if policy.get("name") == "RulePolicy":
            policy = {k: v for k, v in policy.items() if k != "core_fallback_action_name"}
            policies.append(policy)
    if not policies:
        policies = [{"name": "RulePolicy"}]
    config = {
        "recipe": project.get("recipe", "default.v1"),
        "language": project["language"],
        "assistant_id": "nakano-bare-rasa",
        "pipeline": project["pipeline"],
        "policies": policies,
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def fingerprint() -> str:
    """The project's model fingerprint (pipeline code, NLU data, Rasa's lock) plus what
    this project adds; a change to any of them means retraining."""
    digest = hashlib.sha256(model_fingerprint().encode())
    digest.update(config_text().encode())
    for path in (DOMAIN, RULES):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint()}.tar.gz"


def ensure_bare_model(settings: Settings | None = None, *, force: bool = False) -> Path:
    """Train the bare model when its inputs changed since the last training (only then)."""
    settings = settings or Settings()
    target = model_path(settings)
    if target.exists() and not force:
        logger.info("bare Rasa model is up to date: %s", target.name)
        return target
    logger.info("training the bare Rasa model (a few minutes on two cores) ...")
    with tempfile.TemporaryDirectory(prefix="bare-rasa-") as tmp:
        config = Path(tmp) / "config.yml"
        config.write_text(config_text(), encoding="utf-8")
        return train_model(settings, target, [*nlu_files(), RULES], DOMAIN, config)


def bare_rasa_service(
    model: Path,
    run_dir: Path,
    *,
    port: int = DEFAULT_PORT,
    host: str = "127.0.0.1",
    rasa_venv: Path | None = None,
) -> Service:
    """The bare Rasa server on ``host:port``, not yet started (see ``bot.services.running``)."""
    rasa = (rasa_venv or Settings().rasa_venv) / "bin" / "rasa"
    command = [
        str(rasa), "run",
        "--model", str(model),
        "--endpoints", str(ENDPOINTS),
        "--credentials", str(CREDENTIALS),
        "--interface", host,
        "--port", str(port),
    ]  # fmt: skip
    return Service(
        name=SERVICE_NAME,
        command=command,
        env=rasa_env(),
        health_url=f"http://{host}:{port}/webhooks/rest/",
        log_path=run_dir / "bare-rasa.log",
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train (when needed) and serve the bare Rasa.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--train", action="store_true", help="retrain even if up to date")
    parser.add_argument("--train-only", action="store_true", help="train when needed, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    model = ensure_bare_model(settings, force=args.train)
    if args.train_only:
        print(model)
        return
    # SIGTERM (and SIGINT, which a background job ignores) stop Rasa too: it runs in a
    # session of its own and would outlive this process otherwise.
    signal.signal(signal.SIGTERM, _interrupt)
    run_dir = Path(tempfile.mkdtemp(prefix="bare-rasa-run-"))
    service = bare_rasa_service(model, run_dir, port=args.port, rasa_venv=settings.rasa_venv)
    with running([service]):
        print(f"bare Rasa is up: POST http://127.0.0.1:{args.port}/webhooks/rest/webhook")
        print(f"log: {service.log_path}; Ctrl-C stops it")
        try:
            while service.process is not None and service.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
