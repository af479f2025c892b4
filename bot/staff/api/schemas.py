"""What the staff API takes and answers: the Pydantic models its OpenAPI description shows.

The models carry no docstrings on purpose: a model's docstring becomes its description in
the OpenAPI document, which says what each field is through ``Field(description=...)``.
The ``from_row`` constructors build an answer from a catalog row, so that every route
answers a row the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from bot.catalog.models import Alias, Area, Category, Item, Notice, Schedule, StaffToken, WardText
from bot.catalog.notices import NOTICE_KIND_NAMES, NoticeKind, notice_label
from bot.catalog.schedule import WEEKDAY_NAMES, area_label
from bot.i18n import JAPANESE, LANGUAGES
from bot.staff import alias_files
from bot.staff import operations as ops
from bot.staff.accounts import Role

#: Row ids are database integers; a larger number cannot name a row, and SQLite refuses even
#: to compare one, so it is a 422 here rather than an error deep in the query.
MAX_ID = 2**31 - 1


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


#: A moment, always with its UTC offset, whichever database it comes from.
Moment = Annotated[datetime, AfterValidator(_aware)]

LanguageCode = Enum("LanguageCode", [(code, code) for code in LANGUAGES], type=str)
AliasEncoding = Enum("AliasEncoding", [(e, e) for e in alias_files.WRITE_ENCODINGS], type=str)
_JAPANESE = LanguageCode(JAPANESE)


class ErrorOut(BaseModel):
    detail: str = Field(description="What is wrong, in Japanese, to show to staff")


#: The error answers routes name in their ``responses``.
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such row"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "It exists already"}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid input; `detail` says what is wrong"}
}


class Page(BaseModel):
    #: How many rows match the filters, over all pages; ``items`` are those from ``offset``
    #: on, at most ``limit`` of them (:class:`bot.staff.api.deps.Paging`).
    total: int
    limit: int
    offset: int


# --- items and aliases ---------------------------------------------------------------------


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

    @classmethod
    def from_row(cls, item: Item) -> ItemOut:
        return cls(
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
                for a in sorted(item.aliases, key=lambda a: a.id)
            ],
        )


class ItemPage(Page):
    total: int = Field(description="Items matching the filters, over all pages")
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

    @classmethod
    def from_row(cls, alias: Alias) -> AliasOut:
        return cls(
            id=alias.id,
            name=alias.name,
            item_id=alias.item_id,
            item_name=alias.item.name,
            language=alias.language,
            reviewed=alias.reviewed,
        )


class AliasPage(Page):
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


# --- categories and areas ------------------------------------------------------------------


class CategoryOut(BaseModel):
    id: int
    name: str = Field(description="種別, as in the ward's table")
    guidance_key: str | None = Field(description="Key of the ward text said after its answers")
    item_count: int = Field(description="Items in this category")
    sort_order: int = Field(description="Where it stands when several are listed; lower first")
    description: str = Field(description="Said when a resident asks about the category itself")
    resource: bool = Field(description="A resource (資源): 「資源の日は？」 asks about it")
    collected: bool = Field(
        description="Collected on set days: some area has collection days for it "
        "(set them with PATCH /areas/{id}/schedules)"
    )

    @classmethod
    def from_row(cls, category: Category, item_count: int, collected: bool) -> CategoryOut:
        return cls(
            id=category.id,
            name=category.name,
            guidance_key=category.guidance_key,
            item_count=item_count,
            sort_order=category.sort_order,
            description=category.description,
            resource=category.resource,
            collected=collected,
        )


class CategoryPatch(BaseModel):
    name: str | None = Field(
        None, min_length=1, max_length=ops.MAX_CATEGORY_NAME, description="Said in answers as is"
    )
    sort_order: int | None = Field(
        None, ge=0, le=ops.MAX_SORT_ORDER, description="Where it stands when several are listed"
    )
    description: str | None = Field(None, description="Said when a resident asks about it")
    resource: bool | None = Field(None, description="A resource (資源)")


class ScheduleOut(BaseModel):
    id: int
    category_id: int
    category: str
    weekdays: list[int] = Field(description="Monday is 0")
    nth_weeks: list[int] = Field(description="Week numbers (1–5); empty means every week")
    text: str = Field(description="The rule as said, e.g. 第2・第4土曜日")
    source_text: str = Field(description="The rule in the ward's notation, e.g. 第2;第4土曜日")

    @classmethod
    def from_row(cls, schedule: Schedule) -> ScheduleOut:
        days = "・".join(WEEKDAY_NAMES[d] for d in schedule.weekdays)
        weeks = "・".join(f"第{w}" for w in schedule.nth_weeks)
        return cls(
            id=schedule.id,
            category_id=schedule.category_id,
            category=schedule.category.name,
            weekdays=schedule.weekdays,
            nth_weeks=schedule.nth_weeks,
            text=weeks + days,
            source_text=schedule.source_text,
        )


class AreaOut(BaseModel):
    id: int
    town: str = Field(description="町名")
    town_reading: str
    chome_text: str = Field(description="The 丁目 cell verbatim, e.g. 「1;2;4;5」 or 「全域」")
    chome: list[int] = Field(description="丁目 covered; empty for the whole town")
    remark: str
    schedules: list[ScheduleOut]

    @classmethod
    def from_row(cls, area: Area) -> AreaOut:
        return cls(
            id=area.id,
            town=area.town,
            town_reading=area.town_reading,
            chome_text=area.chome_text,
            chome=area.chome,
            remark=area.remark,
            schedules=[
                ScheduleOut.from_row(s) for s in sorted(area.schedules, key=lambda s: s.category_id)
            ],
        )


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


# --- notices (お知らせ) ----------------------------------------------------------------------

_KINDS = "; ".join(f"{kind.value}: {name}" for kind, name in NOTICE_KIND_NAMES.items())
_RowIds = list[Annotated[int, Field(ge=1, le=MAX_ID)]]


class RowRef(BaseModel):
    id: int
    name: str = Field(description="As staff call it: 「野方3丁目」, 「燃やすごみ」")


class NoticeOut(BaseModel):
    id: int
    kind: NoticeKind = Field(description=f"What happens on its days ({_KINDS})")
    label: str = Field(description="The notice in words, as the admin lists it")
    starts_on: date = Field(description="First day it is about")
    ends_on: date = Field(description="Last day it is about (included)")
    moved_to: date | None = Field(description="moved: the day collection is made instead")
    all_areas: bool = Field(description="Every area of the ward (then `areas` is empty)")
    areas: list[RowRef]
    categories: list[RowRef] = Field(description="Empty: every category")
    text: str = Field(description="What residents read, in Japanese")
    updated_at: Moment

    @classmethod
    def from_row(cls, notice: Notice) -> NoticeOut:
        return cls(
            id=notice.id,
            kind=NoticeKind(notice.kind),
            label=notice_label(notice),
            starts_on=notice.starts_on,
            ends_on=notice.ends_on,
            moved_to=notice.moved_to,
            all_areas=notice.all_areas,
            areas=[RowRef(id=a.id, name=area_label(a)) for a in notice.areas],
            categories=[RowRef(id=c.id, name=c.name) for c in notice.categories],
            text=notice.text,
            updated_at=notice.updated_at,
        )


class NoticePage(Page):
    items: list[NoticeOut]


class NoticeCreate(BaseModel):
    kind: NoticeKind = Field(description=_KINDS)
    starts_on: date
    ends_on: date | None = Field(None, description="Default: starts_on (one day)")
    moved_to: date | None = Field(None, description="Required for moved; none for the others")
    all_areas: bool = Field(False, description="Every area; else list area_ids")
    area_ids: _RowIds = Field(default_factory=list, description="See GET /api/staff/areas")
    category_ids: _RowIds = Field(
        default_factory=list, description="See GET /api/staff/categories; empty: every category"
    )
    text: str = Field("", max_length=ops.MAX_NOTICE_TEXT, description="What residents read")


class NoticePatch(BaseModel):
    kind: NoticeKind | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    moved_to: date | None = Field(None, description="null removes it")
    all_areas: bool | None = None
    area_ids: _RowIds | None = Field(None, description="Replaces the areas")
    category_ids: _RowIds | None = Field(None, description="Replaces the categories")
    text: str | None = Field(None, max_length=ops.MAX_NOTICE_TEXT)


# --- unanswered questions ------------------------------------------------------------------


class QuestionOut(BaseModel):
    id: int
    text: str = Field(description="The question as first asked")
    language: str = Field(description="ja, en, zh or ko: the language it was asked in")
    count: int = Field(description="Times asked")
    first_seen: Moment
    last_seen: Moment


class QuestionPage(Page):
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


# --- texts and knowledge entries -----------------------------------------------------------


class TextOut(BaseModel):
    key: str = Field(description="Stable key the bot uses (e.g. bulky_waste)")
    title: str
    body: str = Field(description="What the bot says")
    examples: list[str] = Field(
        description="Questions this text answers; a text with examples is a knowledge entry"
    )
    url: str | None = Field(description="A page with more, shown under the answer")

    @classmethod
    def from_row(cls, text: WardText) -> TextOut:
        return cls(
            key=text.key,
            title=text.title,
            body=text.body,
            examples=[line for line in text.examples.splitlines() if line.strip()],
            url=text.url,
        )


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


# --- tokens --------------------------------------------------------------------------------


class TokenOut(BaseModel):
    id: int
    name: str = Field(description="Who or what uses it; audit rows name it as token:<name>")
    role: Role
    created_by: str
    created_at: Moment
    last_used: Moment | None
    revoked_at: Moment | None
    active: bool

    @classmethod
    def from_row(cls, token: StaffToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            role=Role(token.role),
            created_by=token.created_by,
            created_at=token.created_at,
            last_used=token.last_used,
            revoked_at=token.revoked_at,
            active=token.revoked_at is None,
        )


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=ops.MAX_TOKEN_NAME)
    role: Role = Role.VIEWER


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown this once, never again")


# --- item-table files ----------------------------------------------------------------------


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


#: The answer to a file with bad lines (items or aliases).
BAD_LINES: dict[int | str, dict[str, Any]] = {
    422: {"model": ImportErrorOut, "description": "Bad lines of the file"}
}
