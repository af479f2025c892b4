"""Fixtures with the real parts: a real SQLite catalog imported from the shipped data, the
real trained model, and the real Rasa and action servers on their own loopback ports."""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import os
import shutil
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import get_engine, get_sessionmaker
from bot.catalog.importer import CatalogFiles, import_into
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogIndex
from bot.server.app import create_app
from bot.services import (
    Service,
    app_service,
    backend_services,
    ensure_model,
    running,
    scratch_settings,
)
from bot.settings import ROOT, Settings

# Ports apart from the defaults, so a bot started with `make run` does not get in the way;
# NAKANO_BOT_TEST_PORT_OFFSET moves them all, so two test runs on one machine do not collide.
_PORT_OFFSET = int(os.environ.get("NAKANO_BOT_TEST_PORT_OFFSET", "0"))
TEST_RASA_PORT = 15005 + _PORT_OFFSET
TEST_ACTION_PORT = 15055 + _PORT_OFFSET
TEST_APP_PORT = 18000 + _PORT_OFFSET
#: The end-to-end stack's "today" in Tokyo: Thursday, 24 December 2026.
FROZEN_TODAY = date(2026, 12, 24)

#: The fixtures that bring up what a test needs beyond this process, its files and the two
#: Python environments, and the markers (pyproject.toml) they give every test that uses them,
#: directly or through another fixture. `make check` runs the tests with none of these
#: markers; a test that reaches such a service another way carries the marker itself.
MARKERS_BY_FIXTURE: dict[str, tuple[str, ...]] = {
    "trained_model": ("e2e",),
    "backend": ("e2e",),
    "browser": ("browser",),
    "stack": ("e2e", "postgres", "redis"),  # tests/test_production_profile.py
    "postgres_admin": ("postgres",),
    "postgres_database": ("postgres",),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the fixtures it uses, so that no test has to repeat what its
    fixtures already say."""
    for item in items:
        for fixture in MARKERS_BY_FIXTURE.keys() & set(getattr(item, "fixturenames", ())):
            for marker in MARKERS_BY_FIXTURE[fixture]:
                item.add_marker(marker)


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


@functools.cache
def _shipped_catalog() -> Path:
    """The shipped data imported once per test run (an import takes seconds), in a folder
    removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="nakano-catalog-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "catalog.sqlite3"
    import_into(f"sqlite:///{path}", CatalogFiles.shipped(ROOT / "data"))
    return path


def make_catalog(path: Path, prepared: Callable[[str], None] | None = None) -> str:
    """A SQLite catalog at ``path`` with the shipped data imported, and what ``prepared``
    writes into a catalog (staff accounts, say); its URL. A copy of one such catalog per
    test run and ``prepared`` (hashing a password takes a quarter of a second), taken with
    SQLite's backup, so that what is still in the write-ahead log is copied too."""
    source_path = _shipped_catalog() if prepared is None else _prepared_catalog(prepared)
    with (
        contextlib.closing(sqlite3.connect(source_path)) as source,
        contextlib.closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    return f"sqlite:///{path}"


@functools.cache
def _prepared_catalog(prepared: Callable[[str], None]) -> Path:
    """The shipped catalog with what ``prepared`` writes, once per test run."""
    folder = Path(tempfile.mkdtemp(prefix="nakano-catalog-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "catalog.sqlite3"
    prepared(make_catalog(path))
    return path


@pytest.fixture(scope="session")
def catalog_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A catalog shared by the tests that only read it."""
    return make_catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite3")


@pytest.fixture
def actions_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh catalog that the actions, called in this process, read and write through
    their own settings (their cached settings and sessions are reset around the test)."""
    from actions import context
    from bot import settings as settings_module

    url = make_catalog(tmp_path / "catalog.sqlite3")
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", url)
    caches = (settings_module.get_settings, context.sessions, context.live_catalog)
    for cached in caches:
        cached.cache_clear()
    yield url
    for cached in caches:
        cached.cache_clear()


#: The PostgreSQL server the tests that need one use: the one on loopback, as CI machines
#: of this kind run it, unless ``NAKANO_BOT_TEST_POSTGRES_URL`` points elsewhere.
POSTGRES_URL = os.environ.get(
    "NAKANO_BOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The PostgreSQL server's URL, after checking it answers. If it does not, the test
    fails saying so: a skipped PostgreSQL test would let production's database go untested."""
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    problem = None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        problem = str(exc.orig).strip()
    finally:
        engine.dispose()
    if problem is not None:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem}). These tests need "
            "it: start it (.ci/run does) or set NAKANO_BOT_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    return POSTGRES_URL


@contextlib.contextmanager
def scratch_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``admin_url``, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_database(postgres_admin: str) -> Iterator[str]:
    """A scratch PostgreSQL database of the test's own (empty: no schema yet)."""
    with scratch_postgres(postgres_admin, "nakano_test") as url:
        yield url


@pytest.fixture(scope="session")
def sessions(catalog_url: str) -> sessionmaker[Session]:
    return get_sessionmaker(catalog_url)


@pytest.fixture(scope="session")
def index(sessions: sessionmaker[Session]) -> CatalogIndex:
    return LiveCatalog(sessions).index()


@pytest.fixture(scope="session")
def e2e_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the end-to-end stack; its catalog is its own, since tests write to it."""
    return scratch_settings(
        tmp_path_factory.mktemp("e2e"),
        rasa_port=TEST_RASA_PORT,
        action_port=TEST_ACTION_PORT,
        port=TEST_APP_PORT,
        fixed_today=FROZEN_TODAY,
        # Tests ask many questions in one conversation; test_rate_limits checks the limits.
        rate_limit_per_sender="1000/minute",
    )


@pytest.fixture(scope="session")
def trained_model(e2e_settings: Settings) -> Path:
    """The model of the shipped training data, trained if it is not there yet."""
    return ensure_model(e2e_settings)


@pytest.fixture(scope="session")
def backend(
    e2e_settings: Settings, trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Service]]:
    """The real Rasa server with the trained model, and the real action server."""
    services = backend_services(e2e_settings, trained_model, tmp_path_factory.mktemp("run"))
    with running(services):
        yield {service.name: service for service in services}


@pytest.fixture(scope="session")
def client(e2e_settings: Settings, backend: dict[str, Service]) -> Iterator[TestClient]:
    with TestClient(create_app(e2e_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def app_server(
    e2e_settings: Settings, backend: dict[str, Service], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app as its own uvicorn process in front of the backend: its base URL."""
    with running([app_service(e2e_settings, tmp_path_factory.mktemp("app"))]):
        yield f"http://{e2e_settings.host}:{e2e_settings.port}"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (``make test`` installs it), driven by Playwright. Per module:
    Playwright's sync API keeps an event loop running, which later tests would trip on."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
