"""Staff logins are kept in the database (issue #17, items 10 and 11): logging out,
disabling the account or changing its password ends every login of it, also one held by
another app worker; and a locked account is refused after the same work as a wrong
password."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import StaffSession, StaffUser
from bot.server.app import create_app
from bot.settings import Settings
from bot.staff import accounts
from bot.staff.accounts import MAX_FAILED_LOGINS, authenticate, hash_password
from bot.staff.web_auth import SESSION_COOKIE
from tests.support.admin import PASSWORD, login, post


@pytest.fixture
def other_worker(settings: Settings) -> Iterator[TestClient]:
    """A second app on the same database, as a second uvicorn worker is: nothing shared
    with the first but the database and the session secret."""
    with TestClient(create_app(settings)) as client:
        yield client


def cookie(client: TestClient) -> str:
    return client.cookies.get(SESSION_COOKIE, path="/admin")


def opens_admin(client: TestClient, session_cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, session_cookie, path="/admin")
    response = client.get("/admin/item/list", follow_redirects=False)
    return response.status_code == 200


def user(session: Session, name: str) -> StaffUser:
    return session.scalars(select(StaffUser).where(StaffUser.username == name)).one()


def test_logging_out_ends_the_login_on_every_worker(
    web: TestClient, other_worker: TestClient
) -> None:
    assert login(web, "editor") == 302
    kept = cookie(web)
    assert opens_admin(other_worker, kept)
    web.get("/admin/logout")
    assert not opens_admin(other_worker, kept)  # the old cookie, on the other worker
    assert not opens_admin(web, kept)


def test_disabling_an_account_ends_its_logins_for_good(
    web: TestClient, other_worker: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(other_worker, "editor")
    kept = cookie(other_worker)
    login(web, "admin")
    with staff_db() as session:
        editor = user(session, "editor")
    form = {"username": "editor", "role": "editor", "save": "保存"}  # no "active": unticked
    assert post(web, f"/admin/staff-user/edit/{editor.id}", form).status_code == 302
    assert not opens_admin(other_worker, kept)
    with staff_db() as session:
        user(session, "editor").active = True
        session.commit()
    assert not opens_admin(other_worker, kept), "enabled again, an old login stays ended"
    assert login(other_worker, "editor") == 302


def test_a_new_password_ends_the_accounts_logins_whoever_sets_it(
    web: TestClient, other_worker: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "viewer")
    by_admin = cookie(web)
    login(other_worker, "editor")
    by_cli = cookie(other_worker)

    # in the admin, by an admin
    admin = TestClient(web.app)
    login(admin, "admin")
    with staff_db() as session:
        viewer = user(session, "viewer")
    form = {"username": "viewer", "role": "viewer", "active": "y",
            "new_password": "another long passphrase", "save": "保存"}  # fmt: skip
    assert post(admin, f"/admin/staff-user/edit/{viewer.id}", form).status_code == 302
    assert not opens_admin(web, by_admin)

    # as `nakano-bot users set-password` does: a new hash written through any session
    with staff_db() as session:
        user(session, "editor").password_hash = hash_password("a new passphrase!")
        session.commit()
    assert not opens_admin(other_worker, by_cli)
    with staff_db() as session:
        still = {row.user_id for row in session.scalars(select(StaffSession))}
        assert still == {user(session, "admin").id}


def test_a_login_runs_out_after_its_hours(web: TestClient, staff_db: sessionmaker[Session]) -> None:
    login(web, "editor")
    kept = cookie(web)
    with staff_db() as session:
        for row in session.scalars(select(StaffSession)):
            row.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        session.commit()
    assert not opens_admin(web, kept)


def test_the_cookie_carries_no_account_only_a_token(
    web: TestClient, staff_db: sessionmaker[Session]
) -> None:
    login(web, "admin")
    with staff_db() as session:
        [row] = session.scalars(select(StaffSession)).all()
    assert row.token_hash not in cookie(web)  # only the digest is stored


# --- 11: a locked account costs the same work -------------------------------------------


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The password hashes argon2 checks a password against (the real check still runs)."""
    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash: str | bytes, password: str | bytes) -> bool:
            checked.append(password_hash)
            return super().verify(password_hash, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    return checked


def _lock(sessions: sessionmaker[Session], name: str) -> StaffUser:
    with sessions() as session:
        for _ in range(MAX_FAILED_LOGINS):
            authenticate(session, name, "wrong password")
        session.commit()
        locked = user(session, name)
        assert locked.locked_until is not None
        return locked


def test_a_locked_account_verifies_the_password_like_a_wrong_one(
    staff_db: sessionmaker[Session], verifications: list[str]
) -> None:
    locked = _lock(staff_db, "editor")
    with staff_db() as session:
        verifications.clear()
        assert authenticate(session, "editor", PASSWORD) is None  # right password, locked
        assert verifications == [locked.password_hash]
        verifications.clear()
        assert authenticate(session, "viewer", "wrong password") is None
        assert len(verifications) == 1
        verifications.clear()
        assert authenticate(session, "nobody", "wrong password") is None
        assert len(verifications) == 1


def test_a_locked_account_takes_as_long_as_a_wrong_password(
    staff_db: sessionmaker[Session],
) -> None:
    """Timed with a margin no machine load should cross: a locked account used to answer
    without hashing at all, in a tenth of the time or less."""
    _lock(staff_db, "editor")

    def seconds(name: str, password: str) -> float:
        with staff_db() as session:
            start = time.perf_counter()
            authenticate(session, name, password)
            elapsed = time.perf_counter() - start
            session.rollback()
        return elapsed

    locked = statistics.median(seconds("editor", PASSWORD) for _ in range(5))
    wrong = statistics.median(seconds("viewer", "wrong password") for _ in range(5))
    assert locked > wrong / 3, (locked, wrong)
