"""Questions the bot could not answer, counted for staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import UnansweredQuestion, utcnow
from bot.catalog.privacy import mask_personal
from bot.japanese import normalize

MAX_LENGTH = 500


def record_unanswered(session: Session, text: str, language: str = "ja") -> None:
    """Count ``text`` (written in ``language``) once more and commit; the same question in
    other widths or case counts as one. Phone numbers, e-mail and house numbers are masked
    first."""
    text = mask_personal(text)
    normalized = normalize(text)[:MAX_LENGTH]
    if not normalized:
        return
    row = session.scalar(
        select(UnansweredQuestion).where(UnansweredQuestion.normalized == normalized)
    )
    if row is None:
        session.add(
            UnansweredQuestion(text=text[:MAX_LENGTH], normalized=normalized, language=language)
        )
    else:
        row.count += 1
        row.last_seen = utcnow()
        row.language = language
    session.commit()
