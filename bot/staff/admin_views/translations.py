"""Translations of the texts residents read (翻訳), each beside the Japanese it stands for now."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin.filters import (
    StaticValuesFilter,
)
from sqlalchemy import Select, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from bot.catalog.models import (
    Translation,
    utcnow,
)
from bot.staff import translations as staff_translations
from bot.staff.admin_views.shared import (
    CATALOG,
    NormalizedSearch,
    ReviewedFilter,
    StaffView,
    language_in_words,
    reviewed_in_words,
    shortened,
)
from bot.staff.operations import OperationError
from bot.staff.translations import (
    FIELD_NAMES,
    FOREIGN_NAMES,
    IN_USE,
    KIND_NAMES,
    JapaneseNow,
    Original,
    language_name,
)


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
        Translation.language: language_in_words,
        Translation.body: shortened(40),
        "state": _state,
        Translation.reviewed: reviewed_in_words,
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
                description="案内文・種別・品目の説明・お知らせのどれを訳すか。"
                "選ぶと、下に日本語の全文が出ます。",
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
                "この翻訳の元の日本語がもうありません（案内文・種別・お知らせが消されたか、"
                "品目の説明が書き換えられました）。使われないので、削除してかまいません。"
            )
        data["source"] = original.japanese
        data["body"] = (data.get("body") or "").strip()
        data["updated_at"] = utcnow()
