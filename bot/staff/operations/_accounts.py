"""Staff accounts and API tokens: a token issued, and the first admin created from the
settings.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import StaffToken, StaffUser
from bot.staff.accounts import Role, create_token, create_user
from bot.staff.audit import acting_as
from bot.staff.operations._checks import MAX_TOKEN_NAME
from bot.staff.operations._errors import OperationError


def issue_token(session: Session, name: str, role: Role, created_by: str) -> tuple[StaffToken, str]:
    """A new API token row and its plain value (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise OperationError("トークンの名前を入力してください。")
    if len(name) > MAX_TOKEN_NAME:
        raise OperationError(f"トークンの名前は{MAX_TOKEN_NAME}文字以内にしてください。")
    value = create_token(session, name, role, created_by)
    (row,) = (obj for obj in session.new if isinstance(obj, StaffToken))
    session.flush()
    return row, value


def ensure_first_admin(
    sessions: sessionmaker[Session],
    settings: object | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
) -> StaffUser | None:
    """Create the first admin from the settings (``NAKANO_BOT_ADMIN_USERNAME`` and
    ``NAKANO_BOT_ADMIN_PASSWORD``) or the arguments, if there is no staff user at all yet.

    Returns the new user, or None when there are users already or nothing is configured.
    Commits. A password shorter than the minimum raises
    :class:`~bot.staff.accounts.AccountError`: better a start-up that says so than an
    admin nobody can log in as.
    """
    username = username or getattr(settings, "admin_username", None)
    if password is None:
        secret = getattr(settings, "admin_password", None)
        password = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    if not username or not password:
        return None
    with sessions() as session, acting_as("system:first-admin"):
        if session.scalar(select(func.count()).select_from(StaffUser)):
            return None
        user = create_user(session, username, password, Role.ADMIN)
        try:
            session.commit()
        except IntegrityError:
            # Another process (a second replica starting) created it first.
            session.rollback()
            return None
        return user
