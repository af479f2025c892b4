"""Staff accounts and API tokens: hashing, checking, lock-out, roles.

Passwords are hashed with argon2id (argon2-cffi, the reference implementation's binding).
Tokens are random and long, so a plain SHA-256 of them is enough to store: unlike a
password, a token cannot be guessed from a dictionary. The same holds for the tokens of
admin logins (:class:`~bot.catalog.models.StaffSession`), which end when the account's
password changes or the account is disabled, whichever part of the program does it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session

from bot.catalog.models import StaffSession, StaffToken, StaffUser, utcnow


class Role(str, Enum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        order = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)

    __str__ = str.__str__


#: After this many wrong passwords in a row the account is locked for LOCK_MINUTES.
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "nkb_"

_hasher = PasswordHasher()
#: Checked against when the user does not exist, so a wrong name takes as long as a wrong
#: password and does not tell an attacker which names exist.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """A request about an account that cannot be done (the message says why)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: Role) -> StaffUser:
    username = username.strip()
    if not username:
        raise AccountError("ユーザー名を入力してください。")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise AccountError(f"ユーザー名「{username}」は使われています。")
    user = StaffUser(username=username, password_hash=hash_password(password), role=role.value)
    session.add(user)
    return user


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> StaffUser | None:
    """The active, unlocked user with this password, or None. Counts failures and locks
    the account after MAX_FAILED_LOGINS of them; the caller commits.

    Every refusal costs one argon2 verification, like a wrong password: an unknown name, a
    disabled or a locked account answering faster would tell a guesser which it is."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    correct = _verify(user.password_hash, password)
    if user.locked_until is not None and _aware(user.locked_until) > now:
        return None
    if not correct:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def create_token(session: Session, name: str, role: Role, created_by: str) -> str:
    """A new token; the plain value is returned once and never stored."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        StaffToken(name=name, token_hash=_digest(value), role=role.value, created_by=created_by)
    )
    return value


def token_for(session: Session, value: str) -> StaffToken | None:
    """The live token with this value, or None; marks it used."""
    token = session.scalar(select(StaffToken).where(StaffToken.token_hash == _digest(value)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used = utcnow()
    return token


def revoke_token(session: Session, token_id: int) -> StaffToken:
    token = session.get(StaffToken, token_id)
    if token is None:
        raise AccountError(f"トークン {token_id} はありません。")
    token.revoked_at = token.revoked_at or utcnow()
    return token


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- admin logins ------------------------------------------------------------------------


def start_session(
    session: Session, user: StaffUser, hours: float, now: datetime | None = None
) -> str:
    """A new login of ``user`` for ``hours``; returns the token for the cookie (only its
    digest is stored). Logins that have run out are removed on the way."""
    now = now or utcnow()
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def session_user(session: Session, token: str, now: datetime | None = None) -> StaffUser | None:
    """The active user logged in with ``token``, or None when the login has ended (logged
    out, run out, password changed, account disabled)."""
    login = session.get(StaffSession, _digest(token))
    if login is None or _aware(login.expires_at) <= (now or utcnow()):
        return None
    user = session.get(StaffUser, login.user_id)
    return user if user is not None and user.active else None


def end_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


@event.listens_for(Session, "before_flush")
def _end_logins_of_changed_accounts(session: Session, _context: Any, _instances: Any) -> None:
    """A new password or a disabled account ends every login of the account, in the same
    transaction, whether the admin, the staff API or the CLI made the change."""
    ended = [u.id for u in session.dirty if isinstance(u, StaffUser) and _credentials_changed(u)]
    ended += [u.id for u in session.deleted if isinstance(u, StaffUser)]
    if ended:
        session.execute(delete(StaffSession).where(StaffSession.user_id.in_(ended)))


def _credentials_changed(user: StaffUser) -> bool:
    state = inspect(user)
    disabled = state.attrs.active.history.has_changes() and not user.active
    return disabled or state.attrs.password_hash.history.has_changes()
