"""What staff do to the catalog, shared by the admin UI, the staff API and the CLI.

Each function changes rows in the session it is given and leaves committing to the caller,
so a caller can do several in one transaction. Give it a session from
:func:`bot.staff.audit.staff_sessionmaker`: the audit rows and the catalog revision bump
(which makes the bot answer from the new data on the next message) then come with the
commit, inside :func:`bot.staff.audit.acting_as` for who did it.

A request that cannot be done raises :class:`OperationError` (or :class:`NotFoundError`,
:class:`ConflictError`) with a Japanese message that can be shown to staff as it is.

One private module per resource, as the staff API has one route module per resource:
``_items``, ``_aliases``, ``_unanswered``, ``_texts``, ``_categories``, ``_schedules``,
``_notices``, ``_accounts``; the errors in ``_errors``, the checks several share (column
lengths, a name, a link) in ``_checks``. Every name is re-exported here, so callers write
``from bot.staff import operations as ops`` and ``ops.create_item(...)``.
"""

from bot.staff.operations._accounts import ensure_first_admin, issue_token
from bot.staff.operations._aliases import (
    add_alias,
    check_language,
    delete_alias,
    get_alias,
    mark_aliases_reviewed,
    update_alias,
)
from bot.staff.operations._categories import (
    CATEGORY_FIELDS,
    MAX_SORT_ORDER,
    get_category,
    update_category,
)
from bot.staff.operations._checks import (
    MAX_CATEGORY_NAME,
    MAX_NAME,
    MAX_NOTICE_TEXT,
    MAX_READING,
    MAX_TEXT_KEY,
    MAX_TITLE,
    MAX_TOKEN_NAME,
    MAX_URL,
    check_url,
)
from bot.staff.operations._errors import ConflictError, NotFoundError, OperationError
from bot.staff.operations._items import (
    ITEM_FIELDS,
    create_item,
    delete_item,
    get_item,
    suggest_reading,
    update_item,
)
from bot.staff.operations._notices import (
    NOTICE_FIELDS,
    NOTICE_YEARS,
    areas_named,
    categories_named,
    check_notice,
    create_notice,
    delete_notice,
    get_notice,
    update_notice,
)
from bot.staff.operations._schedules import ScheduleChange, schedule_text, set_schedules
from bot.staff.operations._texts import create_text, get_text, update_text
from bot.staff.operations._unanswered import (
    alias_from_unanswered,
    dismiss_unanswered,
    example_from_unanswered,
    get_question,
    item_from_unanswered,
)

__all__ = [
    "CATEGORY_FIELDS",
    "ITEM_FIELDS",
    "MAX_CATEGORY_NAME",
    "MAX_NAME",
    "MAX_NOTICE_TEXT",
    "MAX_READING",
    "MAX_SORT_ORDER",
    "MAX_TEXT_KEY",
    "MAX_TITLE",
    "MAX_TOKEN_NAME",
    "MAX_URL",
    "NOTICE_FIELDS",
    "NOTICE_YEARS",
    "ConflictError",
    "NotFoundError",
    "OperationError",
    "ScheduleChange",
    "add_alias",
    "alias_from_unanswered",
    "areas_named",
    "categories_named",
    "check_language",
    "check_notice",
    "check_url",
    "create_item",
    "create_notice",
    "create_text",
    "delete_alias",
    "delete_item",
    "delete_notice",
    "dismiss_unanswered",
    "ensure_first_admin",
    "example_from_unanswered",
    "get_alias",
    "get_category",
    "get_item",
    "get_notice",
    "get_question",
    "get_text",
    "issue_token",
    "item_from_unanswered",
    "mark_aliases_reviewed",
    "schedule_text",
    "set_schedules",
    "suggest_reading",
    "update_alias",
    "update_category",
    "update_item",
    "update_notice",
    "update_text",
]
