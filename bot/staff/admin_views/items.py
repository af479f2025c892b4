"""The item table and its categories (種別), as staff edit them in /admin."""

from __future__ import annotations

from typing import Any

from sqladmin.filters import (
    ForeignKeyFilter,
)
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from wtforms import SelectField
from wtforms.validators import Optional

from bot.catalog.models import (
    Category,
    Item,
    WardText,
)
from bot.staff.admin_views.shared import (
    CATALOG,
    NormalizedSearch,
    StaffView,
    shortened,
    url_link,
    url_validator,
    yes_no,
)


class CategoryAdmin(StaffView, model=Category):
    """The categories: their names as answers say them, their order, what each is, whether
    「資源」 names it, and the text said after its items. Whether one is collected on set
    days is not set here: giving it days under 収集日 does that."""

    name, name_plural, icon, category = "種別", "種別", "fa-solid fa-layer-group", CATALOG
    column_list = [
        Category.id,
        Category.name,
        Category.sort_order,
        Category.resource,
        Category.guidance_key,
    ]
    column_labels = {
        Category.name: "種別名（回答にそのまま使われます）",
        Category.sort_order: "並び順",
        Category.description: "説明",
        Category.resource: "資源",
        Category.guidance_key: "回答のあとに添える案内文",
        Category.items: "品目",
    }
    column_formatters = {Category.resource: lambda model, _: yes_no(model.resource)}
    column_formatters_detail = column_formatters
    form_columns = [
        Category.name,
        Category.sort_order,
        Category.description,
        Category.resource,
        Category.guidance_key,
    ]
    form_args = {
        "sort_order": {
            "description": "小さいほど先。収集日の一覧など、種別をいくつか並べるときの順です。"
        },
        "description": {
            "description": "「資源プラスチックとは？」のように種別そのものを聞かれたときの回答。"
        },
        "resource": {
            "description": "チェックすると、「資源の日は？」に、この種別の収集日も答えます"
            "（収集日のある種別だけ）。"
        },
    }
    column_searchable_list = [Category.name]
    column_sortable_list = [Category.id, Category.name, Category.sort_order]
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
    column_formatters = {Item.notes: shortened(40)}
    column_formatters_detail = {Item.url: url_link}
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
            "validators": [Optional(), url_validator],
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
