"""The admin tests' fixtures: a fresh catalog with one account per role
(:data:`tests.support.admin.USERS`), and the app on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from bot.server.app import create_app
from bot.settings import Settings
from bot.staff import web_auth
from bot.staff.audit import staff_sessionmaker
from tests.support.admin import with_staff
from tests.support.catalog import make_catalog


@pytest.fixture
def no_login_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pause after a wrong password only slows the tests down; the lock-out stays."""
    monkeypatch.setattr(web_auth, "FAILED_LOGIN_PAUSE_SECONDS", 0)


@pytest.fixture
def staff_db(tmp_path: Path) -> sessionmaker[Session]:
    return staff_sessionmaker(make_catalog(tmp_path / "catalog.sqlite3", with_staff))


@pytest.fixture
def settings(staff_db: sessionmaker[Session], tmp_path: Path, no_login_pause: None) -> Settings:
    """The app's settings on :func:`staff_db`; every app made from them logs in without the
    pause after a wrong password."""
    return Settings(
        database_url=str(staff_db.kw["bind"].url),
        upload_dir=tmp_path / "uploads",
        session_secret=SecretStr("test-session-secret-" + "x" * 40),
    )


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client
