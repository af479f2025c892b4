"""Staff accounts, API tokens and the audit log (変更履歴), in the clerk's words."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqladmin.filters import (
    AllUniqueStringValuesFilter,
    StaticValuesFilter,
)
from starlette.requests import Request
from wtforms import PasswordField, SelectField
from wtforms.validators import Optional

from bot.catalog.models import (
    AuditLog,
    StaffToken,
    StaffUser,
)
from bot.staff.accounts import MIN_PASSWORD_LENGTH, AccountError, Role, hash_password
from bot.staff.admin_views.shared import (
    ADMINISTRATION,
    NormalizedSearch,
    StaffView,
    tokyo_time,
    yes_no,
)

ROLE_CHOICES = [
    (Role.VIEWER.value, "閲覧のみ（viewer）"),
    (Role.EDITOR.value, "品目などの編集（editor）"),
    (Role.ADMIN.value, "編集とアカウント管理（admin）"),
]


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
    "reminder_settings": "LINE通知の設定",
}
AUDIT_FIELDS = {
    "id": "番号",
    "send_time": "送る時刻",
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
    "resource": "資源",
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
        return yes_no(value)
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
