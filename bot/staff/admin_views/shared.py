"""What every admin table shares: rows named in words, Tokyo times, Japanese forms and
validation, search in any script, and the cells several tables show the same way.

Every write goes through the audited sessions (``bot.staff.audit``): the audit row and the
bot's reload happen there, not here, so a view cannot forget them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, ClassVar

from markupsafe import Markup
from sqladmin import ModelView
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.filters import (
    BooleanFilter,
)
from sqladmin.flash import Flash
from sqladmin.formatters import BASE_FORMATTERS
from sqladmin.helpers import get_object_identifier, object_identifier_values
from sqlalchemy import Select, String, cast, false, or_
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import StreamingResponse
from wtforms import Form
from wtforms.validators import ValidationError

from bot.catalog.calendar import TOKYO
from bot.catalog.models import (
    Alias,
    Area,
    Category,
    Item,
    Schedule,
    StaffUser,
    WardText,
)
from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.japanese import fold_kana, normalize
from bot.staff.audit import label
from bot.staff.operations import OperationError, check_url
from bot.staff.translations import (
    language_name,
)

CATALOG = "品目と分別"
AREAS = "収集日"
RESIDENTS = "住民の質問"
ADMINISTRATION = "管理"


def tokyo_time(moment: datetime | None) -> str:
    """「2026-12-06 12:11 JST」: Tokyo time to the minute, as a clerk reads a clock. The
    database keeps UTC (SQLite hands it back without a zone)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M JST")


def yes_no(value: bool) -> str:
    """A yes/no value as a clerk reads it: はい or いいえ."""
    return "はい" if value else "いいえ"


#: How a value of each type is shown in lists, details and exports: rows by what staff
#: call them (:func:`bot.staff.audit.label`), times in Tokyo.
TYPE_FORMATTERS: dict[type, Any] = {
    **BASE_FORMATTERS,
    datetime: tokyo_time,
    **dict.fromkeys((Item, Category, Alias, Area, Schedule, WardText, StaffUser), label),
}


class LabelledAjaxLoader(QueryAjaxModelLoader):
    """sqladmin's picker (選んでください with search), naming each row by :func:`label`
    instead of its Python repr."""

    def format(self, model: Any) -> dict[str, Any]:
        if not model:
            return {}
        return {"id": str(get_object_identifier(model)), "text": label(model)}

    async def format_by_pk(self, pk: Any) -> dict[str, Any]:
        if not await super().format_by_pk(pk):
            return {}
        with self.model_admin.session_maker() as session:
            row = session.get(self.model, object_identifier_values(str(pk), self.model))
            return self.format(row)


#: sqladmin's own validation words, which it does not translate.
_FORM_MESSAGES = {"Not a valid choice": "一覧にない値です。候補から選んでください。"}


class JapaneseForm(Form):
    """Forms whose validation messages are Japanese: wtforms' own catalogue, and ours for
    the few sqladmin writes in English."""

    class Meta:
        locales: ClassVar[list[str]] = ["ja_JP", "ja"]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.errors, list):
                field.errors = [_FORM_MESSAGES.get(e, e) for e in field.errors]
        return valid


@contextmanager
def _refusals_in_words(what: str) -> Iterator[None]:
    """A save or deletion the database refuses, said to the clerk (sqladmin would show the
    driver's English message)."""
    try:
        yield
    except IntegrityError as exc:
        reason = str(exc.orig).lower()
        if "unique" in reason or "duplicate" in reason:
            raise OperationError(f"同じ{what}がすでにあります。名前を確かめてください。") from None
        if "foreign key" in reason:
            raise OperationError(
                f"この{what}は、ほかの行（品目や収集日など）から使われているか、"
                "選んだ行がもうないため、保存・削除できませんでした。"
            ) from None
        raise OperationError(f"{what}を保存できませんでした。入力を確かめてください。") from None


class StaffView(ModelView):
    """What every admin table shares: rows named in words, Tokyo times, Japanese forms, a
    notice after each save and deletion, and a CSV export Excel opens (Japanese column
    names, UTF-8 with a BOM)."""

    column_type_formatters: ClassVar[dict[type, Any]] = TYPE_FORMATTERS
    form_base_class = JapaneseForm
    #: For templates: 「英語」 for ``en``.
    language_name = staticmethod(language_name)
    use_pretty_export = True
    export_types: ClassVar[list[str]] = ["csv"]

    def __init__(self) -> None:
        super().__init__()
        self._column_labels.setdefault("id", "番号")
        self._form_ajax_refs = {
            name: LabelledAjaxLoader(name, loader.model, self, **self.form_ajax_refs[name])
            for name, loader in self._form_ajax_refs.items()
        }

    async def insert_model(self, request: Request, data: dict) -> Any:
        with _refusals_in_words(self.name):
            return await super().insert_model(request, _line_feeds(data))

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        with _refusals_in_words(self.name):
            return await super().update_model(request, pk, _line_feeds(data))

    async def delete_model(self, request: Request, pk: Any) -> None:
        with _refusals_in_words(self.name):
            await super().delete_model(request, pk)

    async def after_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        done = "追加しました" if is_created else "保存しました"
        Flash.success(request, f"{self.name}「{label(model)}」を{done}。")

    async def after_model_delete(self, model: Any, request: Request) -> None:
        Flash.success(request, f"{self.name}「{label(model)}」を削除しました。")

    async def custom_export_cell(self, row: Any, name: str, value: Any) -> Any:
        """The whole value, in words: a list's cells shorten long texts, a file must not."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, list):
            return "、".join(str(self._default_formatter(v)) for v in value)
        formatted = self._default_formatter(value)
        return formatted if isinstance(formatted, str) else str(value)

    def get_export_name(self, export_type: str) -> str:
        return f"{self.identity}-{datetime.now(TOKYO):%Y%m%d-%H%M}.{export_type}"

    async def export_data(
        self, data: list[Any], export_type: str = "csv", request: Request | None = None
    ) -> StreamingResponse:
        response = await super().export_data(data, export_type, request)
        if export_type != "csv":
            return response
        return StreamingResponse(
            _with_bom(response.body_iterator),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": response.headers["content-disposition"]},
        )


def _line_feeds(data: dict) -> dict:
    """The form's texts with the line breaks the catalog keeps (``\\n``). A browser sends a
    text area's breaks as ``\\r\\n``: stored so, a text saved unchanged would differ from
    before, and its translations, which translate the text as it was, would stop being
    used (:mod:`bot.catalog.translations`)."""
    return {
        key: value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


async def _with_bom(rows: AsyncIterator[Any]) -> AsyncIterator[str]:
    """Excel reads a CSV as Shift_JIS unless it starts with a BOM."""
    yield "\ufeff"
    async for row in rows:
        yield row if isinstance(row, str) else row.decode("utf-8")


class NormalizedSearch:
    """Search that finds 「スプレー」 also from 「すぷれー」 or 「ｽﾌﾟﾚｰ」: the term is
    normalised (NFKC, case, long-vowel look-alikes) and also tried with kana folded to
    hiragana, the form readings are stored in."""

    column_searchable_list: list[Any]

    def search_query(self, stmt: Select, term: str) -> Select:
        forms = {normalize(term), fold_kana(normalize(term)), term.strip()}
        expressions = [
            cast(column, String).ilike(f"%{form}%")
            for column in self.column_searchable_list
            for form in forms
            if form
        ]
        return stmt.filter(or_(false(), *expressions))


def shortened(limit: int) -> Callable[[Any, Any], str]:
    """A list cell showing at most ``limit`` characters of a long text (its details page
    shows the whole)."""

    def format(model: Any, attribute: Any) -> str:
        value = getattr(model, attribute.key if hasattr(attribute, "key") else attribute) or ""
        return value if len(value) <= limit else value[: limit - 1] + "…"

    return format


def url_link(model: Any, attribute: Any) -> Markup | str:
    """The link, clickable only when it is one a resident may be sent to (a stored value
    from before the check is shown as text)."""
    url = getattr(model, "url", None)
    if not url:
        return ""
    try:
        check_url(url)
    except OperationError:
        return url
    return Markup('<a href="{0}" rel="noopener" target="_blank">{0}</a>').format(url)


def url_validator(form: Form, field: Any) -> None:
    """The staff API's rule for links (:func:`bot.staff.operations.check_url`)."""
    try:
        field.data = check_url(field.data)
    except OperationError as exc:
        raise ValidationError(str(exc)) from None


#: Languages as the admin's choices and filters name them: 「英語（en）」.
LANGUAGE_CHOICES = [(code, f"{LANGUAGE_NAMES[code]}（{code}）") for code in LANGUAGES]


class ReviewedFilter(BooleanFilter):
    """sqladmin's yes/no filter, in words (its own says Yes and No)."""

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return [("__all", "すべて"), ("true", "確認済み"), ("false", "未確認")]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        return await super().get_filtered_query(query, "all" if value == "__all" else value, model)


def reviewed_in_words(model: Any, attribute: Any) -> str:
    """A row's 確認済み flag as a cell: 確認済み or 未確認."""
    return "確認済み" if model.reviewed else "未確認"


def language_in_words(model: Any, attribute: Any) -> str:
    """A row's language as a cell, by its Japanese name (英語 for ``en``)."""
    return language_name(model.language)
