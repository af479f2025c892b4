"""The tables staff edit in /admin, labelled in Japanese.

Every write goes through the audited sessions (``bot.staff.audit``): the audit row and the
bot's reload happen there, not here, so a view cannot forget them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, ClassVar

from markupsafe import Markup
from sqladmin import ModelView, action, expose
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.filters import (
    AllUniqueStringValuesFilter,
    BooleanFilter,
    ForeignKeyFilter,
    StaticValuesFilter,
)
from sqladmin.flash import Flash
from sqladmin.formatters import BASE_FORMATTERS
from sqladmin.helpers import get_object_identifier, object_identifier_values
from sqlalchemy import Select, String, cast, false, or_, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from wtforms import BooleanField, Form, PasswordField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from bot.catalog.calendar import TOKYO
from bot.catalog.models import (
    Alias,
    Area,
    AuditLog,
    Category,
    Item,
    Schedule,
    StaffToken,
    StaffUser,
    Translation,
    UnansweredQuestion,
    WardText,
    utcnow,
)
from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.japanese import fold_kana, normalize
from bot.staff import translations as staff_translations
from bot.staff.accounts import MIN_PASSWORD_LENGTH, AccountError, Role, hash_password
from bot.staff.audit import label
from bot.staff.operations import OperationError, check_url, mark_aliases_reviewed
from bot.staff.translations import (
    FIELD_NAMES,
    FOREIGN_NAMES,
    IN_USE,
    KIND_NAMES,
    JapaneseNow,
    Original,
    language_name,
)
from bot.staff.web_auth import require

CATALOG = "品目と分別"
AREAS = "収集日"
RESIDENTS = "住民の質問"
ADMINISTRATION = "管理"

ROLE_CHOICES = [
    (Role.VIEWER.value, "閲覧のみ（viewer）"),
    (Role.EDITOR.value, "品目などの編集（editor）"),
    (Role.ADMIN.value, "編集とアカウント管理（admin）"),
]


def tokyo_time(moment: datetime | None) -> str:
    """「2026-12-06 12:11 JST」: Tokyo time to the minute, as a clerk reads a clock. The
    database keeps UTC (SQLite hands it back without a zone)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M JST")


def _yes_no(value: bool) -> str:
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
        locales = ["ja_JP", "ja"]

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
            return _yes_no(value)
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


def _short(limit: int):
    def format(model: Any, attribute: Any) -> str:
        value = getattr(model, attribute.key if hasattr(attribute, "key") else attribute) or ""
        return value if len(value) <= limit else value[: limit - 1] + "…"

    return format


def _link(model: Any, attribute: Any) -> Markup | str:
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


def _url_validator(form: Form, field: Any) -> None:
    """The staff API's rule for links (:func:`bot.staff.operations.check_url`)."""
    try:
        field.data = check_url(field.data)
    except OperationError as exc:
        raise ValidationError(str(exc)) from None


class CategoryAdmin(StaffView, model=Category):
    name, name_plural, icon, category = "種別", "種別", "fa-solid fa-layer-group", CATALOG
    column_list = [Category.id, Category.name, Category.guidance_key]
    column_labels = {
        Category.name: "種別名（回答にそのまま使われます）",
        Category.guidance_key: "回答のあとに添える案内文",
        Category.items: "品目",
    }
    form_columns = [Category.name, Category.guidance_key]
    column_searchable_list = [Category.name]
    column_sortable_list = [Category.id, Category.name]
    page_size = 25

    def _text_titles(self) -> dict[str, str]:
        with self.session_maker() as session:
            rows = session.execute(select(WardText.key, WardText.title)).tuples()
            return dict(rows.all())

    async def get_prop_value(self, obj: Any, prop: str) -> Any:
        """The guidance text by its title (its key is the program's name for it)."""
        value = await super().get_prop_value(obj, prop)
        if prop == "guidance_key" and value:
            return (await run_in_threadpool(self._text_titles)).get(value, value)
        return value

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        titles = await run_in_threadpool(self._text_titles)
        form.guidance_key = SelectField(
            "回答のあとに添える案内文",
            choices=[("", "（なし）"), *titles.items()],
            description="この種別の品目を答えたあとに、続けて伝える案内文。",
            render_kw={"class": "form-select"},
        )
        return form

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        data["guidance_key"] = data.get("guidance_key") or None


class ItemAdmin(NormalizedSearch, StaffView, model=Item):
    name, name_plural, icon, category = "品目", "品目", "fa-solid fa-trash-can", CATALOG
    column_list = [Item.id, Item.name, Item.reading, Item.category, Item.notes, Item.updated_at]
    column_details_list = [
        Item.id,
        Item.name,
        Item.reading,
        Item.category,
        Item.notes,
        Item.url,
        Item.aliases,
        Item.source_row,
        Item.updated_at,
    ]
    column_labels = {
        Item.name: "品目名",
        Item.reading: "よみ（ひらがな）",
        Item.category: "種別",
        Item.notes: "説明（回答に添えます）",
        Item.url: "参考URL",
        Item.aliases: "別名",
        Item.source_row: "取り込んだファイルの行",
        Item.updated_at: "更新日時",
    }
    column_formatters = {Item.notes: _short(40)}
    column_formatters_detail = {Item.url: _link}
    form_columns = [Item.name, Item.reading, Item.category, Item.notes, Item.url]
    form_args = {
        "name": {"description": "住民への回答にそのまま表示されます。例：スプレー缶"},
        "reading": {"description": "ひらがなで。例：すぷれーかん（空でも検索はできます）"},
        "notes": {
            "description": "出し方の注意。URLを書くとリンクになります。"
            "変えると、この説明の外国語訳は使われなくなります（「翻訳」で訳し直せます）。"
        },
        "url": {
            "description": "http:// か https:// で始まるURL。空ならリンクなし。",
            "validators": [Optional(), _url_validator],
        },
    }
    form_ajax_refs = {"category": {"fields": ("name",), "order_by": "name"}}
    column_searchable_list = [Item.name, Item.reading]
    column_sortable_list = [Item.id, Item.name, Item.reading, Item.updated_at]
    column_filters = [
        ForeignKeyFilter(Item.category_id, Category.name, foreign_model=Category, title="種別")
    ]
    column_default_sort = [(Item.reading, False)]
    page_size = 25


#: Languages as the admin's choices and filters name them: 「英語（en）」.
LANGUAGE_CHOICES = [(code, f"{LANGUAGE_NAMES[code]}（{code}）") for code in LANGUAGES]


class ReviewedFilter(BooleanFilter):
    """sqladmin's yes/no filter, in words (its own says Yes and No)."""

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return [("__all", "すべて"), ("true", "確認済み"), ("false", "未確認")]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        return await super().get_filtered_query(query, "all" if value == "__all" else value, model)


def _reviewed(model: Any, attribute: Any) -> str:
    return "確認済み" if model.reviewed else "未確認"


def _language(model: Any, attribute: Any) -> str:
    return language_name(model.language)


class AliasAdmin(NormalizedSearch, StaffView, model=Alias):
    """Other names of items, in the language residents use them. Names the developers
    wrote in other languages come unreviewed: a clerk checks them here (one at a time in
    the form, or many at once with 「確認済みにする」)."""

    name, name_plural, icon, category = "別名", "別名", "fa-solid fa-tags", CATALOG
    column_list = [Alias.id, Alias.name, Alias.item, Alias.language, Alias.reviewed]
    column_labels = {
        Alias.name: "別名（住民の言い方）",
        Alias.item: "品目",
        Alias.language: "言語",
        Alias.reviewed: "確認済み",
    }
    column_formatters = {Alias.language: _language, Alias.reviewed: _reviewed}
    column_formatters_detail = column_formatters
    form_columns = [Alias.name, Alias.item, Alias.language, Alias.reviewed]
    form_overrides = {"language": SelectField}
    form_args = {
        "name": {"description": "例：ノートPC（品目「パソコン」の別名として）"},
        "language": {
            "choices": LANGUAGE_CHOICES,
            "default": LANGUAGES[0],
            "description": "住民がこの言い方を使う言語。日本語の別名は日本語の質問で、"
            "英語の別名は英語の質問で使われます。",
        },
        "reviewed": {
            "default": True,
            "description": "職員が確かめた別名にチェックします。"
            "開発者が用意した外国語の別名は、確認するまでチェックが外れています（それでも使われます）。",
        },
    }
    form_widget_args = {"language": {"class": "form-select"}}
    form_ajax_refs = {"item": {"fields": ("name", "reading"), "order_by": "reading"}}
    column_searchable_list = [Alias.name]
    column_sortable_list = [Alias.id, Alias.name, Alias.language, Alias.reviewed]
    column_filters = [
        StaticValuesFilter(Alias.language, LANGUAGE_CHOICES, title="言語"),
        ReviewedFilter(Alias.reviewed, title="確認済み"),
    ]
    page_size = 25

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        if data.get("language") not in LANGUAGES:
            raise OperationError("言語を一覧から選んでください。")

    @action(
        "mark-reviewed",
        label="確認済みにする",
        add_in_detail=False,
        add_in_list=True,
    )
    async def mark_reviewed(self, request: Request) -> Response:
        """The rows ticked in the list, shown once more with a button that ticks them as
        checked: the action's link is a GET, and a GET must not write."""
        ids = _ids(request.query_params.get("pks", ""))
        aliases = await run_in_threadpool(self._aliases, ids)
        return await self.templates.TemplateResponse(
            request,
            "staff/aliases_reviewed.html",
            {"model_view": self, "aliases": aliases, "ids": ",".join(map(str, ids))},
        )

    def _aliases(self, ids: list[int]) -> list[tuple[Alias, str]]:
        with self.session_maker() as session:
            rows = session.execute(
                select(Alias, Item.name)
                .join(Item, Alias.item_id == Item.id)
                .where(Alias.id.in_(ids))
                .order_by(Alias.id)
            ).tuples()
            return list(rows)

    @expose("/reviewed", methods=["POST"])
    async def reviewed(self, request: Request) -> Response:
        if not require(request, Role.EDITOR):
            return Response("この操作の権限がありません。", status_code=403)
        form = await request.form()
        ids = _ids(str(form.get("pks", "")))
        if not ids:
            Flash.error(request, "確認済みにする別名を一覧で選んでください。")
        else:
            try:
                count = await run_in_threadpool(self._mark_reviewed, ids)
            except OperationError as exc:
                Flash.error(request, str(exc))
            else:
                Flash.success(request, f"別名 {count}件を確認済みにしました。")
        return RedirectResponse(
            str(request.url_for("admin:list", identity=self.identity)), status_code=303
        )

    def _mark_reviewed(self, ids: list[int]) -> int:
        with self.session_maker() as session:
            aliases = mark_aliases_reviewed(session, ids)
            session.commit()
            return len(aliases)


def _ids(text: str) -> list[int]:
    """Row ids as sqladmin sends the selected rows (「3,5,8」); anything else is dropped."""
    ids = {int(part) for part in text.split(",") if part.strip().isdigit()}
    return sorted(i for i in ids if 0 < i < 2**31)


class WardTextAdmin(StaffView, model=WardText):
    """Texts by their titles; the key is how the program finds a text, so it is set once,
    when a text is made, and shown only on its details page. A text with example questions
    is a knowledge entry (よくある質問): general questions like them get its body."""

    name, name_plural, icon, category = (
        "案内文",
        "案内文・よくある質問",
        "fa-solid fa-comment",
        CATALOG,
    )
    column_list = [WardText.title, WardText.body, WardText.examples]
    column_details_list = [
        WardText.title,
        WardText.body,
        WardText.examples,
        WardText.url,
        WardText.key,
    ]
    column_labels = {
        WardText.key: "識別名（プログラム用。変えられません）",
        WardText.title: "内容",
        WardText.body: "本文",
        WardText.examples: "質問の例（1行に1つ）",
        WardText.url: "参考URL",
    }
    column_formatters = {WardText.body: _short(60), WardText.examples: _short(40)}
    column_formatters_detail = {WardText.url: _link}
    form_create_rules = ["key", "title", "body", "examples", "url"]
    form_edit_rules = ["title", "body", "examples", "url"]
    form_args = {
        "key": {"description": "半角英字と _ で。例：spray_can_notice"},
        "body": {
            "description": "変えると、この本文の外国語訳は使われなくなり、外国語の質問には"
            "日本語で答えます（「翻訳」で訳し直せます）。"
        },
        "examples": {
            "description": (
                "この文章で答える住民の質問を1行に1つ。書くと「よくある質問」になり、"
                "似た質問に次のメッセージから答えます。"
            )
        },
        "url": {
            "description": "http:// か https:// で始まるURL。空ならリンクなし。",
            "validators": [Optional(), _url_validator],
        },
    }
    form_widget_args = {"body": {"rows": 8}, "examples": {"rows": 8}}
    column_searchable_list = [WardText.title, WardText.body, WardText.examples]
    page_size = 25


class UnusedFilter:
    """Translations the bot uses now, or those it does not (their Japanese changed or is
    gone, or they are empty): what a clerk has to update. Worked out in Python by the
    rule the bot uses (:mod:`bot.catalog.translations`), then filtered by id."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"
    title = "使われているか"
    parameter_name = "unused"

    def __init__(self, sessions: Any) -> None:
        self.sessions = sessions

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return [("__all", "すべて"), ("yes", "未使用のもの"), ("no", IN_USE)]

    def _unused(self) -> list[int]:
        with self.sessions() as session:
            return staff_translations.unused_ids(session)

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value not in ("yes", "no"):
            return query
        ids = await run_in_threadpool(self._unused)
        column = Translation.id
        return query.filter(column.in_(ids) if value == "yes" else column.not_in(ids))


def _original(model: Any) -> Original:
    """What :meth:`TranslationAdmin._annotate` found the translation stands for."""
    found = getattr(model, "_staff_original", None)
    return found if found is not None else Original(None, model.key)


def _state(model: Any, attribute: Any) -> Markup:
    state = staff_translations.state(model.source, model.body, _original(model).japanese)
    css = "text-success" if state == IN_USE else "text-danger fw-bold"
    return Markup('<span class="{}">{}</span>').format(css, state)


def _whole(text: str | None) -> Markup:
    """A text with its line breaks, as residents read it."""
    if text is None:
        return Markup('<span class="text-danger">（ありません）</span>')
    return Markup('<div class="staff-text">{}</div>').format(text)


class TranslationAdmin(NormalizedSearch, StaffView, model=Translation):
    """What residents writing in English, Chinese or Korean read instead of the Japanese:
    the ward texts, categories and item notes, translated. A translation is used only
    while the Japanese is what it was translated from; saving one makes the Japanese
    shown beside it its source."""

    name, name_plural, icon, category = (
        "翻訳",
        "翻訳（外国語）",
        "fa-solid fa-language",
        CATALOG,
    )
    column_list = [
        Translation.kind,
        "target",
        Translation.field,
        Translation.language,
        Translation.body,
        "state",
        Translation.reviewed,
        Translation.updated_at,
    ]
    column_details_list = [
        Translation.kind,
        "target",
        Translation.field,
        Translation.language,
        "state",
        "japanese",
        Translation.source,
        Translation.body,
        Translation.reviewed,
        Translation.updated_at,
    ]
    column_export_list = [
        Translation.kind,
        Translation.key,
        Translation.field,
        Translation.language,
        "state",
        Translation.source,
        Translation.body,
        Translation.reviewed,
        Translation.updated_at,
    ]
    column_labels = {
        Translation.kind: "種類",
        "target": "対象",
        Translation.key: "対象（識別名・日本語）",
        Translation.field: "項目",
        Translation.language: "言語",
        Translation.body: "訳文",
        "state": "使われているか",
        "japanese": "いまの日本語",
        Translation.source: "訳したときの日本語",
        Translation.reviewed: "確認済み",
        Translation.updated_at: "更新日時",
    }
    column_formatters = {
        Translation.kind: lambda m, a: KIND_NAMES.get(m.kind, m.kind),
        "target": lambda m, a: _original(m).target,
        Translation.field: lambda m, a: FIELD_NAMES.get((m.kind, m.field), m.field),
        Translation.language: _language,
        Translation.body: _short(40),
        "state": _state,
        Translation.reviewed: _reviewed,
    }
    column_formatters_detail = {
        **column_formatters,
        Translation.body: lambda m, a: _whole(m.body),
        Translation.source: lambda m, a: _whole(m.source),
        "japanese": lambda m, a: _whole(_original(m).japanese),
    }
    column_searchable_list = [Translation.key, Translation.body, Translation.source]
    column_sortable_list = [
        Translation.kind,
        Translation.language,
        Translation.reviewed,
        Translation.updated_at,
    ]
    column_default_sort = [
        (Translation.kind, True),
        (Translation.key, False),
        (Translation.field, False),
        (Translation.language, False),
    ]
    form_create_rules = ["target", "language", "body", "reviewed"]
    form_edit_rules = ["body", "reviewed"]
    edit_template = "staff/translation_edit.html"
    page_size = 25

    def get_filters(self) -> list[Any]:
        return [
            StaticValuesFilter(Translation.language, list(FOREIGN_NAMES.items()), title="言語"),
            StaticValuesFilter(Translation.kind, list(KIND_NAMES.items()), title="種類"),
            ReviewedFilter(Translation.reviewed, title="確認済み"),
            UnusedFilter(self.session_maker),
        ]

    # --- each row with the Japanese it stands for now ------------------------------------

    def _annotate(self, rows: list[Any]) -> list[Any]:
        with self.session_maker() as session:
            now = JapaneseNow(session, [(r.kind, r.key, r.field) for r in rows])
        for row in rows:
            row._staff_original = now.original(row.kind, row.key, row.field)
        return rows

    async def list(self, request: Request) -> Any:
        pagination = await super().list(request)
        await run_in_threadpool(self._annotate, pagination.rows)
        return pagination

    async def get_model_objects(self, request: Request, limit: int | None = 0) -> list[Any]:
        rows = await super().get_model_objects(request, limit)
        return await run_in_threadpool(self._annotate, list(rows))

    async def get_object_for_details(self, request: Request) -> Any:
        row = await super().get_object_for_details(request)
        if row is not None:
            await run_in_threadpool(self._annotate, [row])
        return row

    async def get_object_for_edit(self, request: Request) -> Any:
        row = await super().get_object_for_edit(request)
        if row is not None:
            await run_in_threadpool(self._annotate, [row])
        return row

    async def get_prop_value(self, obj: Any, prop: str) -> Any:
        if prop == "target":
            return _original(obj).target
        if prop == "japanese":
            return _original(obj).japanese
        if prop == "state":
            return staff_translations.state(obj.source, obj.body, _original(obj).japanese)
        return await super().get_prop_value(obj, prop)

    # --- the forms --------------------------------------------------------------------------

    def _targets(self) -> list[tuple[str, str, dict[str, str]]]:
        with self.session_maker() as session:
            now = JapaneseNow(session)
        choices = []
        for target, words in now.targets():
            japanese = now.original(*target).japanese or ""
            key = staff_translations.target_id(target)
            choices.append((key, words, {"data-japanese": japanese}))
        return choices

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        """Made here rather than from the table: the target is chosen among the texts
        there are (a key typed by hand would translate nothing), and kind, key and field
        do not change once made."""
        fields: dict[str, Any] = {}
        if rules and "target" in rules:
            fields["target"] = SelectField(
                "訳す日本語",
                choices=[("", "選んでください"), *await run_in_threadpool(self._targets)],
                validators=[InputRequired("訳す日本語を選んでください。")],
                description="案内文・種別・品目の説明のどれを訳すか。選ぶと、下に日本語の全文が出ます。",
                render_kw={"class": "form-select", "data-staff-japanese": "japanese-preview"},
            )
            fields["language"] = SelectField(
                "言語",
                choices=list(FOREIGN_NAMES.items()),
                render_kw={"class": "form-select"},
            )
        fields["body"] = TextAreaField(
            "訳文",
            validators=[InputRequired("訳文を入力してください。")],
            description="住民に表示する文。日本語にない事実（日付・電話番号・料金など）を足さないでください。",
            render_kw={"rows": 10},
        )
        fields["reviewed"] = BooleanField(
            "確認済み",
            description="職員が訳文を確かめたらチェックします（チェックがなくても使われます）。",
        )
        return type("TranslationForm", (self.form_base_class,), fields)

    @staticmethod
    def state_of(obj: Any) -> str:
        """For the edit template: whether the bot uses the translation now."""
        return staff_translations.state(obj.source, obj.body, _original(obj).japanese)

    async def get_form_data_for_edit(self, obj: Any) -> dict[str, Any]:
        return {"body": obj.body, "reviewed": obj.reviewed}

    async def edit_context(self, request: Request) -> dict[str, Any]:
        return {"kind_names": KIND_NAMES, "field_names": FIELD_NAMES}

    def _find_original(self, kind: str, key: str, field: str) -> Original:
        with self.session_maker() as session:
            return JapaneseNow(session, [(kind, key, field)]).original(kind, key, field)

    def _exists(self, kind: str, key: str, field: str, language: str) -> bool:
        with self.session_maker() as session:
            found = session.scalar(
                select(Translation.id).where(
                    Translation.kind == kind,
                    Translation.key == key,
                    Translation.field == field,
                    Translation.language == language,
                )
            )
            return found is not None

    def _resolve_target(self, value: str) -> tuple[str, str, str] | None:
        with self.session_maker() as session:
            now = JapaneseNow(session)
        return next((t for t, _ in now.targets() if staff_translations.target_id(t) == value), None)

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        """The source becomes the Japanese as it is now: the clerk has just translated
        what the form showed."""
        if is_created:
            target = await run_in_threadpool(self._resolve_target, str(data.pop("target", "")))
            if target is None:
                raise OperationError("訳す日本語を一覧から選んでください。")
            if data.get("language") not in FOREIGN_NAMES:
                raise OperationError("言語を一覧から選んでください。")
            data["kind"], data["key"], data["field"] = target
            kind, key, field = target
            if await run_in_threadpool(self._exists, kind, key, field, data["language"]):
                raise OperationError(
                    f"この日本語の{language_name(data['language'])}の翻訳はすでにあります。"
                    "一覧から選んで直してください。"
                )
        else:
            kind, key, field = model.kind, model.key, model.field
        original = await run_in_threadpool(self._find_original, kind, key, field)
        if original.japanese is None:
            raise OperationError(
                "この翻訳の元の日本語がもうありません（案内文・種別が消されたか、"
                "品目の説明が書き換えられました）。使われないので、削除してかまいません。"
            )
        data["source"] = original.japanese
        data["body"] = (data.get("body") or "").strip()
        data["updated_at"] = utcnow()


class AreaAdmin(NormalizedSearch, StaffView, model=Area):
    name, name_plural, icon, category = "地域", "地域", "fa-solid fa-map", AREAS
    column_list = [Area.id, Area.town, Area.chome, Area.remark, Area.schedules]
    column_labels = {
        Area.town: "町名",
        Area.town_reading: "町名のよみ",
        Area.chome: "丁目（例：[1, 2]、空は全域）",
        Area.chome_text: "丁目（区の表の表記）",
        Area.remark: "備考",
        Area.schedules: "収集日",
        Area.source_row: "取り込んだファイルの行",
    }
    form_excluded_columns = [Area.schedules]
    column_searchable_list = [Area.town, Area.town_reading]
    column_sortable_list = [Area.id, Area.town]
    page_size = 25


class ScheduleAdmin(StaffView, model=Schedule):
    name, name_plural, icon, category = "収集日", "収集日", "fa-solid fa-calendar", AREAS
    column_labels = {
        Schedule.area: "地域",
        Schedule.category: "種別",
        Schedule.weekdays: "曜日（0=月曜日…6=日曜日）",
        Schedule.nth_weeks: "第何週（空は毎週）",
        Schedule.source_text: "元の表記",
    }
    column_list = [
        Schedule.id,
        Schedule.area,
        Schedule.category,
        Schedule.weekdays,
        Schedule.nth_weeks,
    ]
    form_ajax_refs = {
        "area": {"fields": ("town",), "order_by": "town"},
        "category": {"fields": ("name",), "order_by": "name"},
    }
    page_size = 25


class UnansweredAdmin(NormalizedSearch, StaffView, model=UnansweredQuestion):
    name, name_plural, icon, category = (
        "答えられなかった質問",
        "答えられなかった質問",
        "fa-solid fa-circle-question",
        RESIDENTS,
    )
    can_create = False
    can_edit = False
    column_list = [
        UnansweredQuestion.text,
        UnansweredQuestion.language,
        UnansweredQuestion.count,
        UnansweredQuestion.first_seen,
        UnansweredQuestion.last_seen,
    ]
    column_labels = {
        UnansweredQuestion.text: "質問",
        UnansweredQuestion.language: "言語",
        UnansweredQuestion.normalized: "正規化した質問",
        UnansweredQuestion.count: "回数",
        UnansweredQuestion.first_seen: "最初",
        UnansweredQuestion.last_seen: "最後",
    }
    column_formatters = {
        UnansweredQuestion.text: lambda m, a: Markup('<a href="../resolve/{}">{}</a>').format(
            m.id, m.text
        ),
        UnansweredQuestion.language: _language,
    }
    column_formatters_detail = {UnansweredQuestion.language: _language}
    column_searchable_list = [UnansweredQuestion.text, UnansweredQuestion.normalized]
    column_sortable_list = [
        UnansweredQuestion.count,
        UnansweredQuestion.last_seen,
        UnansweredQuestion.language,
    ]
    column_filters = [
        StaticValuesFilter(UnansweredQuestion.language, LANGUAGE_CHOICES, title="言語")
    ]
    column_default_sort = [(UnansweredQuestion.count, True)]
    page_size = 25


#: The audit log's words for its actions, tables and fields.
AUDIT_ACTIONS = {"create": "追加", "update": "変更", "delete": "削除"}
AUDIT_TABLES = {
    "items": "品目",
    "aliases": "別名",
    "categories": "種別",
    "ward_texts": "案内文",
    "translations": "翻訳",
    "areas": "地域",
    "schedules": "収集日",
    "unanswered_questions": "答えられなかった質問",
    "staff_users": "職員アカウント",
    "staff_tokens": "APIトークン",
}
AUDIT_FIELDS = {
    "id": "番号",
    "name": "名前",
    "reading": "よみ",
    "category": "種別",
    "category_id": "種別の番号",
    "notes": "説明",
    "url": "参考URL",
    "source_row": "ファイルの行",
    "item": "品目",
    "item_id": "品目の番号",
    "guidance_key": "案内文",
    "sort_order": "並び順",
    "description": "説明",
    "key": "識別名",
    "title": "内容",
    "body": "本文",
    "examples": "質問の例",
    "town": "町名",
    "town_reading": "町名のよみ",
    "chome_text": "丁目（元の表記）",
    "chome": "丁目",
    "remark": "備考",
    "area": "地域",
    "area_id": "地域の番号",
    "weekdays": "曜日",
    "nth_weeks": "第何週",
    "source_text": "元の表記",
    "text": "質問",
    "normalized": "正規化した質問",
    "count": "回数",
    "first_seen": "最初",
    "last_seen": "最後",
    "username": "ユーザー名",
    "password_hash": "パスワード",
    "role": "役割",
    "active": "有効",
    "created_at": "作成日時",
    "created_by": "作成者",
    "token_hash": "トークン",
    "revoked_at": "無効にした日時",
    "language": "言語",
    "reviewed": "確認済み",
    "kind": "種類",
    "field": "項目",
    "source": "訳したときの日本語",
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _audit_value(value: Any) -> str:
    """One old or new value of the audit log, as a clerk reads it."""
    if value is None or value == "":
        return "（なし）"
    if isinstance(value, bool):
        return _yes_no(value)
    if value == "***":
        return "（変更あり・内容は記録しません）"
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            return tokyo_time(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（なし）"
    return f"「{value}」" if isinstance(value, str) else str(value)


#: Who acted, by where: the admin, an API token, the command line, the app itself.
AUDIT_ACTORS = {"staff": "{}（管理画面）", "token": "{}（APIトークン）", "system": "システム（{}）"}
AUDIT_SOLE_ACTORS = {"cli": "コマンドライン", "system": "システム"}


def _actor(actor: str) -> str:
    kind, _, name = actor.partition(":")
    if name and kind in AUDIT_ACTORS:
        return AUDIT_ACTORS[kind].format(name)
    return AUDIT_SOLE_ACTORS.get(actor, actor)


def _changes(changes: dict[str, list[Any]] | None) -> str:
    return "、".join(
        f"{AUDIT_FIELDS.get(field, field)}：{_audit_value(old)} → {_audit_value(new)}"
        for field, (old, new) in (changes or {}).items()
    )


class AuditLogAdmin(NormalizedSearch, StaffView, model=AuditLog):
    name, name_plural, icon, category = (
        "変更履歴",
        "変更履歴",
        "fa-solid fa-clock-rotate-left",
        ADMINISTRATION,
    )
    can_create = can_edit = can_delete = False
    column_list = [
        AuditLog.at,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.table,
        AuditLog.summary,
        AuditLog.changes,
    ]
    column_labels = {
        AuditLog.at: "日時",
        AuditLog.actor: "変更した人",
        AuditLog.action: "操作",
        AuditLog.table: "表",
        AuditLog.row_id: "行",
        AuditLog.summary: "対象",
        AuditLog.changes: "変更（旧 → 新）",
    }
    column_formatters = {
        AuditLog.actor: lambda m, a: _actor(m.actor),
        AuditLog.action: lambda m, a: AUDIT_ACTIONS.get(m.action, m.action),
        AuditLog.table: lambda m, a: AUDIT_TABLES.get(m.table, m.table),
        AuditLog.changes: lambda m, a: _changes(m.changes),
    }
    column_formatters_detail = column_formatters
    column_searchable_list = [AuditLog.summary, AuditLog.actor]
    column_filters = [
        StaticValuesFilter(AuditLog.table, list(AUDIT_TABLES.items()), title="表"),
        AllUniqueStringValuesFilter(AuditLog.actor, title="変更した人"),
        StaticValuesFilter(AuditLog.action, list(AUDIT_ACTIONS.items()), title="操作"),
    ]
    column_sortable_list = [AuditLog.at, AuditLog.actor, AuditLog.table]
    column_default_sort = [(AuditLog.at, True)]
    page_size = 50


class StaffUserAdmin(StaffView, model=StaffUser):
    name, name_plural, icon, category = (
        "職員アカウント",
        "職員アカウント",
        "fa-solid fa-user",
        ADMINISTRATION,
    )
    column_list = [
        StaffUser.username,
        StaffUser.role,
        StaffUser.active,
        StaffUser.last_login,
        StaffUser.locked_until,
    ]
    column_labels = {
        StaffUser.username: "ユーザー名",
        StaffUser.role: "役割",
        StaffUser.active: "有効",
        StaffUser.last_login: "最終ログイン",
        StaffUser.locked_until: "ロック解除予定",
        StaffUser.failed_logins: "続けて間違えた回数",
        StaffUser.created_at: "作成日時",
        "new_password": "新しいパスワード",
    }
    column_formatters = {StaffUser.role: lambda m, a: dict(ROLE_CHOICES).get(m.role, m.role)}
    column_formatters_detail = column_formatters
    column_details_exclude_list = [StaffUser.password_hash]
    form_columns = [StaffUser.username, StaffUser.role, StaffUser.active]
    form_overrides = {"role": SelectField}
    form_args = {
        "role": {
            "choices": ROLE_CHOICES,
            "description": "アカウント管理（職員とAPIトークン）は admin だけができます。",
        }
    }
    can_export = False

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        form.new_password = PasswordField(
            "新しいパスワード",
            validators=[Optional()],
            description=f"{MIN_PASSWORD_LENGTH}文字以上。変えないときは空のまま。",
        )
        return form

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        password = data.pop("new_password", None)
        if data.get("role") not in {role.value for role in Role}:
            raise AccountError("役割は閲覧のみ・編集・管理のどれかを選んでください。")
        if password:
            model.password_hash = hash_password(password)
        elif is_created:
            raise AccountError("新しいアカウントにはパスワードが必要です。")


class StaffTokenAdmin(StaffView, model=StaffToken):
    name, name_plural, icon, category = (
        "APIトークン",
        "APIトークン",
        "fa-solid fa-key",
        ADMINISTRATION,
    )
    can_create = can_edit = False
    can_export = False
    column_list = [
        StaffToken.id,
        StaffToken.name,
        StaffToken.role,
        StaffToken.created_by,
        StaffToken.created_at,
        StaffToken.last_used,
        StaffToken.revoked_at,
    ]
    column_labels = {
        StaffToken.name: "名前",
        StaffToken.role: "役割",
        StaffToken.created_by: "作成者",
        StaffToken.created_at: "作成日時",
        StaffToken.last_used: "最終使用",
        StaffToken.revoked_at: "無効にした日時",
    }
    column_formatters = {StaffToken.role: lambda m, a: dict(ROLE_CHOICES).get(m.role, m.role)}
    column_formatters_detail = column_formatters
    column_details_exclude_list = [StaffToken.token_hash]


VIEWS = [
    ItemAdmin,
    AliasAdmin,
    CategoryAdmin,
    WardTextAdmin,
    TranslationAdmin,
    AreaAdmin,
    ScheduleAdmin,
    UnansweredAdmin,
    AuditLogAdmin,
    StaffUserAdmin,
    StaffTokenAdmin,
]
