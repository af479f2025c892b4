"""``/api/staff/categories`` and ``/api/staff/areas``: the 種別 and each area's
collection days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalog.models import Area, Category, Item, Schedule
from bot.japanese import match_key
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, RowId, Viewer, changes_of, reading, writing
from bot.staff.api.schemas import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    AreaOut,
    CategoryOut,
    CategoryPatch,
    SchedulesPatch,
)

router = APIRouter()


def _category_out(session: Session, category: Category) -> CategoryOut:
    items = select(func.count(Item.id)).where(Item.category_id == category.id)
    days = select(Schedule.id).where(Schedule.category_id == category.id).limit(1)
    collected = session.scalar(days) is not None
    return CategoryOut.from_row(category, session.scalar(items) or 0, collected)


@router.get("/categories", response_model=list[CategoryOut], summary="List categories")
def list_categories(request: Request, _caller: Viewer) -> list[CategoryOut]:
    counts = (
        select(Category, func.count(Item.id))
        .outerjoin(Item, Item.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.id)
    )
    with reading(request) as session:
        scheduled = set(session.scalars(select(Schedule.category_id).distinct()))
        return [
            CategoryOut.from_row(c, n, c.id in scheduled)
            for c, n in session.execute(counts).tuples()
        ]


@router.patch(
    "/categories/{category_id}",
    response_model=CategoryOut,
    summary="Change fields of a category",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def update_category(
    request: Request, caller: Editor, category_id: RowId, body: CategoryPatch
) -> CategoryOut:
    """Only the fields sent are changed; the bot answers with them from the next message
    on. Whether a category is collected on set days is set by its collection days."""
    changes = changes_of(body, required=("name", "sort_order", "resource"))
    with writing(request, caller) as session:
        return _category_out(session, ops.update_category(session, category_id, **changes))


@router.get("/areas", response_model=list[AreaOut], summary="List areas with their collection days")
def list_areas(
    request: Request,
    _caller: Viewer,
    town: Annotated[str | None, Query(description="Only this town (町名), in any script")] = None,
) -> list[AreaOut]:
    query = select(Area).order_by(Area.source_row.is_(None), Area.source_row, Area.id)
    with reading(request) as session:
        areas = list(session.scalars(query))
        key = match_key(town or "")
        if key:
            areas = [a for a in areas if key in (match_key(a.town), match_key(a.town_reading))]
        return [AreaOut.from_row(a) for a in areas]


@router.patch(
    "/areas/{area_id}/schedules",
    response_model=AreaOut,
    summary="Set collection days of an area",
    responses={**NOT_FOUND, **INVALID},
)
def update_schedules(
    request: Request, caller: Editor, area_id: RowId, body: SchedulesPatch
) -> AreaOut:
    """Set the weekdays of the categories listed; others are kept. Empty `weekdays`
    removes the category from this area."""
    changes = [
        ops.ScheduleChange(s.category_id, tuple(s.weekdays), tuple(s.nth_weeks))
        for s in body.schedules
    ]
    with writing(request, caller) as session:
        return AreaOut.from_row(ops.set_schedules(session, area_id, changes))
