"""Staff accounts and API tokens: hashing, checking, lock-out, roles.

Passwords are hashed with argon2id (argon2-cffi, the reference implementation's binding).
Tokens are random and long, so a plain SHA-256 of them is enough to store: unlike a
password, a token cannot be guessed from a dictionary.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import StaffToken, StaffUser, utcnow


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
    the account after MAX_FAILED_LOGINS of them; the caller commits."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if user.locked_until is not None and _aware(user.locked_until) > now:
        return None
    if not _verify(user.password_hash, password):
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
