"""What the staff API's routes depend on: the caller and its role, sessions, paging.

The ``Annotated[..., Depends()]`` types (:data:`Viewer`, :data:`Editor`, :data:`Admin`,
:data:`Paging`) are what a route names among its parameters; :func:`reading` and
:func:`writing` give it a session and turn an operation's refusal into the HTTP error that
says it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.staff import operations as ops
from bot.staff.accounts import Role, token_for
from bot.staff.api.schemas import MAX_ID, Page
from bot.staff.audit import acting_as

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
TextKey = Annotated[str, Path(min_length=1, max_length=ops.MAX_TEXT_KEY)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description=(
        "A staff API token (`nkb_…`), created by an admin with `nakano-bot tokens create` "
        "or `POST /api/staff/tokens`. Roles: viewer reads; editor also edits the catalog; "
        "admin also manages tokens."
    ),
)


# --- who is calling ------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """The token a request came with."""

    token_id: int
    name: str
    role: Role

    @property
    def actor(self) -> str:
        """Who the audit log names for this caller's writes."""
        return f"token:{self.name}"


def sessions(request: Request) -> sessionmaker[Session]:
    """The audited sessions the app was built with (``app.state.staff_sessions``)."""
    return request.app.state.staff_sessions


def _unauthorized(message: str, error: str | None = None) -> HTTPException:
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return HTTPException(401, detail=message, headers={"WWW-Authenticate": challenge})


def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller of a request with a live token; 401 otherwise."""
    if credentials is None or not credentials.credentials:
        raise _unauthorized("Authorization: Bearer <token> ヘッダーでトークンを送ってください。")
    with sessions(request)() as session:
        token = token_for(session, credentials.credentials)
        if token is None:
            raise _unauthorized("トークンが正しくないか、無効にされています。", "invalid_token")
        caller = Caller(token.id, token.name, Role(token.role))
        session.commit()  # last_used
    return caller


_ROLE_NAMES = {Role.VIEWER: "閲覧", Role.EDITOR: "編集", Role.ADMIN: "管理"}


def _needs(role: Role) -> Any:
    def check(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        if not caller.role.allows(role):
            raise HTTPException(
                403,
                detail=f"この操作には{_ROLE_NAMES[role]}（{role.value}）以上の権限が必要です。"
                f"このトークンは{_ROLE_NAMES[caller.role]}（{caller.role.value}）です。",
            )
        return caller

    return Depends(check)


Viewer = Annotated[Caller, _needs(Role.VIEWER)]
Editor = Annotated[Caller, _needs(Role.EDITOR)]
Admin = Annotated[Caller, _needs(Role.ADMIN)]


# --- sessions ------------------------------------------------------------------------------


def changes_of(body: BaseModel, required: Sequence[str] = ()) -> dict[str, Any]:
    """The fields a PATCH sent, as an operation takes them; a ``required`` field sent as
    null is a 422 (leaving it out keeps it)."""
    changes = body.model_dump(exclude_unset=True)
    for name in required:
        if name in changes and changes[name] is None:
            raise HTTPException(422, detail=f"{name} cannot be null")
    return changes


def http_error(exc: Exception) -> HTTPException:
    """An operation's refusal as the HTTP error that says it: 404, 409 or 422."""
    if isinstance(exc, ops.NotFoundError):
        return HTTPException(404, detail=str(exc))
    if isinstance(exc, ops.ConflictError | IntegrityError):
        message = str(exc) if isinstance(exc, ops.ConflictError) else "同じものがすでにあります。"
        return HTTPException(409, detail=message)
    return HTTPException(422, detail=str(exc))


@contextmanager
def writing(request: Request, caller: Caller) -> Iterator[Session]:
    """A session whose changes are committed at the end, audited as the caller's;
    an operation's refusal becomes the matching HTTP error and nothing is written."""
    with sessions(request)() as session, acting_as(caller.actor):
        try:
            yield session
            session.commit()
        except (ops.OperationError, IntegrityError) as exc:
            session.rollback()
            raise http_error(exc) from exc


@contextmanager
def reading(request: Request) -> Iterator[Session]:
    """A session that only reads; a row that is not there becomes a 404."""
    with sessions(request)() as session:
        try:
            yield session
        except ops.NotFoundError as exc:
            raise http_error(exc) from exc


# --- lists ---------------------------------------------------------------------------------

#: The most rows one page of a list holds.
MAX_PAGE = 500

PageT = TypeVar("PageT", bound=Page)
Row = TypeVar("Row")


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list the caller asked for: ``limit`` rows from ``offset`` on."""

    limit: int
    offset: int

    def limited(self, query: Select[Any]) -> Select[Any]:
        """``query`` asking the database for this page only."""
        return query.limit(self.limit).offset(self.offset)

    def page(
        self,
        page: type[PageT],
        rows: Sequence[Row],
        out: Callable[[Row], BaseModel],
        total: int | None = None,
    ) -> PageT:
        """The answer for this page, each row made an answer by ``out``. ``rows`` are every
        row that matches, in order; or, with their ``total``, only this page's rows, as
        :meth:`limited` asked the database for them."""
        if total is None:
            total, rows = len(rows), rows[self.offset : self.offset + self.limit]
        return page(total=total, limit=self.limit, offset=self.offset, items=[out(r) for r in rows])


def _page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> PageRequest:
    return PageRequest(limit, offset)


Paging = Annotated[PageRequest, Depends(_page_request)]


def where_given(query: Select[Any], *conditions: tuple[Any, Any]) -> Select[Any]:
    """``query`` keeping the rows whose column equals the value, for each ``(column,
    value)`` filter the caller gave (a value of None: not asked for)."""
    for column, value in conditions:
        if value is not None:
            query = query.where(column == value)
    return query
