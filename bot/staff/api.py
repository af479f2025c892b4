"""The staff API: JSON endpoints under ``/api/staff`` for scripts and the ward's other tools.

Every call needs ``Authorization: Bearer <token>``, a token an admin created (stored only as
its SHA-256, see :mod:`bot.staff.accounts`). A token's role decides what it may do: a
``viewer`` reads, an ``editor`` also changes the catalog, an ``admin`` also manages tokens.

Writes go through :mod:`bot.staff.operations` on sessions from
``request.app.state.staff_sessions`` (a :func:`bot.staff.audit.staff_sessionmaker`), so each
is audited under ``token:<name>`` and seen by the bot on the next message.

Mount with ``app.include_router(router)`` and set ``app.state.staff_sessions``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.catalog.formats import (
    AUTO,
    WRITE_ENCODINGS,
    ExportEncodingError,
    ItemFormat,
    csv_media_type,
    export_items,
    read_item_file,
)
from bot.catalog.importer import CatalogFileError, RowError
from bot.catalog.item_changes import StalePreviewError, apply_items, preview_upload
from bot.catalog.models import (
    Alias,
    Area,
    Category,
    Item,
    Schedule,
    StaffToken,
    UnansweredQuestion,
    WardText,
)
from bot.catalog.schedule import WEEKDAY_NAMES
from bot.i18n import JAPANESE, LANGUAGES
from bot.japanese import match_key
from bot.staff import alias_files
from bot.staff import operations as ops
from bot.staff.accounts import AccountError, Role, revoke_token, token_for
from bot.staff.audit import acting_as


class ErrorOut(BaseModel):
    detail: str = Field(description="What is wrong, in Japanese, to show to staff")


#: Row ids are database integers; a larger number cannot name a row, and SQLite refuses even
#: to compare one, so it is a 422 here rather than an error deep in the query.
MAX_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
TextKey = Annotated[str, Path(min_length=1, max_length=ops.MAX_TEXT_KEY)]

router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    responses={
        401: {"model": ErrorOut, "description": "No token, or a wrong or revoked one"},
        403: {"model": ErrorOut, "description": "The token's role may not do this"},
    },
)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description=(
        "A staff API token (`nkb_…`), created by an admin with `nakano-bot tokens create` "
        "or `POST /api/staff/tokens`. Roles: viewer reads; editor also edits the catalog; "
        "admin also manages tokens."
    ),
)

#: The largest item-table file accepted (the ward's whole table is about 200 KB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PAGE = 500

ImportFormat = Enum(
    "ImportFormat", [(AUTO, AUTO), *((f.value, f.value) for f in ItemFormat)], type=str
)
ExportEncoding = Enum("ExportEncoding", [(e, e) for e in WRITE_ENCODINGS], type=str)
AliasEncoding = Enum("AliasEncoding", [(e, e) for e in alias_files.WRITE_ENCODINGS], type=str)
_ALIAS_BOM = AliasEncoding("utf-8-sig")
_AUTO_FORMAT = ImportFormat(AUTO)
_UTF8 = ExportEncoding("utf-8")


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


def _sessions(request: Request) -> sessionmaker[Session]:
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
    with _sessions(request)() as session:
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


# --- schemas -------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


#: A moment, always with its UTC offset, whichever database it comes from.
Moment = Annotated[datetime, AfterValidator(_aware)]


LanguageCode = Enum("LanguageCode", [(code, code) for code in LANGUAGES], type=str)
_JAPANESE = LanguageCode(JAPANESE)


class AliasRef(BaseModel):
    id: int
    name: str = Field(description="Another name residents use for the item")
    language: str = Field(description="ja, en, zh or ko: the language residents use it in")


class ItemOut(BaseModel):
    id: int
    name: str = Field(description="ごみの品目, as residents are answered")
    reading: str = Field(description="Reading in hiragana (インデックス)")
    category_id: int
    category: str = Field(description="種別, exactly as the bot names it")
    notes: str = Field(description="説明: how to put it out")
    url: str | None = Field(description="Link said with the answer, if any")
    source_row: int | None = Field(description="Line of the imported file; null if staff-added")
    updated_at: Moment
    aliases: list[AliasRef]


class ItemPage(BaseModel):
    total: int = Field(description="Items matching the filters, over all pages")
    limit: int
    offset: int
    items: list[ItemOut]


class ItemCreate(BaseModel):
    name: str = Field(min_length=1, max_length=ops.MAX_NAME, description="Unique item name")
    category_id: int = Field(
        ge=1, le=MAX_ID, description="Id of its category (see GET /api/staff/categories)"
    )
    reading: str = Field(
        "", max_length=ops.MAX_READING, description="Hiragana; suggested from the name if empty"
    )
    notes: str = Field("", description="How to put it out")
    url: str | None = Field(
        None, max_length=ops.MAX_URL, description="Link; the first link in notes if omitted"
    )


class ItemPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=ops.MAX_NAME)
    category_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    reading: str | None = Field(None, max_length=ops.MAX_READING, description="Hiragana")
    notes: str | None = Field(
        None, description="New notes; without `url`, the item's link becomes their first link"
    )
    url: str | None = Field(None, max_length=ops.MAX_URL, description="null removes the link")


class AliasOut(BaseModel):
    id: int
    name: str = Field(description="The other name")
    item_id: int
    item_name: str = Field(description="The item it stands for")
    language: str = Field(description="ja, en, zh or ko: matched in messages of that language only")
    reviewed: bool = Field(description="Whether a clerk has checked the name")


class AliasPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AliasOut]


class AliasCreate(BaseModel):
    name: str = Field(min_length=1, max_length=ops.MAX_NAME, description="The other name")
    item_id: int = Field(ge=1, le=MAX_ID, description="The item it stands for")
    language: LanguageCode = Field(_JAPANESE, description="The language residents use it in")
    reviewed: bool = Field(True, description="Checked by staff (false: to be checked)")


class AliasPatch(BaseModel):
    language: LanguageCode | None = Field(None, description="The language residents use it in")
    reviewed: bool | None = Field(None, description="Checked by staff")


class AliasImportRow(BaseModel):
    line: int
    name: str
    item: str
    language: str
    reviewed: bool


class AliasImportOut(BaseModel):
    file: str
    added: list[AliasImportRow]
    changed: list[AliasImportRow] = Field(
        description="Existing aliases whose language or tick changed"
    )
    unchanged: int
    summary: str


class CategoryOut(BaseModel):
    id: int
    name: str = Field(description="種別, as in the ward's table")
    guidance_key: str | None = Field(description="Key of the ward text said after its answers")
    item_count: int = Field(description="Items in this category")


class ScheduleOut(BaseModel):
    id: int
    category_id: int
    category: str
    weekdays: list[int] = Field(description="Monday is 0")
    nth_weeks: list[int] = Field(description="Week numbers (1–5); empty means every week")
    text: str = Field(description="The rule as said, e.g. 第2・第4土曜日")
    source_text: str = Field(description="The rule in the ward's notation, e.g. 第2;第4土曜日")


class AreaOut(BaseModel):
    id: int
    town: str = Field(description="町名")
    town_reading: str
    chome_text: str = Field(description="The 丁目 cell verbatim, e.g. 「1;2;4;5」 or 「全域」")
    chome: list[int] = Field(description="丁目 covered; empty for the whole town")
    remark: str
    schedules: list[ScheduleOut]


class ScheduleIn(BaseModel):
    category_id: int = Field(ge=1, le=MAX_ID)
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        description="Monday is 0; an empty list stops collection of this category here"
    )
    nth_weeks: list[Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=list, description="Week numbers (1–5); empty means every week"
    )


class SchedulesPatch(BaseModel):
    schedules: list[ScheduleIn] = Field(
        min_length=1, description="Categories to set; categories not listed are kept"
    )


class QuestionOut(BaseModel):
    id: int
    text: str = Field(description="The question as first asked")
    language: str = Field(description="ja, en, zh or ko: the language it was asked in")
    count: int = Field(description="Times asked")
    first_seen: Moment
    last_seen: Moment


class QuestionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QuestionOut]


class AliasFromQuestion(BaseModel):
    item_id: int = Field(ge=1, le=MAX_ID, description="The existing item the question was about")
    alias_name: str | None = Field(
        None,
        min_length=1,
        max_length=ops.MAX_NAME,
        description="The alias, usually the item word of the question; default the whole text",
    )


class ItemFromQuestion(BaseModel):
    name: str = Field(min_length=1, max_length=ops.MAX_NAME)
    category_id: int = Field(ge=1, le=MAX_ID)
    notes: str = ""
    reading: str = Field("", max_length=ops.MAX_READING, description="Suggested if empty")


class TextOut(BaseModel):
    key: str = Field(description="Stable key the bot uses (e.g. bulky_waste)")
    title: str
    body: str = Field(description="What the bot says")
    examples: list[str] = Field(
        description="Questions this text answers; a text with examples is a knowledge entry"
    )
    url: str | None = Field(description="A page with more, shown under the answer")


class TextCreate(BaseModel):
    key: str = Field(min_length=1, max_length=ops.MAX_TEXT_KEY, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1, max_length=ops.MAX_TITLE)
    body: str = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    url: str | None = Field(None, max_length=ops.MAX_URL)


class TextPatch(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=ops.MAX_TITLE)
    body: str | None = Field(None, min_length=1)
    examples: list[str] | None = Field(None, description="Replaces the examples")
    url: str | None = Field(None, max_length=ops.MAX_URL, description="Empty string: no link")


class ExampleFromQuestion(BaseModel):
    key: str = Field(min_length=1, max_length=ops.MAX_TEXT_KEY, description="The text's key")


class TokenOut(BaseModel):
    id: int
    name: str = Field(description="Who or what uses it; audit rows name it as token:<name>")
    role: Role
    created_by: str
    created_at: Moment
    last_used: Moment | None
    revoked_at: Moment | None
    active: bool


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=ops.MAX_TOKEN_NAME)
    role: Role = Role.VIEWER


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown this once, never again")


class AddedRow(BaseModel):
    line: int
    name: str
    reading: str
    category: str
    notes: str
    url: str | None


class FieldChangeOut(BaseModel):
    field: str
    old: str | None
    new: str | None


class ChangedRow(BaseModel):
    line: int
    name: str
    fields: list[FieldChangeOut]


class RemovedRow(BaseModel):
    name: str
    category: str
    aliases: list[str] = Field(description="Aliases removed with the item")


class RowErrorOut(BaseModel):
    file: str
    line: int = Field(description="Line of the file (1 is the header)")
    message: str


class ImportPreviewOut(BaseModel):
    file: str
    encoding: str | None = Field(description="utf-8, utf-8-sig (with BOM) or cp932")
    format: str | None
    added: list[AddedRow]
    changed: list[ChangedRow]
    removed: list[RemovedRow]
    new_categories: list[str]
    unchanged: int
    errors: list[RowErrorOut]
    summary: str
    fingerprint: str | None = Field(
        description="Send it to /import/apply to apply exactly this plan"
    )


class ImportErrorDetail(BaseModel):
    message: str
    errors: list[RowErrorOut]


class ImportErrorOut(BaseModel):
    detail: ImportErrorDetail


_NOT_FOUND = {404: {"model": ErrorOut, "description": "No such row"}}
_CONFLICT = {409: {"model": ErrorOut, "description": "It exists already"}}
_INVALID = {422: {"description": "Invalid input; `detail` says what is wrong"}}


# --- helpers -------------------------------------------------------------------------------


def _http_error(exc: Exception) -> HTTPException:
    if isinstance(exc, ops.NotFoundError):
        return HTTPException(404, detail=str(exc))
    if isinstance(exc, ops.ConflictError | IntegrityError):
        message = str(exc) if isinstance(exc, ops.ConflictError) else "同じものがすでにあります。"
        return HTTPException(409, detail=message)
    return HTTPException(422, detail=str(exc))


@contextmanager
def _writing(request: Request, caller: Caller) -> Iterator[Session]:
    """A session whose changes are committed at the end, audited as the caller's;
    an operation's refusal becomes the matching HTTP error and nothing is written."""
    with _sessions(request)() as session, acting_as(caller.actor):
        try:
            yield session
            session.commit()
        except (ops.OperationError, IntegrityError) as exc:
            session.rollback()
            raise _http_error(exc) from exc


@contextmanager
def _reading(request: Request) -> Iterator[Session]:
    """A session that only reads; a row that is not there becomes a 404."""
    with _sessions(request)() as session:
        try:
            yield session
        except ops.NotFoundError as exc:
            raise _http_error(exc) from exc


def _item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.id,
        name=item.name,
        reading=item.reading,
        category_id=item.category_id,
        category=item.category.name,
        notes=item.notes,
        url=item.url,
        source_row=item.source_row,
        updated_at=item.updated_at,
        aliases=[
            AliasRef(id=a.id, name=a.name, language=a.language)
            for a in sorted(item.aliases, key=_by_id)
        ],
    )


def _alias_out(alias: Alias) -> AliasOut:
    return AliasOut(
        id=alias.id,
        name=alias.name,
        item_id=alias.item_id,
        item_name=alias.item.name,
        language=alias.language,
        reviewed=alias.reviewed,
    )


def _token_out(token: StaffToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "role": Role(token.role),
        "created_by": token.created_by,
        "created_at": token.created_at,
        "last_used": token.last_used,
        "revoked_at": token.revoked_at,
        "active": token.revoked_at is None,
    }


def _by_id(row: Any) -> int:
    return row.id


def _rule_text(schedule: Schedule) -> str:
    days = "・".join(WEEKDAY_NAMES[d] for d in schedule.weekdays)
    if not schedule.nth_weeks:
        return days
    return "・".join(f"第{w}" for w in schedule.nth_weeks) + days


def _key_rank(key: str, keys: list[str]) -> int | None:
    """0 for an exact match, 1 for a prefix, 2 for a substring, None for none."""
    if key in keys:
        return 0
    if any(k.startswith(key) for k in keys):
        return 1
    if any(key in k for k in keys):
        return 2
    return None


# --- items ---------------------------------------------------------------------------------


@router.get("/items", response_model=ItemPage, summary="List and search items")
def list_items(
    request: Request,
    _caller: Viewer,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Text in the name, reading or an alias, in any script: "
            "「すぷれー」, 「スプレー」 and 「ｽﾌﾟﾚｰ」 find the same items",
        ),
    ] = None,
    category_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only items of this category")
    ] = None,
    category: Annotated[
        str | None, Query(description="Only items of the category of this name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ItemPage:
    """Items in the order of the ward's table (staff-added ones last); with `q`, exact
    matches first, then names starting with it, then names containing it."""
    query = select(Item).options(selectinload(Item.aliases))
    if category_id is not None:
        query = query.where(Item.category_id == category_id)
    if category is not None:
        named = select(Category.id).where(Category.name == category)
        query = query.where(Item.category_id.in_(named))
    query = query.order_by(Item.source_row.is_(None), Item.source_row, Item.name)
    with _reading(request) as session:
        items = list(session.scalars(query))
        key = match_key(q or "")
        if key:
            ranked = []
            for position, item in enumerate(items):
                keys = [match_key(item.name), match_key(item.reading)]
                keys += [match_key(a.name) for a in item.aliases]
                rank = _key_rank(key, keys)
                if rank is not None:
                    ranked.append((rank, position, item))
            items = [item for _, _, item in sorted(ranked, key=lambda r: r[:2])]
        page = items[offset : offset + limit]
        return ItemPage(
            total=len(items), limit=limit, offset=offset, items=[_item_out(i) for i in page]
        )


@router.post(
    "/items",
    response_model=ItemOut,
    status_code=201,
    summary="Create an item",
    responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
)
def create_item(request: Request, caller: Editor, body: ItemCreate) -> ItemOut:
    """The bot answers the new item from the next message on."""
    with _writing(request, caller) as session:
        item = ops.create_item(
            session, body.name, body.category_id, body.notes, body.reading, body.url
        )
        return _item_out(item)


@router.get(
    "/items/{item_id}", response_model=ItemOut, summary="Get one item", responses=_NOT_FOUND
)
def get_item(request: Request, _caller: Viewer, item_id: RowId) -> ItemOut:
    with _reading(request) as session:
        try:
            return _item_out(ops.get_item(session, item_id))
        except ops.OperationError as exc:
            raise _http_error(exc) from exc


@router.patch(
    "/items/{item_id}",
    response_model=ItemOut,
    summary="Change fields of an item",
    responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
)
def update_item(request: Request, caller: Editor, item_id: RowId, body: ItemPatch) -> ItemOut:
    """Only the fields sent are changed."""
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "category_id"):
        if required in changes and changes[required] is None:
            raise HTTPException(422, detail=f"{required} cannot be null")
    with _writing(request, caller) as session:
        return _item_out(ops.update_item(session, item_id, **changes))


@router.delete("/items/{item_id}", status_code=204, summary="Delete an item", responses=_NOT_FOUND)
def delete_item(request: Request, caller: Editor, item_id: RowId) -> None:
    """Its aliases are deleted with it."""
    with _writing(request, caller) as session:
        ops.delete_item(session, item_id)


# --- aliases -------------------------------------------------------------------------------


@router.get("/aliases", response_model=AliasPage, summary="List aliases")
def list_aliases(
    request: Request,
    _caller: Viewer,
    item_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only aliases of this item")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in the alias, in any script")
    ] = None,
    language: Annotated[
        LanguageCode | None, Query(description="Only aliases in this language")
    ] = None,
    reviewed: Annotated[
        bool | None, Query(description="Only those checked (true) or not yet (false)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> AliasPage:
    query = select(Alias).order_by(Alias.id)
    if item_id is not None:
        query = query.where(Alias.item_id == item_id)
    if language is not None:
        query = query.where(Alias.language == language.value)
    if reviewed is not None:
        query = query.where(Alias.reviewed == reviewed)
    with _reading(request) as session:
        aliases = list(session.scalars(query))
        key = match_key(q or "")
        if key:
            aliases = [a for a in aliases if key in match_key(a.name)]
        page = aliases[offset : offset + limit]
        return AliasPage(
            total=len(aliases), limit=limit, offset=offset, items=[_alias_out(a) for a in page]
        )


@router.post(
    "/aliases",
    response_model=AliasOut,
    status_code=201,
    summary="Add an alias to an item",
    responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
)
def create_alias(request: Request, caller: Editor, body: AliasCreate) -> AliasOut:
    """Residents asking by this name (in its language) get the item's answer from the
    next message on."""
    with _writing(request, caller) as session:
        alias = ops.add_alias(
            session, body.item_id, body.name, body.language.value, reviewed=body.reviewed
        )
        return _alias_out(alias)


@router.get(
    "/aliases/export",
    summary="Download every alias as CSV (別名,品目,言語,確認済み)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The alias table"}},
)
def export_aliases(
    request: Request,
    _caller: Viewer,
    encoding: Annotated[
        AliasEncoding, Query(description="utf-8-sig for Excel (no cp932: it has no Hangul)")
    ] = _ALIAS_BOM,
) -> Response:
    with _reading(request) as session:
        data = alias_files.export_aliases(session, encoding.value)
    return Response(
        content=data,
        media_type=csv_media_type(encoding.value),
        headers={"Content-Disposition": 'attachment; filename="aliases.csv"'},
    )


@router.post(
    "/aliases/import",
    response_model=AliasImportOut,
    summary="Import an alias CSV: add new aliases, set language and tick of listed ones",
    responses={422: {"model": ImportErrorOut, "description": "Bad lines of the file"}},
)
def import_aliases(
    request: Request,
    caller: Editor,
    file: Annotated[UploadFile, File(description="別名,品目[,言語][,確認済み]")],
) -> dict[str, Any]:
    """All or nothing: a bad line (an unknown item or 言語, an empty name …) refuses the
    whole file with every bad line listed. Aliases the file does not list are kept."""
    name, data = _read_upload(file)
    with _sessions(request)() as session, acting_as(caller.actor):
        try:
            done = alias_files.import_aliases(session, name, data)
        except CatalogFileError as exc:
            session.rollback()
            raise _bad_file(exc.errors) from exc
        session.commit()
    return done.to_dict()


@router.patch(
    "/aliases/{alias_id}",
    response_model=AliasOut,
    summary="Change an alias's language or mark it checked",
    responses={**_NOT_FOUND, **_INVALID},
)
def update_alias(request: Request, caller: Editor, alias_id: RowId, body: AliasPatch) -> AliasOut:
    with _writing(request, caller) as session:
        alias = ops.update_alias(
            session,
            alias_id,
            language=body.language.value if body.language is not None else None,
            reviewed=body.reviewed,
        )
        return _alias_out(alias)


@router.delete(
    "/aliases/{alias_id}", status_code=204, summary="Delete an alias", responses=_NOT_FOUND
)
def delete_alias(request: Request, caller: Editor, alias_id: RowId) -> None:
    with _writing(request, caller) as session:
        ops.delete_alias(session, alias_id)


# --- texts and knowledge entries -----------------------------------------------------------


def _text_out(text: WardText) -> TextOut:
    return TextOut(
        key=text.key,
        title=text.title,
        body=text.body,
        examples=[line for line in text.examples.splitlines() if line.strip()],
        url=text.url,
    )


@router.get(
    "/texts",
    response_model=list[TextOut],
    summary="List the texts the bot says; those with examples are knowledge entries",
)
def list_texts(request: Request, _caller: Viewer) -> list[TextOut]:
    with _reading(request) as session:
        return [_text_out(t) for t in session.scalars(select(WardText).order_by(WardText.key))]


@router.get("/texts/{key}", response_model=TextOut, summary="Get a text", responses=_NOT_FOUND)
def get_text(request: Request, _caller: Viewer, key: TextKey) -> TextOut:
    with _reading(request) as session:
        return _text_out(ops.get_text(session, key))


@router.post(
    "/texts",
    response_model=TextOut,
    status_code=201,
    summary="Add a text (with examples: a knowledge entry)",
    responses={**_CONFLICT, **_INVALID},
)
def create_text(request: Request, caller: Editor, body: TextCreate) -> TextOut:
    """Answered from the next message on, without retraining."""
    with _writing(request, caller) as session:
        text = ops.create_text(
            session, body.key, body.title, body.body, "\n".join(body.examples), body.url
        )
        return _text_out(text)


@router.patch(
    "/texts/{key}",
    response_model=TextOut,
    summary="Change a text's title, body, examples or link",
    responses={**_NOT_FOUND, **_INVALID},
)
def update_text(request: Request, caller: Editor, key: TextKey, body: TextPatch) -> TextOut:
    """Only the fields sent change; the bot uses them from the next message on."""
    changes = body.model_dump(exclude_unset=True)
    if "examples" in changes:
        changes["examples"] = "\n".join(changes["examples"] or [])
    with _writing(request, caller) as session:
        return _text_out(ops.update_text(session, key, **changes))


# --- categories and areas ------------------------------------------------------------------


@router.get("/categories", response_model=list[CategoryOut], summary="List categories")
def list_categories(request: Request, _caller: Viewer) -> list[CategoryOut]:
    counts = (
        select(Category, func.count(Item.id))
        .outerjoin(Item, Item.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.id)
    )
    with _reading(request) as session:
        return [
            CategoryOut(id=c.id, name=c.name, guidance_key=c.guidance_key, item_count=n)
            for c, n in session.execute(counts).tuples()
        ]


def _area_out(area: Area) -> AreaOut:
    return AreaOut(
        id=area.id,
        town=area.town,
        town_reading=area.town_reading,
        chome_text=area.chome_text,
        chome=area.chome,
        remark=area.remark,
        schedules=[
            ScheduleOut(
                id=s.id,
                category_id=s.category_id,
                category=s.category.name,
                weekdays=s.weekdays,
                nth_weeks=s.nth_weeks,
                text=_rule_text(s),
                source_text=s.source_text,
            )
            for s in sorted(area.schedules, key=lambda s: s.category_id)
        ],
    )


@router.get("/areas", response_model=list[AreaOut], summary="List areas with their collection days")
def list_areas(
    request: Request,
    _caller: Viewer,
    town: Annotated[str | None, Query(description="Only this town (町名), in any script")] = None,
) -> list[AreaOut]:
    query = select(Area).order_by(Area.source_row.is_(None), Area.source_row, Area.id)
    with _reading(request) as session:
        areas = list(session.scalars(query))
        key = match_key(town or "")
        if key:
            areas = [a for a in areas if key in (match_key(a.town), match_key(a.town_reading))]
        return [_area_out(a) for a in areas]


@router.patch(
    "/areas/{area_id}/schedules",
    response_model=AreaOut,
    summary="Set collection days of an area",
    responses={**_NOT_FOUND, **_INVALID},
)
def update_schedules(
    request: Request, caller: Editor, area_id: RowId, body: SchedulesPatch
) -> AreaOut:
    """Set the weekdays of the categories listed; others are kept. Empty `weekdays`
    removes the category from this area."""
    changes = [
        ops.ScheduleChange(s.category_id, tuple(s.weekdays), tuple(s.nth_weeks))
        for s in body.schedules
    ]
    with _writing(request, caller) as session:
        return _area_out(ops.set_schedules(session, area_id, changes))


# --- unanswered questions ------------------------------------------------------------------


@router.get(
    "/unanswered",
    response_model=QuestionPage,
    summary="List questions the bot could not answer, most asked first",
)
def list_unanswered(
    request: Request,
    _caller: Viewer,
    language: Annotated[
        LanguageCode | None, Query(description="Only questions asked in this language")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> QuestionPage:
    only = [] if language is None else [UnansweredQuestion.language == language.value]
    with _reading(request) as session:
        total = (
            session.scalar(select(func.count()).select_from(UnansweredQuestion).where(*only)) or 0
        )
        rows = session.scalars(
            select(UnansweredQuestion)
            .where(*only)
            .order_by(
                UnansweredQuestion.count.desc(),
                UnansweredQuestion.last_seen.desc(),
                UnansweredQuestion.id,
            )
            .limit(limit)
            .offset(offset)
        )
        return QuestionPage(
            total=total,
            limit=limit,
            offset=offset,
            items=[QuestionOut.model_validate(r, from_attributes=True) for r in rows],
        )


@router.post(
    "/unanswered/{question_id}/alias",
    response_model=AliasOut,
    status_code=201,
    summary="Answer a question by making it an alias of an item",
    responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
)
def alias_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: AliasFromQuestion
) -> AliasOut:
    """The question leaves the list; the alias is answered from the next message on."""
    with _writing(request, caller) as session:
        alias = ops.alias_from_unanswered(session, question_id, body.item_id, body.alias_name)
        return _alias_out(alias)


@router.post(
    "/unanswered/{question_id}/item",
    response_model=ItemOut,
    status_code=201,
    summary="Answer a question with a new item",
    responses={**_NOT_FOUND, **_CONFLICT, **_INVALID},
)
def item_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: ItemFromQuestion
) -> ItemOut:
    """The question leaves the list; the item is answered from the next message on."""
    with _writing(request, caller) as session:
        item = ops.item_from_unanswered(
            session, question_id, body.name, body.category_id, body.notes, body.reading
        )
        return _item_out(item)


@router.post(
    "/unanswered/{question_id}/example",
    response_model=TextOut,
    status_code=201,
    summary="Answer a question with a text, as one of its example questions",
    responses={**_NOT_FOUND, **_INVALID},
)
def example_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: ExampleFromQuestion
) -> TextOut:
    """The question leaves the list; questions like it get the text from the next
    message on."""
    with _writing(request, caller) as session:
        return _text_out(ops.example_from_unanswered(session, question_id, body.key))


@router.delete(
    "/unanswered/{question_id}",
    status_code=204,
    summary="Dismiss a question (spam, nonsense)",
    responses=_NOT_FOUND,
)
def dismiss_unanswered(request: Request, caller: Editor, question_id: RowId) -> None:
    with _writing(request, caller) as session:
        ops.dismiss_unanswered(session, question_id)


# --- export and import ---------------------------------------------------------------------


@router.get(
    "/export",
    summary="Download the item table",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The item table as a CSV file"},
        422: {"model": ErrorOut, "description": "Some item cannot be written in the encoding"},
    },
)
def export(
    request: Request,
    _caller: Viewer,
    fmt: Annotated[
        ItemFormat,
        Query(
            alias="format",
            description="nakano: the ward's open data; digital-agency(-old): 自治体標準"
            "オープンデータセット「ゴミの分別方法一覧」; 5374: 5374.jp's target.csv",
        ),
    ] = ItemFormat.NAKANO,
    encoding: Annotated[ExportEncoding, Query(description="utf-8-sig or cp932 for Excel")] = _UTF8,
) -> Response:
    with _reading(request) as session:
        try:
            data = export_items(session, fmt, encoding.value)
        except ExportEncodingError as exc:
            raise HTTPException(
                422,
                detail=f"{exc.encoding} では書けない文字があります（utf-8-sig を選んでください）: "
                + "; ".join(exc.problems),
            ) from exc
    filename = "target.csv" if fmt is ItemFormat.TARGET_5374 else f"items-{fmt.value}.csv"
    return Response(
        content=data,
        media_type=csv_media_type(encoding.value),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _read_upload(upload: UploadFile) -> tuple[str, bytes]:
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail="ファイルが大きすぎます（10 MB まで）。")
    return upload.filename or "upload.csv", data


def _bad_file(errors: list[RowError]) -> HTTPException:
    return HTTPException(
        422,
        detail={
            "message": "このファイルは取り込めません。何も変更していません。",
            "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in errors],
        },
    )


_FILE = Annotated[UploadFile, File(description="The item-table CSV file")]
_FORMAT = Annotated[
    ImportFormat,
    Form(alias="format", description="File format; auto tells it from the header row"),
]
_REMOVE = Annotated[
    bool, Form(description="Remove items the file lacks (false for a file of some rows only)")
]
_IMPORT_ERRORS = {422: {"model": ImportErrorOut, "description": "Bad lines of the file"}}


@router.post(
    "/import",
    response_model=ImportPreviewOut,
    summary="Preview importing an item-table file",
    responses=_IMPORT_ERRORS,
)
def preview_import(
    request: Request,
    _caller: Editor,
    file: _FILE,
    fmt: _FORMAT = _AUTO_FORMAT,
    remove_missing: _REMOVE = True,
) -> dict[str, Any]:
    """What importing the file would add, change and remove; writes nothing. Send the
    same file with the returned `fingerprint` to `/import/apply` to apply it."""
    name, data = _read_upload(file)
    with _reading(request) as session:
        preview = preview_upload(session, name, data, fmt.value, remove_missing=remove_missing)
    if not preview.ok:
        raise _bad_file(preview.errors)
    return preview.to_dict()


@router.post(
    "/import/apply",
    response_model=ImportPreviewOut,
    summary="Apply an item-table file that was previewed",
    responses={
        **_IMPORT_ERRORS,
        409: {"model": ErrorOut, "description": "The catalog changed since the preview"},
    },
)
def apply_import(
    request: Request,
    caller: Editor,
    file: _FILE,
    fingerprint: Annotated[
        str, Form(min_length=1, description="The `fingerprint` of the preview confirmed")
    ],
    fmt: _FORMAT = _AUTO_FORMAT,
    remove_missing: _REMOVE = True,
) -> dict[str, Any]:
    """All or nothing: either the whole file is applied or nothing is written. Refused with
    409 if the catalog changed since the preview (preview again)."""
    name, data = _read_upload(file)
    try:
        item_file = read_item_file(name, data, fmt.value)
    except CatalogFileError as exc:
        raise _bad_file(exc.errors) from exc
    with _sessions(request)() as session, acting_as(caller.actor):
        try:
            done = apply_items(
                session,
                item_file,
                remove_missing=remove_missing,
                expected_fingerprint=fingerprint,
            )
        except StalePreviewError as exc:
            raise HTTPException(
                409,
                detail="プレビューの後に品目が変更されました。もう一度プレビューしてください。",
            ) from exc
    return done.to_dict()


# --- tokens --------------------------------------------------------------------------------


@router.get("/tokens", response_model=list[TokenOut], summary="List API tokens (admin)")
def list_tokens(request: Request, _caller: Admin) -> list[dict[str, Any]]:
    with _reading(request) as session:
        return [_token_out(t) for t in session.scalars(select(StaffToken).order_by(StaffToken.id))]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token (admin)",
    responses=_INVALID,
)
def create_token(request: Request, caller: Admin, body: TokenCreate) -> dict[str, Any]:
    """The token is in the answer this once; only its hash is kept."""
    with _writing(request, caller) as session:
        token, value = ops.issue_token(session, body.name, body.role, caller.actor)
        session.flush()
        return {**_token_out(token), "token": value}


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenOut,
    summary="Revoke an API token (admin)",
    responses=_NOT_FOUND,
)
def revoke(request: Request, caller: Admin, token_id: RowId) -> dict[str, Any]:
    """It stops working at once; the row stays for the audit trail."""
    with _writing(request, caller) as session:
        try:
            token = revoke_token(session, token_id)
        except AccountError as exc:
            raise ops.NotFoundError(str(exc)) from exc
        session.flush()
        return _token_out(token)
