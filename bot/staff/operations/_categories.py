"""The categories (種別): their names as answers say them, order, description and
whether 「資源」 names them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Category
from bot.staff.operations._checks import MAX_CATEGORY_NAME, clean_name
from bot.staff.operations._errors import ConflictError, OperationError, existing


def get_category(session: Session, category_id: int) -> Category:
    return existing(session, Category, category_id, f"種別 {category_id} はありません。")


#: The fields :func:`update_category` changes.
CATEGORY_FIELDS = ("name", "sort_order", "description", "resource")
#: The largest order a category may be given (orders are small numbers: 1, 2, 3 …).
MAX_SORT_ORDER = 10_000


def update_category(session: Session, category_id: int, **changes: Any) -> Category:
    """Change the given fields of a category (any of :data:`CATEGORY_FIELDS`). Its name is
    said in answers as it is; its order places it when several are listed; ``resource``
    makes 「資源」 name it. Whether it is collected on set days is given by the collection
    days (:func:`set_schedules`), not here."""
    unknown = set(changes) - set(CATEGORY_FIELDS)
    if unknown:
        raise OperationError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    category = get_category(session, category_id)
    if "name" in changes:
        name = clean_name(changes["name"], "種別名")
        if len(name) > MAX_CATEGORY_NAME:
            raise OperationError(f"種別名は{MAX_CATEGORY_NAME}文字以内にしてください。")
        taken = select(Category.id).where(Category.name == name, Category.id != category.id)
        if session.scalar(taken) is not None:
            raise ConflictError(f"種別「{name}」はすでにあります。")
        category.name = name
    if "sort_order" in changes:
        order = changes["sort_order"]
        if isinstance(order, bool) or not isinstance(order, int):
            raise OperationError("並び順は整数で指定してください。")
        if not 0 <= order <= MAX_SORT_ORDER:
            raise OperationError(f"並び順は 0 から {MAX_SORT_ORDER} で指定してください。")
        category.sort_order = order
    if "description" in changes:
        category.description = (changes["description"] or "").strip()
    if "resource" in changes:
        if not isinstance(changes["resource"], bool):
            raise OperationError("資源かどうかは true か false で指定してください。")
        category.resource = changes["resource"]
    session.flush()
    return category
