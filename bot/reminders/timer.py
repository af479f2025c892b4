"""When the reminders go out: at the time staff set (default 19:00 Tokyo), for tomorrow.

The app checks once a minute and, from that time on, sends tomorrow's reminders; a run
pushes only what no run pushed before (:mod:`bot.reminders.sender`), so the checks after
the first one send nothing, and several app workers checking at once send each reminder
once. ``nakano-bot reminders send --if-due`` makes the same check, for a cron job that
follows the time staff set.

Sending stays open for :data:`SEND_WINDOW` after that time, so an app started late (a
restart at 19:05) still sends, and a resident who subscribes at 20:00 is told about
tomorrow; later than that, no one is woken by a reminder in the night.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.calendar import TOKYO
from bot.catalog.models import DEFAULT_REMINDER_TIME, ReminderSettings

if TYPE_CHECKING:  # the conversation reads the time here without the LINE client
    from bot.reminders.sender import ReminderSender, SendReport

logger = logging.getLogger(__name__)

#: How long after the set time the day's reminders may still go out.
SEND_WINDOW = timedelta(hours=3)
CHECK_INTERVAL_SECONDS = 60


def send_time(session: Session) -> time:
    """The time staff set in /admin (LINE通知の設定), or the default."""
    row = session.get(ReminderSettings, 1)
    return row.send_time if row is not None else DEFAULT_REMINDER_TIME


def due_date(now: datetime, at: time) -> date | None:
    """The collection date whose reminders are due at ``now`` (Tokyo): tomorrow, from
    ``at`` until :data:`SEND_WINDOW` later (never past midnight); else ``None``."""
    start = datetime.combine(now.date(), at, TOKYO)
    end = min(start + SEND_WINDOW, datetime.combine(now.date() + timedelta(days=1), time(), TOKYO))
    return now.date() + timedelta(days=1) if start <= now < end else None


def tokyo_now(fixed_today: date | None = None) -> datetime:
    """Now in Tokyo; on ``fixed_today`` when the day is frozen (tests, demos), at the
    clock's time of day."""
    now = datetime.now(TOKYO)
    return datetime.combine(fixed_today, now.timetz()) if fixed_today else now


async def send_if_due(
    sender: ReminderSender, sessions: sessionmaker[Session], now: datetime
) -> SendReport | None:
    """Send the reminders due at ``now``, if any are; the run's report."""
    at = await asyncio.to_thread(_read_send_time, sessions)
    day = due_date(now, at)
    if day is None:
        return None
    return await sender.send(day)


def _read_send_time(sessions: sessionmaker[Session]) -> time:
    with sessions() as session:
        return send_time(session)


async def run_timer(
    sender: ReminderSender, sessions: sessionmaker[Session], fixed_today: date | None
) -> None:
    """Check once a minute, for as long as the app runs (cancelled when it stops)."""
    while True:
        try:
            report = await send_if_due(sender, sessions, tokyo_now(fixed_today))
            if report is not None and (report.sent or report.failed):
                logger.info("%s", report.summary())
        except Exception:  # the loop must outlive any one failure
            logger.exception("could not send the reminders; trying again in a minute")
        await asyncio.sleep(CHECK_INTERVAL_SECONDS)
