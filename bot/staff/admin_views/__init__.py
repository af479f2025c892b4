"""The tables staff edit in /admin, labelled in Japanese: one module per family of tables,
and :mod:`.shared` for what they all do the same way.

Every write goes through the audited sessions (``bot.staff.audit``): the audit row and the
bot's reload happen there, not here, so a view cannot forget them.
"""

from __future__ import annotations

from bot.staff.admin_views.accounts import AuditLogAdmin, StaffTokenAdmin, StaffUserAdmin
from bot.staff.admin_views.aliases import AliasAdmin
from bot.staff.admin_views.areas import AreaAdmin, ScheduleAdmin
from bot.staff.admin_views.items import CategoryAdmin, ItemAdmin
from bot.staff.admin_views.notices import NoticeAdmin
from bot.staff.admin_views.reminders import ReminderSettingsAdmin
from bot.staff.admin_views.shared import tokyo_time
from bot.staff.admin_views.texts import WardTextAdmin
from bot.staff.admin_views.translations import TranslationAdmin
from bot.staff.admin_views.unanswered import UnansweredAdmin

#: The tables in the order the admin's menu lists them.
VIEWS = [
    ItemAdmin,
    AliasAdmin,
    CategoryAdmin,
    WardTextAdmin,
    TranslationAdmin,
    AreaAdmin,
    ScheduleAdmin,
    NoticeAdmin,
    UnansweredAdmin,
    ReminderSettingsAdmin,
    AuditLogAdmin,
    StaffUserAdmin,
    StaffTokenAdmin,
]

__all__ = ["VIEWS", "tokyo_time"]
