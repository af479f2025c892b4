"""Training the model and running the three processes (Rasa, action server, app).

Used by ``nakano-bot run`` and by the test suite, so that what the tests start is exactly
what a newcomer starts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import yaml
from sqlalchemy.engine import make_url

from bot.catalog.importer import CatalogFiles, import_into
from bot.japanese.sudachi import SHARED_DICTIONARIES
from bot.server.rasa_client import lock_lifetime
from bot.settings import ROOT, Settings

logger = logging.getLogger(__name__)

#: Everything the trained model depends on; a change to any of them means retraining.
MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/rasa",
    "bot/nlu",
    "bot/japanese",
    "requirements/rasa.lock",
)
MODEL_PREFIX = "nakano-"


class ServiceError(RuntimeError):
    """A process did not start, or training failed."""


def model_fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in MODEL_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{model_fingerprint()}.tar.gz"


def scratch_settings(work: Path, **overrides: object) -> Settings:
    """Settings for a throw-away stack in ``work``: a fresh catalog imported from the
    shipped data, its own tracker store, and ``overrides`` (ports, a frozen clock)."""
    database_url = f"sqlite:///{work / 'catalog.sqlite3'}"
    import_into(database_url, CatalogFiles.shipped(ROOT / "data"))
    return Settings(
        database_url=database_url, tracker_store_path=work / "tracker.sqlite3", **overrides
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """This environment plus ``settings`` as ``NAKANO_BOT_*`` variables, for the child
    processes in the app environment (action server, app) to read the same settings."""
    env = dict(os.environ)
    env.update(
        {
            "NAKANO_BOT_PROFILE": settings.profile,
            "NAKANO_BOT_DATABASE_URL": settings.database_url,
            "NAKANO_BOT_RASA_HOST": settings.rasa_host,
            "NAKANO_BOT_RASA_PORT": str(settings.rasa_port),
            "NAKANO_BOT_RASA_REPLICAS": str(settings.rasa_replicas),
            "NAKANO_BOT_ACTION_HOST": settings.action_host,
            "NAKANO_BOT_ACTION_PORT": str(settings.action_port),
            "NAKANO_BOT_ACTION_REPLICAS": str(settings.action_replicas),
            "NAKANO_BOT_RATE_LIMIT_PER_SENDER": settings.rate_limit_per_sender,
            "NAKANO_BOT_RATE_LIMIT_PER_CLIENT": settings.rate_limit_per_client,
            "NAKANO_BOT_RATE_LIMIT_STORAGE": settings.rate_limit_storage,
            "NAKANO_BOT_LOG_FORMAT": settings.log_format,
            "PYTHONPATH": str(ROOT),
        }
    )
    if settings.fixed_today:
        env["NAKANO_BOT_FIXED_TODAY"] = settings.fixed_today.isoformat()
    return env


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # Rasa 3.6 is on SQLAlchemy 1.4 and TensorFlow 2.12; their warnings say nothing an
    # operator can act on.
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONWARNINGS", "ignore")
    # No telemetry: nothing leaves the machine, and CI has no internet to send it to.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    # The Rasa server maps the action server's copy of the Sudachi dictionary: one copy
    # in memory, not two (bot.japanese.sudachi.SHARED_DICTIONARIES).
    spec = importlib.util.find_spec("sudachidict_core")
    if spec is not None and spec.origin is not None:
        env.setdefault(SHARED_DICTIONARIES, str(Path(spec.origin).parent.parent))
    return env


def ensure_model(settings: Settings, *, force: bool = False) -> Path:
    """Train the Rasa model when its inputs changed since the last training (only then)."""
    target = model_path(settings)
    if target.exists() and not force:
        logger.info("model is up to date: %s", target.name)
        return target
    logger.info("training the Rasa model (about two minutes on two cores) ...")
    return train_model(
        settings, target, [ROOT / "data" / "rasa"], ROOT / "domain.yml", ROOT / "config.yml"
    )


def train_model(
    settings: Settings, target: Path, data: list[Path], domain: Path, config: Path
) -> Path:
    """``rasa train`` into ``target``, then remove older models of the same name prefix
    (everything before the fingerprint), so that models/ does not fill up."""
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [
        str(settings.rasa_venv / "bin" / "rasa"), "train",
        "--data", *map(str, data),
        "--domain", str(domain),
        "--config", str(config),
        "--out", str(settings.models_dir),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=rasa_env())
    if result.returncode != 0 or not target.exists():
        raise ServiceError(f"rasa train failed for {target.name} (exit {result.returncode})")
    prefix = target.name[: target.name.rindex("-") + 1]
    for old in settings.models_dir.glob(f"{prefix}*.tar.gz"):
        if old != target:
            old.unlink()
    logger.info("model trained in %.0f s: %s", time.monotonic() - started, target.name)
    return target


#: Where Rasa finds the tracker and lock store passwords: its environment, which the
#: endpoints file names (``${…}``), so that no password is written to disk.
TRACKER_PASSWORD_VAR = "NAKANO_TRACKER_STORE_PASSWORD"
LOCK_PASSWORD_VAR = "NAKANO_LOCK_STORE_PASSWORD"
#: Prefix of the conversation locks' keys in Redis (letters and digits only, says Rasa).
LOCK_KEY_PREFIX = "nakano"
#: The stores Rasa loads by the endpoints' ``type`` (Rasa's hook for custom stores): its own
#: SQL tracker store and lock stores, made faster per message (``bot.rasa_launch``).
TRACKER_STORE_TYPE = "bot.rasa_launch.tracker_store.SQLTrackerStore"
IN_MEMORY_LOCK_STORE_TYPE = "bot.rasa_launch.lock_store.InMemoryLockStore"
REDIS_LOCK_STORE_TYPE = "bot.rasa_launch.lock_store.RedisLockStore"


def write_endpoints(settings: Settings, path: Path) -> Path:
    """Rasa's endpoints file for these settings: action servers, tracker and lock store.

    Embedded: one action server, a SQLite tracker store and in-memory locks (one Rasa
    process). Production: every action server under ``urls`` (``bot.rasa_launch`` spreads
    the calls over them and skips one that is down; ``url``, the first, is what a plain
    ``rasa run`` calls), the conversations in PostgreSQL, so that any replica can continue
    any conversation, and the locks in Redis, so that two replicas never handle one
    conversation at once. The stores are ``bot.rasa_launch``'s, with the options of
    Rasa's own (``type: SQL``, ``type: redis``).
    """
    webhooks = [f"{url}/webhook" for url in settings.action_urls]
    action_endpoint: dict[str, object] = {"url": webhooks[0]}
    if len(webhooks) > 1:
        action_endpoint["urls"] = webhooks  # bot.rasa_launch.action_servers.URLS_KEY
    endpoints: dict[str, object] = {"action_endpoint": action_endpoint}
    if settings.production:
        endpoints["tracker_store"] = _tracker_store_endpoint(settings.tracker_store_url)
        endpoints["lock_store"] = _lock_store_endpoint(settings.lock_store_url)
    else:
        settings.tracker_store_path.parent.mkdir(parents=True, exist_ok=True)
        endpoints["tracker_store"] = {
            "type": TRACKER_STORE_TYPE,
            "dialect": "sqlite",
            "db": str(settings.tracker_store_path),
        }
        endpoints["lock_store"] = {"type": IN_MEMORY_LOCK_STORE_TYPE}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


def _tracker_store_endpoint(url: str) -> dict[str, object]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ServiceError(f"tracker_store_url must be a PostgreSQL URL, not {parsed.drivername}")
    endpoint: dict[str, object] = {
        "type": TRACKER_STORE_TYPE,
        "dialect": "postgresql",
        "url": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "db": parsed.database or "nakano_tracker",
    }
    if parsed.username:
        endpoint["username"] = parsed.username
    if parsed.password:
        endpoint["password"] = f"${{{TRACKER_PASSWORD_VAR}}}"
    if parsed.query:
        endpoint["query"] = dict(parsed.query)
    return endpoint


def _lock_store_endpoint(url: str) -> dict[str, object]:
    parsed = urlsplit(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ServiceError(f"lock_store_url must be a redis:// URL, not {parsed.scheme}://")
    endpoint: dict[str, object] = {
        "type": REDIS_LOCK_STORE_TYPE,
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.path.strip("/") or 1),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    if parsed.username:
        endpoint["username"] = unquote(parsed.username)
    if parsed.password:
        endpoint["password"] = f"${{{LOCK_PASSWORD_VAR}}}"
    if parsed.scheme == "rediss":
        endpoint["use_ssl"] = True
    return endpoint


def _store_passwords(settings: Settings) -> dict[str, str]:
    """The passwords the endpoints file refers to, for Rasa's environment."""
    if not settings.production:
        return {}
    passwords = {}
    tracker_password = make_url(settings.tracker_store_url).password
    if tracker_password:
        passwords[TRACKER_PASSWORD_VAR] = str(tracker_password)
    lock_password = urlsplit(settings.lock_store_url).password
    if lock_password:
        passwords[LOCK_PASSWORD_VAR] = unquote(lock_password)
    return passwords


def rasa_server_env(settings: Settings) -> dict[str, str]:
    """What a Rasa server of the bot runs with, besides :func:`rasa_env`.

    - The conversation lock lifetime (:func:`~bot.server.rasa_client.lock_lifetime`), a
      little longer than the app waits for an answer. A replica that dies while answering
      leaves its conversation's lock in Redis; the next message of that conversation waits
      until the lock expires. Rasa's default, 60 s, would keep the resident waiting (and getting
      the apology) for a minute; a lock that outlives the app's own timeout by a few
      seconds never frees a conversation that is still answered, and the app's balancer
      gives the next message of a conversation it saw lost the time to outlast it.
    - How many texts' NLU readings Rasa keeps (``rasa_parse_cache``).

    TensorFlow keeps its default thread pools: they use the core the app and the action
    server leave idle, so fewer threads serve fewer messages (docs/BENCHMARKS.md).
    """
    return {
        "TICKET_LOCK_LIFETIME": str(lock_lifetime(settings.rasa_timeout_seconds)),
        "NAKANO_BOT_RASA_PARSE_CACHE": str(settings.rasa_parse_cache),
    }


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database that ``url`` names when it is missing (connecting
    to the server's ``postgres`` database with the same user); True when it was created.
    Other databases (SQLite) are left alone."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    import psycopg
    from psycopg import sql

    params = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": "postgres",
        "connect_timeout": 5,
    }
    try:
        with psycopg.connect(
            **{k: v for k, v in params.items() if v is not None}, autocommit=True
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
            ).fetchone()
            if exists:
                return False
            try:
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database))
                )
            except psycopg.errors.DuplicateDatabase:  # another process was first
                return False
    except psycopg.OperationalError as exc:
        raise ServiceError(
            f"PostgreSQL at {parsed.host}:{parsed.port or 5432} cannot be reached: {exc}"
        ) from exc
    logger.info("created the PostgreSQL database %s", parsed.database)
    return True


@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    health_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(self.health_url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise ServiceError(
            f"{self.name} did not answer within {timeout:.0f} s; see {self.log_path}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def backend_services(settings: Settings, model: Path, run_dir: Path) -> list[Service]:
    """The action server(s) and the Rasa server(s) for ``settings``, not yet started: one
    of each in the embedded profile; in production ``action_replicas`` action servers
    (ports ``action_port``, ``action_port + 1``, …) and ``rasa_replicas`` Rasa servers
    (same model, same endpoints, ports ``rasa_port``, ``rasa_port + 1``, …)."""
    for variable, urls in (
        ("NAKANO_BOT_RASA_REPLICA_URLS", settings.rasa_replica_urls),
        ("NAKANO_BOT_ACTION_REPLICA_URLS", settings.action_replica_urls),
    ):
        if urls:
            raise ServiceError(
                f"{variable} names servers run elsewhere; "
                "nakano-bot run starts its own: unset it, or start the app alone"
            )
    actions_env = settings_env(settings)
    actions_env["SANIC_HOST"] = settings.action_host
    if settings.production:
        ensure_database(settings.tracker_store_url)
    endpoints = write_endpoints(settings, run_dir / "endpoints.yml")
    env = rasa_env() | _store_passwords(settings) | rasa_server_env(settings)
    urls = settings.rasa_urls
    replicas = [
        Service(
            name="rasa" if len(urls) == 1 else f"rasa {number}",
            command=[
                # ``rasa run`` with Rasa's per-message costs cut; see the package.
                str(settings.rasa_venv / "bin" / "python"),
                "-m",
                "bot.rasa_launch",
                "run",
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--interface",
                settings.rasa_host,
                "--port",
                str(settings.rasa_port + number - 1),
            ],
            env=env,
            health_url=f"{url}/webhooks/rest/",
            log_path=run_dir / ("rasa.log" if len(urls) == 1 else f"rasa-{number}.log"),
        )
        for number, url in enumerate(urls, start=1)
    ]
    action_urls = settings.action_urls
    actions = [
        Service(
            name="action server" if len(action_urls) == 1 else f"action server {number}",
            command=[
                sys.executable,
                "-m",
                "bot.action_server",
                "--port",
                str(settings.action_port + number - 1),
            ],
            env=actions_env,
            health_url=f"{url}/health",
            log_path=run_dir
            / ("actions.log" if len(action_urls) == 1 else f"actions-{number}.log"),
        )
        for number, url in enumerate(action_urls, start=1)
    ]
    return [*actions, *replicas]


def app_service(settings: Settings, run_dir: Path) -> Service:
    """The app under uvicorn as its own process (the CLI runs it in-process instead); in
    production with ``workers`` worker processes."""
    command = [
        sys.executable, "-m", "uvicorn", "bot.server.app:create_app", "--factory",
        "--host", settings.host, "--port", str(settings.port), "--log-level", "warning",
    ]  # fmt: skip
    if settings.production and settings.workers > 1:
        command += ["--workers", str(settings.workers)]
    return Service(
        name="app",
        command=command,
        env=settings_env(settings),
        health_url=f"http://{settings.host}:{settings.port}/healthz",
        log_path=run_dir / "app.log",
    )


@contextmanager
def running(services: list[Service], timeout: float = 180.0) -> Iterator[list[Service]]:
    """Start the services, wait until each answers, and stop them all on the way out."""
    try:
        for service in services:
            logger.info("starting %s ...", service.name)
            service.start()
        for service in services:
            service.wait_until_healthy(timeout)
            logger.info("%s is up", service.name)
        yield services
    finally:
        for service in reversed(services):
            service.stop()
