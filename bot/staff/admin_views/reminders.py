"""The LINE reminders' settings (LINE通知の設定): the time they go out.

One row, made by the migration: staff change it, never add or delete one. Who asked for
reminders is not shown here (a LINE user id says nothing to a clerk and is the resident's
own); the monthly page counts them per area.
"""

from __future__ import annotations

from bot.catalog.models import ReminderSettings
from bot.staff.admin_views.shared import RESIDENTS, StaffView


class ReminderSettingsAdmin(StaffView, model=ReminderSettings):
    name, name_plural, icon, category = (
        "LINE通知の設定",
        "LINE通知の設定",
        "fa-solid fa-bell",
        RESIDENTS,
    )
    can_create = False
    can_delete = False
    can_export = False
    column_list = [ReminderSettings.send_time]
    column_details_list = [ReminderSettings.send_time]
    column_labels = {ReminderSettings.send_time: "送る時刻（収集日の前の日・日本時間）"}
    column_formatters = {ReminderSettings.send_time: lambda m, a: f"{m.send_time:%H:%M}"}
    column_formatters_detail = column_formatters
    form_columns = [ReminderSettings.send_time]
    form_args = {
        "send_time": {
            "description": "収集日の前の日のこの時刻から、LINEで登録した住民に翌日の収集を"
            "お知らせします（初めは19:00）。変えると、その日の次の確認（1分以内）から使われます。"
            "夜遅すぎない時刻にしてください（この時刻から3時間のうちに送ります）。",
            "format": "%H:%M",
        }
    }
