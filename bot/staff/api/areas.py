"""``/api/staff/categories`` and ``/api/staff/areas``: the 種別 and each area's
collection days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from bot.catalog.models import Area, Category, Item
from bot.japanese import match_key
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, RowId, Viewer, reading, writing
from bot.staff.api.schemas import INVALID, NOT_FOUND, AreaOut, CategoryOut, SchedulesPatch

router = APIRouter()


@router.get("/categories", response_model=list[CategoryOut], summary="List categories")
def list_categories(request: Request, _caller: Viewer) -> list[CategoryOut]:
    counts = (
        select(Category, func.count(Item.id))
        .outerjoin(Item, Item.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.id)
    )
    with reading(request) as session:
        return [
            CategoryOut(id=c.id, name=c.name, guidance_key=c.guidance_key, item_count=n)
            for c, n in session.execute(counts).tuples()
        ]


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
