"""The tables staff edit in /admin, labelled in Japanese.

Every write goes through the audited sessions (``bot.staff.audit``): the audit row and the
bot's reload happen there, not here, so a view cannot forget them.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import ModelView
from sqladmin.filters import AllUniqueStringValuesFilter, ForeignKeyFilter
from sqlalchemy import Select, String, cast, false, or_
from starlette.requests import Request
from wtforms import PasswordField
from wtforms.validators import Optional

from bot.catalog.models import (
    Alias,
    Area,
    AuditLog,
    Category,
    Item,
    Schedule,
    StaffToken,
    StaffUser,
    UnansweredQuestion,
    WardText,
)
from bot.japanese import fold_kana, normalize
from bot.staff.accounts import MIN_PASSWORD_LENGTH, AccountError, Role, hash_password

CATALOG = "品目と分別"
AREAS = "収集日"
RESIDENTS = "住民の質問"
ADMINISTRATION = "管理"


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
    url = getattr(model, "url", None)
    return Markup('<a href="{0}" rel="noopener" target="_blank">{0}</a>').format(url) if url else ""


class CategoryAdmin(ModelView, model=Category):
    name, name_plural, icon, category = "種別", "種別", "fa-solid fa-layer-group", CATALOG
    column_list = [Category.id, Category.name, Category.guidance_key]
    column_labels = {
        Category.name: "種別名（回答にそのまま使われます）",
        Category.guidance_key: "回答のあとに添える案内文のキー",
        Category.items: "品目",
    }
    form_columns = [Category.name, Category.guidance_key]
    column_searchable_list = [Category.name]
    column_sortable_list = [Category.id, Category.name]
    page_size = 25


class ItemAdmin(NormalizedSearch, ModelView, model=Item):
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
        "notes": {"description": "出し方の注意。URLを書くとリンクになります。"},
    }
    form_ajax_refs = {"category": {"fields": ("name",), "order_by": "name"}}
    column_searchable_list = [Item.name, Item.reading]
    column_sortable_list = [Item.id, Item.name, Item.reading, Item.updated_at]
    column_filters = [
        ForeignKeyFilter(Item.category_id, Category.name, foreign_model=Category, title="種別")
    ]
    column_default_sort = [(Item.reading, False)]
    page_size = 25


class AliasAdmin(NormalizedSearch, ModelView, model=Alias):
    name, name_plural, icon, category = "別名", "別名", "fa-solid fa-tags", CATALOG
    column_list = [Alias.id, Alias.name, Alias.item]
    column_labels = {Alias.name: "別名（住民の言い方）", Alias.item: "品目"}
    form_columns = [Alias.name, Alias.item]
    form_args = {"name": {"description": "例：ノートPC（品目「パソコン」の別名として）"}}
    form_ajax_refs = {"item": {"fields": ("name", "reading"), "order_by": "reading"}}
    column_searchable_list = [Alias.name]
    column_sortable_list = [Alias.id, Alias.name]
    page_size = 25


class WardTextAdmin(ModelView, model=WardText):
    name, name_plural, icon, category = "案内文", "案内文", "fa-solid fa-comment", CATALOG
    column_list = [WardText.key, WardText.title, WardText.body]
    column_labels = {WardText.key: "キー", WardText.title: "内容", WardText.body: "本文"}
    column_formatters = {WardText.body: _short(60)}
    form_columns = [WardText.key, WardText.title, WardText.body]
    form_widget_args = {"body": {"rows": 8}}
    column_searchable_list = [WardText.key, WardText.title, WardText.body]
    page_size = 25


class AreaAdmin(NormalizedSearch, ModelView, model=Area):
    name, name_plural, icon, category = "地域", "地域", "fa-solid fa-map", AREAS
    column_list = [Area.id, Area.town, Area.chome, Area.remark, Area.schedules]
    column_labels = {
        Area.town: "町名",
        Area.town_reading: "町名のよみ",
        Area.chome: "丁目（例：[1, 2]、空は全域）",
        Area.remark: "備考",
        Area.schedules: "収集日",
    }
    form_excluded_columns = [Area.schedules]
    column_searchable_list = [Area.town, Area.town_reading]
    column_sortable_list = [Area.id, Area.town]
    page_size = 25


class ScheduleAdmin(ModelView, model=Schedule):
    name, name_plural, icon, category = "収集日", "収集日", "fa-solid fa-calendar", AREAS
    column_labels = {
        Schedule.area: "地域",
        Schedule.category: "種別",
        Schedule.weekdays: "曜日（0=月曜日…6=日曜日）",
        Schedule.nth_weeks: "第何週（空は毎週）",
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


class UnansweredAdmin(NormalizedSearch, ModelView, model=UnansweredQuestion):
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
        UnansweredQuestion.count,
        UnansweredQuestion.first_seen,
        UnansweredQuestion.last_seen,
    ]
    column_labels = {
        UnansweredQuestion.text: "質問",
        UnansweredQuestion.normalized: "正規化した質問",
        UnansweredQuestion.count: "回数",
        UnansweredQuestion.first_seen: "最初",
        UnansweredQuestion.last_seen: "最後",
    }
    column_formatters = {
        UnansweredQuestion.text: lambda m, a: Markup('<a href="../resolve/{}">{}</a>').format(
            m.id, m.text
        )
    }
    column_searchable_list = [UnansweredQuestion.text, UnansweredQuestion.normalized]
    column_sortable_list = [UnansweredQuestion.count, UnansweredQuestion.last_seen]
    column_default_sort = [(UnansweredQuestion.count, True)]
    page_size = 25


class AuditLogAdmin(NormalizedSearch, ModelView, model=AuditLog):
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
    column_formatters = {AuditLog.changes: lambda m, a: _changes(m.changes)}
    column_formatters_detail = {AuditLog.changes: lambda m, a: _changes(m.changes)}
    column_searchable_list = [AuditLog.summary, AuditLog.actor]
    column_filters = [
        AllUniqueStringValuesFilter(AuditLog.table, title="表"),
        AllUniqueStringValuesFilter(AuditLog.actor, title="変更した人"),
        AllUniqueStringValuesFilter(AuditLog.action, title="操作"),
    ]
    column_sortable_list = [AuditLog.at, AuditLog.actor, AuditLog.table]
    column_default_sort = [(AuditLog.at, True)]
    page_size = 50


def _changes(changes: dict[str, list[Any]] | None) -> str:
    return "、".join(f"{field}: {old!r} → {new!r}" for field, (old, new) in (changes or {}).items())


class StaffUserAdmin(ModelView, model=StaffUser):
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
        "new_password": "新しいパスワード",
    }
    form_columns = [StaffUser.username, StaffUser.role, StaffUser.active]
    form_args = {
        "role": {
            "description": "viewer＝閲覧のみ、editor＝品目などの編集、admin＝アカウント管理も",
        }
    }
    form_overrides = {}
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
            raise AccountError("役割は viewer・editor・admin のどれかです。")
        if password:
            model.password_hash = hash_password(password)
        elif is_created:
            raise AccountError("新しいアカウントにはパスワードが必要です。")


class StaffTokenAdmin(ModelView, model=StaffToken):
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
    column_details_exclude_list = [StaffToken.token_hash]


VIEWS = [
    ItemAdmin,
    AliasAdmin,
    CategoryAdmin,
    WardTextAdmin,
    AreaAdmin,
    ScheduleAdmin,
    UnansweredAdmin,
    AuditLogAdmin,
    StaffUserAdmin,
    StaffTokenAdmin,
]
