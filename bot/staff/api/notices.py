"""``/api/staff/notices``: staff notices (お知らせ) — collection cancelled or moved on some
days, or something to know — which every answer, the calendar feed and the reminders
apply from the next message on."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import or_, select

from bot.catalog.models import Notice, notice_areas
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, Paging, RowId, Viewer, reading, writing
from bot.staff.api.schemas import (
    INVALID,
    MAX_ID,
    NOT_FOUND,
    NoticeCreate,
    NoticeOut,
    NoticePage,
    NoticePatch,
)

router = APIRouter()


@router.get("/notices", response_model=NoticePage, summary="List notices")
def list_notices(
    request: Request,
    _caller: Viewer,
    paging: Paging,
    ending_from: Annotated[
        date | None,
        Query(description="Only notices whose last day is this day or later (today: current)"),
    ] = None,
    area_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Only notices for this area (or for every area)"),
    ] = None,
) -> NoticePage:
    """By their first day."""
    query = select(Notice).order_by(Notice.starts_on, Notice.id)
    if ending_from is not None:
        query = query.where(Notice.ends_on >= ending_from)
    if area_id is not None:
        named = select(notice_areas.c.notice_id).where(notice_areas.c.area_id == area_id)
        query = query.where(or_(Notice.all_areas, Notice.id.in_(named)))
    with reading(request) as session:
        return paging.page(NoticePage, list(session.scalars(query)), NoticeOut.from_row)


@router.get(
    "/notices/{notice_id}", response_model=NoticeOut, summary="Get a notice", responses=NOT_FOUND
)
def get_notice(request: Request, _caller: Viewer, notice_id: RowId) -> NoticeOut:
    with reading(request) as session:
        return NoticeOut.from_row(ops.get_notice(session, notice_id))


@router.post(
    "/notices",
    response_model=NoticeOut,
    status_code=201,
    summary="Add a notice",
    responses={**NOT_FOUND, **INVALID},
)
def create_notice(request: Request, caller: Editor, body: NoticeCreate) -> NoticeOut:
    """Applied from the next message on: a cancelled day leaves the answers and the
    calendar feed, a moved one is on its new day, and the answers say the text."""
    with writing(request, caller) as session:
        notice = ops.create_notice(
            session,
            body.kind.value,
            body.starts_on,
            body.ends_on or body.starts_on,
            body.text,
            moved_to=body.moved_to,
            all_areas=body.all_areas,
            area_ids=body.area_ids,
            category_ids=body.category_ids,
        )
        return NoticeOut.from_row(notice)


@router.patch(
    "/notices/{notice_id}",
    response_model=NoticeOut,
    summary="Change fields of a notice",
    responses={**NOT_FOUND, **INVALID},
)
def update_notice(
    request: Request, caller: Editor, notice_id: RowId, body: NoticePatch
) -> NoticeOut:
    """Only the fields sent change; the notice is checked whole afterwards."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        changes["kind"] = changes["kind"].value
    with writing(request, caller) as session:
        return NoticeOut.from_row(ops.update_notice(session, notice_id, **changes))


@router.delete(
    "/notices/{notice_id}", status_code=204, summary="Delete a notice", responses=NOT_FOUND
)
def delete_notice(request: Request, caller: Editor, notice_id: RowId) -> None:
    """Answers, the feed and reminders follow the weekday rules again on those days."""
    with writing(request, caller) as session:
        ops.delete_notice(session, notice_id)
