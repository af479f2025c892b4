"""Taking each LINE webhook event in at most once.

LINE redelivers events it believes were missed (``deliveryContext.isRedelivery``), and an
operator may turn redelivery on in the console. An event whose ``webhookEventId`` is already
in the database is dropped, whatever its redelivery flag says: the flag only tells that LINE
tried before, not that this bot answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from linebot.v3.webhooks import Event
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import LineSeenEvent, utcnow


def claim_new(
    sessions: sessionmaker[Session], events: Sequence[Event], keep_days: int
) -> list[Event]:
    """The events never taken in before, now remembered; ids older than ``keep_days`` are
    forgotten on the way (LINE stops redelivering long before that)."""
    with sessions() as session:
        session.execute(
            delete(LineSeenEvent).where(LineSeenEvent.seen_at < utcnow() - timedelta(keep_days))
        )
        session.commit()
        return [event for event in events if _remember(session, _event_id(event))]


def _remember(session: Session, event_id: str | None) -> bool:
    """Record one id; False if it was recorded before (by this request, an earlier one, a
    concurrent redelivery or another replica), so that only one of them answers."""
    if event_id is None:  # an event type this SDK does not know; nothing to answer anyway
        return True
    try:
        session.execute(insert(LineSeenEvent).values(webhook_event_id=event_id, seen_at=utcnow()))
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _event_id(event: Event) -> str | None:
    return getattr(event, "webhook_event_id", None)
