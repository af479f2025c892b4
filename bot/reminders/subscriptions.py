"""Who asked to be reminded, and of what: written by the conversation (the actions) and by
the LINE channel (unfollow, follow), read by the sender.

Each function commits what it changes. What is kept is only what the reminder needs: the
LINE user id, the area, the categories chosen and the language; 「通知を解除」 deletes it,
and so does blocking the account, which also takes the user id off the reminders already
sent (they stay, without it, in the staff's figures).
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.catalog.models import ReminderDelivery, ReminderSubscription, utcnow


def subscription_of(session: Session, line_user_id: str) -> ReminderSubscription | None:
    return session.get(ReminderSubscription, line_user_id)


def subscribe(
    session: Session,
    line_user_id: str,
    area_id: int,
    category_ids: list[int],
    language: str,
) -> ReminderSubscription:
    """Remind ``line_user_id`` of ``category_ids`` (none: all) in the area, in ``language``:
    a new subscription, or the resident's one changed. Asking again also ends a block
    recorded when LINE refused a push: the resident is plainly reachable again."""
    for _ in range(2):  # a second message of the same resident may insert it first
        row = session.get(ReminderSubscription, line_user_id)
        if row is None:
            row = ReminderSubscription(line_user_id=line_user_id)
            session.add(row)
        row.area_id, row.category_ids, row.language = area_id, sorted(category_ids), language
        row.blocked_at = None
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return row
    raise RuntimeError(f"could not store the subscription of {line_user_id}")


def unsubscribe(session: Session, line_user_id: str) -> bool:
    """Stop the reminders of ``line_user_id``; whether there were any."""
    deleted = session.execute(
        delete(ReminderSubscription).where(ReminderSubscription.line_user_id == line_user_id)
    ).rowcount
    session.commit()
    return bool(deleted)


def forget(session: Session, line_user_id: str) -> None:
    """The resident blocked the account (LINE's unfollow event): their subscription goes,
    and their user id leaves the reminders sent to them."""
    session.execute(
        delete(ReminderSubscription).where(ReminderSubscription.line_user_id == line_user_id)
    )
    session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.line_user_id == line_user_id)
        .values(line_user_id=None)
    )
    session.commit()


def mark_blocked(session: Session, line_user_id: str) -> None:
    """LINE refused a push as to a user who blocked the account: skip them from now on."""
    session.execute(
        update(ReminderSubscription)
        .where(ReminderSubscription.line_user_id == line_user_id)
        .values(blocked_at=utcnow())
    )
    session.commit()


def unblock(session: Session, line_user_id: str) -> None:
    """The resident followed the account again: a subscription kept while blocked
    (LINE's unfollow never came) is used again."""
    session.execute(
        update(ReminderSubscription)
        .where(
            ReminderSubscription.line_user_id == line_user_id,
            ReminderSubscription.blocked_at.is_not(None),
        )
        .values(blocked_at=None)
    )
    session.commit()
