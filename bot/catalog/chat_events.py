"""What became of each resident message, counted for the staff's monthly figures.

The action server records one :class:`ChatEvent` per message it answers, at the point the
answer is decided. Only the outcome and, for an item answer, the item's catalog name are
kept: no sender id and no message text (the question itself is kept only when it could
not be answered, in :mod:`bot.catalog.unanswered`).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.catalog.models import ChatEvent

logger = logging.getLogger(__name__)

#: An item question answered with a category (``item_name`` says which item).
ANSWERED = "answered"
#: An item whose variants differ in category: the resident was asked which one.
ASKED_BACK = "asked_back"
#: An item not in the ward's list (the question is also in the unanswered questions).
NOT_FOUND = "not_found"
#: Collection days, areas and the bulky-waste procedure.
SCHEDULE = "schedule"
#: A general question answered from a knowledge entry, or a category described.
GENERAL = "general"
#: A follow-up answered from what was said before: 「それっていつ？」, 「割れてます」, the
#: last topic's phone number (``item_name`` says which item, where it was one).
FOLLOW_UP = "follow_up"
#: Greetings, thanks, help, "are you a bot", and the fallback for anything out of scope.
OTHER = "other"
OUTCOMES = (ANSWERED, ASKED_BACK, NOT_FOUND, SCHEDULE, GENERAL, FOLLOW_UP, OTHER)

_NAME_LENGTH = ChatEvent.__table__.c.item_name.type.length


def record_chat_event(
    session: Session, outcome: str, item_name: str | None = None, *, language: str = "ja"
) -> bool:
    """Add one event and commit; ``False`` if the database refused it.

    A failure is logged and rolled back, never raised: a resident's answer must not be lost
    to a statistics table. An unknown ``outcome`` is a programming error and raises.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    name = item_name[:_NAME_LENGTH] if item_name else None
    try:
        session.add(ChatEvent(outcome=outcome, item_name=name, language=language))
        session.commit()
    except SQLAlchemyError:
        logger.exception("could not record a chat event (%s); the answer goes out anyway", outcome)
        try:
            session.rollback()
        except SQLAlchemyError:
            logger.exception("rollback after a failed chat event failed too")
        return False
    return True
