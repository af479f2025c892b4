"""Areas and their collection days (地域・収集日)."""

from __future__ import annotations

from bot.catalog.models import (
    Area,
    Schedule,
)
from bot.staff.admin_views.shared import (
    AREAS,
    NormalizedSearch,
    StaffView,
)


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
