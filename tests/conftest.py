"""Fixtures with the real parts: a real SQLite catalog imported from the shipped data, the
real trained model, and the real Rasa and action servers on their own loopback ports."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import get_engine, get_sessionmaker
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogIndex
from bot.line.fake_api import FakeLineApi
from bot.server.app import create_app
from bot.services import Service, app_service, backend_services, ensure_model, running
from bot.settings import Settings
from tests.support.catalog import make_catalog
from tests.support.line import FAKE_LINE_PORT, TOKEN
from tests.support.postgres import POSTGRES_URL, scratch_postgres
from tests.support.rasa_python import RasaPython
from tests.support.stack import FROZEN_TODAY, TEST_ACTION_PORT, TEST_APP_PORT, TEST_RASA_PORT

#: The fixtures that bring up what a test needs beyond this process, its files and the two
#: Python environments, and the markers (pyproject.toml) they give every test that uses them,
#: directly or through another fixture. `make check` runs the tests with none of these
#: markers; a test that reaches such a service another way carries the marker itself.
MARKERS_BY_FIXTURE: dict[str, tuple[str, ...]] = {
    "trained_model": ("e2e",),
    "backend": ("e2e",),
    "browser": ("browser",),
    "stack": ("e2e", "postgres", "redis"),  # tests/end_to_end/test_production_profile.py
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


@pytest.fixture(scope="session")
def catalog_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A catalog shared by the tests that only read it."""
    return make_catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite3")


@pytest.fixture(scope="session")
def actions_catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where :func:`actions_catalog` keeps the actions' catalog for the whole run."""
    return tmp_path_factory.mktemp("actions") / "catalog.sqlite3"


@pytest.fixture
def actions_catalog(actions_catalog_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A catalog of the shipped data, fresh for the test, that the actions, called in this
    process, read and write through their own settings (their cached settings are reset
    around the test).

    It is one file for the run, whose content is put back before each test, so that the
    actions' live catalog (``actions.context.live_catalog``; loading the catalog into
    memory takes a second) is kept from test to test: it loads again only when its
    revision is not the file's, that is after a test that moved it. It is brought in step
    before the test starts, so that a test that moves the revision starts from the
    shipped catalog in memory as well as on disk.
    """
    from actions import context
    from bot import settings as settings_module

    url = f"sqlite:///{actions_catalog_path}"
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", url)
    settings_module.get_settings.cache_clear()
    if context.sessions.cache_info().currsize and str(context.sessions().kw["bind"].url) != url:
        context.sessions.cache_clear()
        context.live_catalog.cache_clear()
    get_engine(url).dispose()
    make_catalog(actions_catalog_path)
    context.live_catalog().index()
    yield url
    settings_module.get_settings.cache_clear()


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


@pytest.fixture
def postgres_database(postgres_admin: str) -> Iterator[str]:
    """A scratch PostgreSQL database of the test's own (empty: no schema yet)."""
    with scratch_postgres(postgres_admin, "nakano_test") as url:
        yield url


@pytest.fixture(scope="session")
def rasa_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaPython]:
    """The Rasa environment's Python with Rasa imported once, running each script in a
    fresh process of its own (:mod:`tests.support.rasa_python`)."""
    try:
        python = RasaPython(tmp_path_factory.mktemp("rasa-python"))
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield python
    python.close()


@pytest.fixture(scope="session")
def sessions(catalog_url: str) -> sessionmaker[Session]:
    return get_sessionmaker(catalog_url)


@pytest.fixture(scope="session")
def index(sessions: sessionmaker[Session]) -> CatalogIndex:
    return LiveCatalog(sessions).index()


@pytest.fixture(scope="session")
def e2e_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the end-to-end stack, as ``bot.services.scratch_settings`` makes them; its
    catalog is its own, since tests write to it: a copy of the run's shipped catalog, rather
    than the shipped data imported once more."""
    work = tmp_path_factory.mktemp("e2e")
    return Settings(
        database_url=make_catalog(work / "catalog.sqlite3"),
        tracker_store_path=work / "tracker.sqlite3",
        rasa_port=TEST_RASA_PORT,
        action_port=TEST_ACTION_PORT,
        port=TEST_APP_PORT,
        fixed_today=FROZEN_TODAY,
        # Tests ask many questions in one conversation; test_hardening.py checks the limits.
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


@pytest.fixture(scope="module")
def fake_line() -> Iterator[FakeLineApi]:
    """The fake LINE Messaging API on loopback (``bot.line.fake_api``), which records what
    the bot sends and refuses what LINE refuses; per module, on its worker's port."""
    fake = FakeLineApi(access_token=TOKEN)
    with fake.serve(port=FAKE_LINE_PORT):
        yield fake
