"""Staff notices (お知らせ) applied to the collection days: the one place that says which days
an area really has each category collected.

The weekday rules (:mod:`bot.catalog.calendar`) say when collection normally is; a notice
staff write says what differs on some days: no collection (a typhoon), collection on
another day (moved), or only something residents should know. Every answer that gives a
date, the calendar feed and the LINE reminders ask :func:`collections_with_notices`, so
that a cancelled day is cancelled everywhere at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.calendar import WEEKDAY_SHORT, collection_dates
from bot.catalog.models import Area, Notice

#: How far ahead an answer about weekdays (not dates) tells the notices: about a month,
#: the time a resident plans their garbage for.
NOTICE_AHEAD = timedelta(days=31)


class NoticeKind(StrEnum):
    """What a notice does to the collections of its days."""

    #: No collection on those days.
    CANCELLED = "cancelled"
    #: The collections of those days are made on ``moved_to`` instead.
    MOVED = "moved"
    #: Collection as usual; the text is something to know.
    INFO = "info"


#: The kinds as staff read them (admin, CLI, staff API).
NOTICE_KIND_NAMES = {
    NoticeKind.CANCELLED: "収集なし",
    NoticeKind.MOVED: "別の日に振替",
    NoticeKind.INFO: "お知らせのみ",
}


def staff_date(day: date) -> str:
    """「2026年12月25日（金）」: a date as staff read it, with its year (a notice may be
    written months ahead)."""
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAY_SHORT[day.weekday()]}）"


def notice_label(notice: Notice) -> str:
    """「2026年12月25日（金） 収集なし」, 「2026年12月28日（月）〜2027年1月4日（月） お知らせ
    のみ」, 「2026年12月29日（火） 別の日に振替（2026年12月30日（水）へ）」: a notice as
    staff name it (:func:`bot.staff.audit.label`)."""
    days = staff_date(notice.starts_on)
    if notice.ends_on != notice.starts_on:
        days += f"〜{staff_date(notice.ends_on)}"
    name = NOTICE_KIND_NAMES.get(notice.kind, notice.kind)
    moved = notice.moved_to if notice.kind == NoticeKind.MOVED else None
    return f"{days} {name}" + (f"（{staff_date(moved)}へ）" if moved else "")


@dataclass(frozen=True)
class CollectionNotice:
    """A notice as the answers use it: detached from the database, categories by name."""

    id: int
    kind: NoticeKind
    starts_on: date
    ends_on: date
    moved_to: date | None
    all_areas: bool
    area_ids: frozenset[int]
    #: Empty: every category.
    categories: frozenset[str]
    text: str

    @classmethod
    def of(cls, row: Notice) -> CollectionNotice:
        return cls(
            id=row.id,
            kind=NoticeKind(row.kind),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            moved_to=row.moved_to,
            all_areas=row.all_areas,
            area_ids=frozenset(a.id for a in row.areas),
            categories=frozenset(c.name for c in row.categories),
            text=row.text,
        )

    def names_area(self, area_id: int) -> bool:
        return self.all_areas or area_id in self.area_ids

    def names_category(self, category: str) -> bool:
        return not self.categories or category in self.categories

    def on(self, day: date) -> bool:
        """Whether ``day`` is one of the days it is about."""
        return self.starts_on <= day <= self.ends_on

    def touches(self, start: date, end: date) -> bool:
        """Whether one of its days, or the day it moves collection to, is from ``start``
        up to (not including) ``end``."""
        moved_in = self.moved_to is not None and start <= self.moved_to < end
        return moved_in or (self.starts_on < end and self.ends_on >= start)


@dataclass(frozen=True)
class Collection:
    """One category collected in one area on one day."""

    day: date
    category: str
    #: The day the weekday rule gave, when a notice moved the collection to ``day``.
    moved_from: date | None = None
    #: The notices about this collection (the one that moved it, those for information).
    notices: tuple[CollectionNotice, ...] = ()


def load_notices(session: Session) -> list[CollectionNotice]:
    """Every notice, by its first day."""
    rows = session.scalars(select(Notice).order_by(Notice.starts_on, Notice.id))
    return [CollectionNotice.of(row) for row in rows]


def collections_with_notices(
    area: Area,
    start: date,
    end: date,
    notices: Sequence[CollectionNotice],
    categories: Iterable[str] | None = None,
) -> list[Collection]:
    """Which days ``area`` has each of ``categories`` (default: all it has) collected, from
    ``start`` up to (not including) ``end``, with staff notices applied.

    The weekday rules give the days (no collection from 12/31 to 1/3); then a notice
    cancelling a day takes its collection away, a notice moving a day puts its collection
    on the new day (also one moved here from a day before ``start``, and none moved from
    here to a day after ``end``), and a notice for information rides along with the
    collections of its days. Cancelling wins over moving when both name a day. Collections
    come by day, and on one day in the order answers list categories.

    The chat answers, the calendar feed and the LINE reminders all ask this, so that a
    cancelled day is cancelled everywhere at once.
    """
    wanted = None if categories is None else set(categories)
    schedules = sorted(
        (s for s in area.schedules if wanted is None or s.category.name in wanted),
        key=lambda s: (s.category.sort_order, s.category.name),
    )
    here = [n for n in notices if n.names_area(area.id)]
    found: dict[tuple[date, str], Collection] = {}
    for schedule in schedules:
        name = schedule.category.name
        relevant = [n for n in here if n.names_category(name)]
        days = set(collection_dates(start, end, schedule.weekdays, schedule.nth_weeks))
        for notice in relevant:
            if notice.kind is NoticeKind.MOVED and notice.touches(start, end):
                after = notice.ends_on + timedelta(days=1)
                days.update(
                    collection_dates(notice.starts_on, after, schedule.weekdays, schedule.nth_weeks)
                )
        for day in sorted(days):
            collection = _applied(day, name, relevant)
            if collection is not None and start <= collection.day < end:
                # A day moved onto another of the same category's days is one collection.
                found.setdefault((collection.day, name), collection)
    return sorted(found.values(), key=lambda c: c.day)


def _applied(day: date, category: str, notices: Sequence[CollectionNotice]) -> Collection | None:
    """The collection a weekday rule gives on ``day``, after the notices about it: none,
    the same on another day, or the same with what to know."""
    on_day = [n for n in notices if n.on(day)]
    if any(n.kind is NoticeKind.CANCELLED for n in on_day):
        return None
    moved = next((n for n in on_day if n.kind is NoticeKind.MOVED and n.moved_to is not None), None)
    final = moved.moved_to if moved is not None and moved.moved_to is not None else day
    told = [n for n in notices if n.kind is NoticeKind.INFO and n.on(final)]
    if moved is None:
        return Collection(final, category, notices=tuple(told))
    return Collection(final, category, moved_from=day, notices=(moved, *told))


def notices_for(
    area: Area,
    categories: Iterable[str],
    start: date,
    end: date,
    notices: Sequence[CollectionNotice],
) -> list[CollectionNotice]:
    """The notices an answer about ``categories`` in ``area`` from ``start`` up to (not
    including) ``end`` tells: those naming the area and one of the categories, whose days
    or new day fall in that time."""
    names = list(categories)
    return [
        n
        for n in notices
        if n.names_area(area.id)
        and any(n.names_category(c) for c in names)
        and n.touches(start, end)
    ]
