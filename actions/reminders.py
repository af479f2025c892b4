"""LINE reminders in the conversation: asking for them, stopping them, asking what is stored.

Reminders are pushed to a LINE friend's one-to-one chat, so only there are they stored
(:mod:`bot.reminders.subscriptions`); the web chat and LINE groups are told where they can
be had. Asking for them (「通知を登録」「ごみの日の前の日に教えて」, or the button under a
schedule answer) uses the area the message names, else the conversation's, else the one
stored before; without any, the area is asked, and the request waits for it
(``pending_reminder``, kept after the confirmation too, so that the next message can change
the area or the categories). Categories named with the request (「陶器・ガラス・金属ごみだけ」,
or a button of the confirmation) are the only ones reminded of; none named, all of the
area's. The confirmation says the area, each category with its days, and the time staff
set; 「登録内容」 says what is stored; 「通知を解除」 deletes it.
"""

from __future__ import annotations

import json

from rasa_sdk.events import EventType, SlotSet
from sqlalchemy.orm import Session

from actions import replies
from actions.context import live_catalog, sessions
from actions.memory import AREA_SLOT, PENDING_REMINDER_SLOT, Context
from actions.reading import Reading
from actions.replies import CATEGORY_ENTITY, SUBSCRIBE_REMINDER_INTENT, Reply
from bot.catalog import chat_events
from bot.catalog.chat_events import record_chat_event
from bot.catalog.models import Area
from bot.i18n.detect import base_language
from bot.i18n.voice import Voice
from bot.line.conversation_ids import is_line, line_user_id
from bot.reminders.subscriptions import subscribe, subscription_of, unsubscribe
from bot.reminders.timer import send_time

UNSUBSCRIBE_REMINDER_INTENT = "unsubscribe_reminder"
SHOW_REMINDER_INTENT = "show_reminder"
#: The model's intents this module answers (data/rasa/reminders.yml).
REMINDER_INTENTS = frozenset(
    {SUBSCRIBE_REMINDER_INTENT, UNSUBSCRIBE_REMINDER_INTENT, SHOW_REMINDER_INTENT}
)


def answer(reading: Reading, context: Context, voice: Voice) -> tuple[list[Reply], list[EventType]]:
    """The replies to a message about reminders, and what the conversation remembers."""
    user = line_user_id(context.sender)
    done: list[EventType] = [SlotSet(PENDING_REMINDER_SLOT, None)]
    with sessions()() as session:
        record_chat_event(session, chat_events.SCHEDULE, language=reading.language)
        if user is None:
            where = "reminder_one_to_one" if is_line(context.sender) else "reminder_line_only"
            return [Reply(voice.say(where))], done
        if reading.intent == UNSUBSCRIBE_REMINDER_INTENT:
            key = "reminder_unsubscribed" if unsubscribe(session, user) else "reminder_none"
            return [Reply(voice.say(key))], done
        if reading.intent == SHOW_REMINDER_INTENT:
            return [_status(session, user, voice)], done
        return _subscribe(session, user, reading, context, voice)


def offer(session: Session, context: Context, voice: Voice) -> list[dict[str, str]]:
    """The button asking for reminders, for a schedule answer in a LINE friend's chat who
    has none yet (nothing elsewhere: reminders cannot be pushed there)."""
    user = line_user_id(context.sender)
    if user is None or subscription_of(session, user) is not None:
        return []
    return [replies.reminder_offer(voice)]


def _subscribe(
    session: Session, user: str, reading: Reading, context: Context, voice: Voice
) -> tuple[list[Reply], list[EventType]]:
    asked = _asked_categories(reading, context)
    waiting: list[EventType] = [SlotSet(PENDING_REMINDER_SLOT, json.dumps(asked))]
    place = reading.place
    if place.area is None and place.town is not None:
        return [replies.ask_chome(voice, place.town, place.options)], waiting
    area = place.area or _known_area(session, user, context)
    if area is None:
        return [Reply(voice.say("reminder_ask_area"))], waiting
    every = live_catalog().categories().ordered([s.category.name for s in area.schedules])
    chosen = [name for name in every if name in asked] or every
    ids = [s.category_id for s in area.schedules if s.category.name in chosen]
    subscribe(session, user, area.id, ids if chosen != every else [], base_language(voice.language))
    reply = replies.reminder_confirmation(voice, area, chosen, every, send_time(session))
    # Kept for the next message: 「陶器・ガラス・金属ごみだけ」 or 「2丁目だった」 changes it.
    setting_up = SlotSet(PENDING_REMINDER_SLOT, json.dumps(chosen if chosen != every else []))
    return [reply], [SlotSet(AREA_SLOT, str(area.id)), setting_up]


def _asked_categories(reading: Reading, context: Context) -> list[str]:
    """The categories to be reminded of: a button's, those the message names; for a
    message answering the question for the area, those of the request; none (all of them)
    for a request naming none."""
    chosen = reading.entities.get(CATEGORY_ENTITY)
    if chosen:
        return [str(chosen)]
    if reading.categories or reading.intent in REMINDER_INTENTS:
        return reading.categories
    return context.pending_reminder or []


def _known_area(session: Session, user: str, context: Context) -> Area | None:
    """The conversation's area, else the one the resident's reminders are for."""
    areas = live_catalog().areas()
    stored = subscription_of(session, user)
    for area_id in (context.area_id, stored.area_id if stored else None):
        area = areas.get(area_id) if area_id is not None else None
        if area is not None:
            return area
    return None


def _status(session: Session, user: str, voice: Voice) -> Reply:
    stored = subscription_of(session, user)
    area = live_catalog().areas().get(stored.area_id) if stored else None
    if stored is None or area is None:
        return Reply(voice.say("reminder_none"))
    every = live_catalog().categories().ordered([s.category.name for s in area.schedules])
    stored_names = {s.category.name for s in area.schedules if s.category_id in stored.category_ids}
    chosen = [name for name in every if name in stored_names] or every
    at = send_time(session)
    return replies.reminder_status(voice, area, chosen, every, at, stored.language)
