"""What is kept of residents' messages: personal details masked, and not kept for ever.

Only questions the bot could not answer are stored as text (for staff to fix the catalog),
and residents sometimes type their phone number, e-mail or full address into them. The
digits that identify a person or a house are masked before anything is written; the town
and 丁目 stay, since staff need them and they identify no one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.catalog.models import (
    ChatEvent,
    LineSeenEvent,
    ReminderDelivery,
    UnansweredQuestion,
    utcnow,
)

MASK = "＊＊＊"
_DASH = r"[-‐－ー−―]"
_PATTERNS = [
    # e-mail
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # phone numbers: 03-1234-5678, 090 1234 5678, 0312345678, (03)1234-5678, +81…
    re.compile(rf"(?:\+81|0)\(?\d{{1,4}}\)?(?:{_DASH}|\s)?\d{{1,4}}(?:{_DASH}|\s)?\d{{3,4}}"),
    # house numbers after a 丁目: 20番1号, 20番地1, 20-1
    re.compile(rf"(?<=丁目)\s*\d+(?:番地?|{_DASH})\s*\d*(?:号|{_DASH}\d+)?"),
    # block-house numbers: 4-20-1, 4-20
    re.compile(rf"\d+{_DASH}\d+(?:{_DASH}\d+)?"),
    # 20番1号, 20番地
    re.compile(r"\d+番地?\d*号?"),
]


def mask_personal(text: str) -> str:
    """``text`` (NFKC) with e-mail addresses, phone numbers and house numbers masked."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def purge_old(session: Session, keep_days: int) -> dict[str, int]:
    """Delete chat events, unanswered questions (by last seen), LINE event ids and the
    records of reminders sent older than ``keep_days``; the caller commits. Returns the
    rows deleted per table."""
    cutoff = utcnow() - timedelta(days=keep_days)
    deleted = {}
    for model, column in (
        (ChatEvent, ChatEvent.at),
        (UnansweredQuestion, UnansweredQuestion.last_seen),
        (LineSeenEvent, LineSeenEvent.seen_at),
        (ReminderDelivery, ReminderDelivery.claimed_at),
    ):
        result = session.execute(delete(model).where(column < cutoff))
        deleted[model.__tablename__] = result.rowcount or 0
    return deleted
