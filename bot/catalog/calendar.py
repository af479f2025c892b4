"""Collection dates from weekday rules: the next 燃やすごみ day, what goes out tomorrow.

All dates are in Asia/Tokyo. Public holidays are collected as usual; nothing is collected
from 12/31 to 1/3 (ward rule, ``data/nakano/ward_info.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAY_SHORT = "月火水木金土日"
#: How far ahead to look for a date; the longest gap (year end + a 2nd/4th rule) is ~5 weeks.
HORIZON_DAYS = 62


def today_in_tokyo(fixed: date | None = None) -> date:
    """Today in Tokyo, or ``fixed`` when the clock is frozen (tests, demos)."""
    return fixed or datetime.now(TOKYO).date()


def is_year_end_break(day: date) -> bool:
    return (day.month, day.day) >= (12, 31) or (day.month, day.day) <= (1, 3)


def week_of_month(day: date) -> int:
    """Which occurrence of its weekday in the month: the 2nd Saturday → 2."""
    return (day.day - 1) // 7 + 1


def is_collection_day(day: date, weekdays: list[int], nth_weeks: list[int]) -> bool:
    if is_year_end_break(day) or day.weekday() not in weekdays:
        return False
    return not nth_weeks or week_of_month(day) in nth_weeks


def collection_dates(
    start: date, end: date, weekdays: list[int], nth_weeks: list[int]
) -> Iterator[date]:
    """Every collection day of one rule from ``start`` up to, not including, ``end``,
    judged as the answers judge a day (year-end break and week numbers included)."""
    for offset in range((end - start).days):
        day = start + timedelta(days=offset)
        if is_collection_day(day, weekdays, nth_weeks):
            yield day


def next_collection(
    start: date, weekdays: list[int], nth_weeks: list[int], *, include_start: bool = True
) -> date | None:
    """The first collection day on or after ``start`` (after it, without ``include_start``)."""
    first = start if include_start else start + timedelta(days=1)
    for offset in range(HORIZON_DAYS):
        day = first + timedelta(days=offset)
        if is_collection_day(day, weekdays, nth_weeks):
            return day
    return None


def japanese_date(day: date) -> str:
    """「12月2日（火）」."""
    return f"{day.month}月{day.day}日（{WEEKDAY_SHORT[day.weekday()]}）"
