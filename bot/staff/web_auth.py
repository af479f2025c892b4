"""Who may use /admin, and what they may do there.

- Login with a staff account (argon2 hashes, lock-out after repeated failures, a pause on
  every failure). The login is a row in the database (``StaffSession``); the signed session
  cookie, HttpOnly, SameSite=Strict and limited to /admin, carries only its random token.
  So logging out, disabling the account or changing its password ends the login at once,
  on every app worker.
- Roles: a viewer reads; an editor also edits the catalog; an admin also manages staff
  accounts and API tokens.
- CSRF: every state-changing request must carry the session's token, as a form field or a
  header. SameSite=Strict already stops cross-site posts in current browsers; the token
  also covers older ones and same-site pages the ward does not control.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqladmin.authentication import AuthenticationBackend
from sqladmin.authorization import AuthorizationBackend
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.catalog.models import StaffUser
from bot.staff.accounts import Role, authenticate, end_session, session_user, start_session
from bot.staff.audit import set_actor

logger = logging.getLogger(__name__)

SESSION_COOKIE = "nakano_staff"
#: The key of the login's token in the signed session cookie.
LOGIN_KEY = "login"
SESSION_HOURS = 8
#: A wrong password costs this long, on top of the lock-out, to slow guessing down.
FAILED_LOGIN_PAUSE_SECONDS = 1.0
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: Forms and uploads larger than this are refused before the CSRF check reads them.
MAX_FORM_BYTES = 10 * 1024 * 1024
READ_ACTIONS = {"list", "details", "export"}

#: The role needed to read and to change each admin view (by identity); views not listed
#: need viewer to read and editor to change.
VIEW_ROLES: dict[str, tuple[Role, Role]] = {
    "staff-user": (Role.ADMIN, Role.ADMIN),
    "staff-token": (Role.ADMIN, Role.ADMIN),
    "tokens": (Role.ADMIN, Role.ADMIN),
    "audit-log": (Role.EDITOR, Role.ADMIN),
}


class StaffAuth(AuthenticationBackend):
    def __init__(
        self, sessions: sessionmaker[Session], secret_key: str, https_only: bool, path: str
    ) -> None:
        super().__init__(secret_key)
        # Replace sqladmin's default session middleware with ours (cookie flags, CSRF
        # inside it, so the CSRF check can read the session).
        self.middlewares = [
            Middleware(
                SessionMiddleware,
                secret_key=secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_HOURS * 3600,
                path=path,
                same_site="strict",
                https_only=https_only,
            ),
            Middleware(CSRFMiddleware),
        ]
        self._sessions = sessions

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        token = await run_in_threadpool(self._log_in, username, password)
        if token is None:
            logger.warning("failed staff login for %r", username[:100])
            await asyncio.sleep(FAILED_LOGIN_PAUSE_SECONDS)
            return False
        request.session.clear()  # a fresh session (and CSRF token) after login
        request.session.update({LOGIN_KEY: token, CSRF_SESSION_KEY: new_csrf_token()})
        logger.info("staff %s logged in", username.strip())
        return True

    def _log_in(self, username: str, password: str) -> str | None:
        """The new login's token, or None for a refused one."""
        with self._sessions() as session:
            user = authenticate(session, username, password)
            token = None if user is None else start_session(session, user, SESSION_HOURS)
            session.commit()
            return token

    async def logout(self, request: Request) -> bool:
        token = request.session.get(LOGIN_KEY)
        if token:
            await run_in_threadpool(self._log_out, token)
        request.session.clear()
        return True

    def _log_out(self, token: str) -> None:
        with self._sessions() as session:
            end_session(session, token)
            session.commit()

    async def authenticate(self, request: Request) -> bool:
        token = request.session.get(LOGIN_KEY)
        if not token:
            return False
        user = await run_in_threadpool(self._user, token)
        if user is None:
            request.session.clear()
            return False
        request.state.staff_user = user.username
        request.state.staff_role = Role(user.role)
        set_actor(f"staff:{user.username}")
        return True

    def _user(self, token: str) -> StaffUser | None:
        with self._sessions() as session:
            return session_user(session, token)


def staff_role(request: Request) -> Role:
    return getattr(request.state, "staff_role", Role.VIEWER)


def require(request: Request, role: Role) -> bool:
    return staff_role(request).allows(role)


class RoleAuthorization(AuthorizationBackend):
    def has_permission(
        self, request: Request, identity: str, action: str, obj: Any | None = None
    ) -> bool:
        read_role, write_role = VIEW_ROLES.get(identity, (Role.VIEWER, Role.EDITOR))
        needed = read_role if action in READ_ACTIONS else write_role
        return require(request, needed)


# --- CSRF -------------------------------------------------------------------------------

CSRF_SESSION_KEY = "csrf"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    return request.scope.get("state", {}).get("csrf_token", "")


class CSRFMiddleware:
    """Refuse a state-changing request without the session's token (403).

    A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware, because it has to
    read a form body and hand the same bytes on to the view.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope["session"]
        token = session.get(CSRF_SESSION_KEY)
        if not token:
            token = session[CSRF_SESSION_KEY] = new_csrf_token()
        scope.setdefault("state", {})["csrf_token"] = token
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return

        body = await _read_body(receive)
        if body is None:
            await PlainTextResponse("Request too large", 413)(scope, receive, send)
            return
        sent = await _sent_token(scope, body)
        if not sent or not hmac.compare_digest(sent.encode(), token.encode()):
            logger.warning("refused a staff request without a valid CSRF token")
            response = PlainTextResponse(
                "CSRF検証に失敗しました。ページを読み込み直してから、もう一度お試しください。", 403
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _sent_token(scope: Scope, body: bytes) -> str:
    headers = dict(scope["headers"])
    header = headers.get(CSRF_HEADER.encode())
    if header:
        return header.decode("latin-1")
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    request = Request(scope, _replay(body, None))
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


def _replay(body: bytes, receive: Receive | None) -> Callable[[], Awaitable[Message]]:
    """A ``receive`` that gives ``body`` once, then passes on to the real one (which
    reports the client leaving)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if receive is None:
            return {"type": "http.disconnect"}
        return await receive()

    return replay
