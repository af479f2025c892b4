"""Other names of items (別名), and checking many at once."""

from __future__ import annotations

from typing import Any

from sqladmin import action, expose
from sqladmin.filters import (
    StaticValuesFilter,
)
from sqladmin.flash import Flash
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import SelectField

from bot.catalog.models import (
    Alias,
    Item,
)
from bot.i18n import LANGUAGES
from bot.staff.accounts import Role
from bot.staff.admin_views.shared import (
    CATALOG,
    LANGUAGE_CHOICES,
    NormalizedSearch,
    ReviewedFilter,
    StaffView,
    language_in_words,
    reviewed_in_words,
)
from bot.staff.operations import OperationError, mark_aliases_reviewed
from bot.staff.web_auth import require


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
    column_formatters = {Alias.language: language_in_words, Alias.reviewed: reviewed_in_words}
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
