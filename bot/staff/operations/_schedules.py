"""The collection days of an area, set per category in the ward's own notation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.catalog.importer import WEEKDAYS, parse_schedule_rule
from bot.catalog.models import Area, Schedule
from bot.staff.operations._categories import get_category
from bot.staff.operations._errors import NotFoundError, OperationError


@dataclass(frozen=True)
class ScheduleChange:
    """The new rule for one category in one area; no ``weekdays`` removes it."""

    category_id: int
    weekdays: tuple[int, ...] = ()
    #: Week numbers (1–5) for rules like 第2・第4土曜日; empty is every week.
    nth_weeks: tuple[int, ...] = ()


def schedule_text(weekdays: Iterable[int], nth_weeks: Iterable[int] = ()) -> str:
    """A rule in the ward's notation: 「火曜日;金曜日」, 「第2;第4土曜日」."""
    days = ";".join(f"{WEEKDAYS[d]}曜日" for d in weekdays)
    weeks = ";".join(f"第{w}" for w in nth_weeks)
    return weeks + days


def set_schedules(session: Session, area_id: int, changes: Iterable[ScheduleChange]) -> Area:
    """Set the collection days of some categories in one area; other categories are kept."""
    area = session.get(Area, area_id)
    if area is None:
        raise NotFoundError(f"地域 {area_id} はありません。")
    current = {s.category_id: s for s in area.schedules}
    for change in changes:
        category = get_category(session, change.category_id)
        days = sorted(set(change.weekdays))
        weeks = sorted(set(change.nth_weeks))
        if any(not 0 <= d <= 6 for d in days):
            raise OperationError("曜日は 0（月曜日）から 6（日曜日）で指定してください。")
        if any(not 1 <= w <= 5 for w in weeks):
            raise OperationError("第何週かは 1 から 5 で指定してください。")
        schedule = current.get(category.id)
        if not days:
            if weeks:
                raise OperationError(f"「{category.name}」の曜日を指定してください。")
            if schedule is not None:
                area.schedules.remove(schedule)
            continue
        text = schedule_text(days, weeks)
        parse_schedule_rule(text)  # the notation the importer reads back
        if schedule is None:
            area.schedules.append(
                Schedule(category=category, weekdays=days, nth_weeks=weeks, source_text=text)
            )
        elif (schedule.weekdays, schedule.nth_weeks) != (days, weeks):
            schedule.weekdays, schedule.nth_weeks, schedule.source_text = days, weeks, text
    session.flush()
    return area
