"""Who is reminded of what for one collection date, and the words of the reminder.

The collections come from :func:`bot.catalog.notices.collections_with_notices`, which the
answers and the calendar feed ask too: the weekday rules (nothing from 12/31 to 1/3,
第2・第4 week numbers) with the staff notices applied. So no reminder goes out for a day a
notice cancelled, one goes out for the day a notice moved a collection to (saying from
which day), and a notice's text for that day is said with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Area, ReminderSubscription
from bot.catalog.notices import Collection, CollectionNotice, collections_with_notices, load_notices
from bot.i18n.voice import Voice

ONE_DAY = timedelta(days=1)
#: The word of ``day_words`` (replies.yml) for tomorrow: 「明日」.
TOMORROW = 1


@dataclass(frozen=True)
class DueReminder:
    """One subscriber's reminder for a date: their categories collected then."""

    line_user_id: str
    area: Area
    collections: list[Collection]
    language: str
    #: LINE refused an earlier push as to a user who blocked the account.
    blocked: bool


def collected_on(
    area: Area,
    day: date,
    notices: Sequence[CollectionNotice],
    category_ids: Sequence[int] = (),
) -> list[Collection]:
    """The collections in ``area`` on ``day`` (of ``category_ids`` only, when given), in
    the order answers list categories."""
    wanted = [s.category.name for s in area.schedules if s.category_id in category_ids]
    if category_ids and not wanted:  # the ones chosen are no longer collected there
        return []
    return collections_with_notices(area, day, day + ONE_DAY, notices, wanted or None)


def due_on(session: Session, day: date) -> list[DueReminder]:
    """Every subscriber with a chosen category collected in their area on ``day``."""
    notices = load_notices(session)
    due = []
    for row in session.scalars(select(ReminderSubscription)):
        collections = collected_on(row.area, day, notices, row.category_ids)
        if collections:
            blocked = row.blocked_at is not None
            due.append(DueReminder(row.line_user_id, row.area, collections, row.language, blocked))
    return due


def reminder_text(
    voice: Voice, area: Area, day: date, collections: list[Collection], today: date
) -> str:
    """「明日（12月8日（火））は、野方3丁目の「燃やすごみ」の収集日です。…」, in ``voice``'s
    language, then what notices say of that day and how to stop the reminders. The day is
    「明日」 when it is tomorrow (the usual evening-before push), else its date alone."""
    label = voice.date(day)
    if day - today == ONE_DAY:
        label = voice.say("day_label", word=voice.words("day_words")[TOMORROW], date=label)
    place = voice.area(area.town, area.chome, area.whole_town)
    categories = voice.categories([c.category for c in collections])
    lines = [voice.say("reminder_push", label=label, area=place, categories=categories)]
    moved = dict.fromkeys(c.moved_from for c in collections if c.moved_from is not None)
    lines += [voice.say("calendar_moved", date=voice.date(was)) for was in moved]
    told = {n.id: n for c in collections for n in c.notices if n.text.strip()}
    lines += [voice.notice_text(n.id, n.text) for n in told.values()]
    lines.append(voice.say("reminder_stop_hint"))
    return "\n".join(lines)
