"""Collection days: an area's days, the next date, and the place asked when unknown."""

from __future__ import annotations

from datetime import date, timedelta

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reminders, replies
from actions.answers._speech import send, voice_for, ward_texts
from actions.context import live_catalog, sessions
from actions.memory import AREA_SLOT, LAST_QUESTION_SLOT, PENDING_SLOT, TOWN_SLOT, Context
from actions.reading import Reading
from actions.replies import Reply
from bot.catalog import chat_events
from bot.catalog.calendar import is_year_end_break, today_in_tokyo
from bot.catalog.chat_events import record_chat_event
from bot.catalog.models import Area
from bot.catalog.schedule import (
    AreaLookup,
    alike_for,
    asked_when,
    asks_group_collection,
    categories_in,
    written_date,
)
from bot.i18n.voice import Voice
from bot.settings import get_settings


def answer_schedule(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「野方3丁目の燃やすごみは何曜日？」「次の不燃ごみの日は？」「明日は何ごみ？」.

    The area is remembered for the conversation; a question asked before the area is
    known is kept and answered once the resident says where they live. A place said
    alone after an answer (「2丁目だと？」) repeats the last question for that place.
    """
    text = reading.text
    asks_a_day = reading.asks_days and not reading.says_nothing  # not 「いつ出せばいい？」
    asks = bool(reading.categories) or asks_a_day or asks_group_collection(text)
    earlier = context.pending_question or context.last_question
    question = text if asks or not earlier else earlier
    voice = voice_for(reading)
    with sessions()() as session:
        # Every path here answers about days or asks for the area: a schedule question.
        record_chat_event(session, chat_events.SCHEDULE, language=reading.language)
        texts = ward_texts(session, voice)
        lookup = place_asked(reading, context)
        area = lookup.area
        today = tokyo_today()
        if area is None and lookup.town is not None:
            return for_town(dispatcher, voice, lookup, question, texts, today)
        area = area or remembered_area(context)
        day = written_date(question, today)
        if area is None and day is not None and is_year_end_break(day):
            # No collection anywhere then: no need to know where the resident lives.
            send(dispatcher, [replies.new_year_break(voice, day)])
            return []
        guide = live_catalog().categories()
        if area is None and not categories_in(question, guide) and asks_group_collection(question):
            # 古紙・古着 go to the neighbourhood groups, wherever one lives.
            send(dispatcher, [Reply(texts.get("group_collection", ""))])
            return []
        if area is None:
            if reading.intent == replies.INFORM_AREA_INTENT or reading.entities.get("area"):
                # A place was named, but it is not a town of Nakano (「高円寺」).
                towns = live_catalog().areas().towns()
                reply = replies.unknown_area(voice, towns, texts.get("contact", ""))
            elif asked := categories_in(question, guide):
                # 「不燃ごみの日は？」: say which of the ward's categories that is.
                reply = replies.ask_area_for(voice, asked)
            else:
                reply = replies.ask_area(voice)
            send(dispatcher, [reply])
            return [SlotSet(PENDING_SLOT, question)]
        answer = schedule_reply(voice, area, question, texts, today, day)
        answer.buttons += reminders.offer(session, context, voice)
        send(dispatcher, [answer])
    return [*area_set(area), SlotSet(PENDING_SLOT, None), SlotSet(LAST_QUESTION_SLOT, question)]


def tokyo_today() -> date:
    """Today in Tokyo, or the day the settings fix (the tests' frozen clock)."""
    return today_in_tokyo(get_settings().fixed_today)


def place_asked(reading: Reading, context: Context) -> AreaLookup:
    """The place the message names or, when it names none, the town the resident named
    before without its 丁目 (「野方に住んでる」 then 「燃やすごみの日は？」): its 丁目 is
    still to be asked."""
    if reading.place.town is None and context.town:
        return live_catalog().areas().lookup(context.town)
    return reading.place


def for_town(
    dispatcher: CollectingDispatcher,
    voice: Voice,
    lookup: AreaLookup,
    question: str,
    texts: dict[str, str],
    today: date,
) -> list[EventType]:
    """A town named without its 丁目: the days asked when every 丁目 shares them
    (「弥生町のびんの日は？」), otherwise the question which 丁目, the question kept. A 丁目
    the town does not have (「白鷺7丁目」) is asked again, not taken for the town."""
    assert lookup.town is not None
    guide = live_catalog().categories()
    asked = categories_in(question, guide)
    dated = asked_when(question)[0] or written_date(question, today) is not None
    if lookup.chome is not None or dated or not alike_for(lookup.options, asked):
        send(dispatcher, [replies.ask_chome(voice, lookup.town, lookup.options)])
        return [SlotSet(PENDING_SLOT, question), SlotSet(TOWN_SLOT, lookup.town)]
    notices = [
        n for n in live_catalog().notices() if all(n.names_area(a.id) for a in lookup.options)
    ]
    rules = texts.get("collection_rules", "")
    reply = replies.schedule_answer(
        voice, lookup.options[0], guide.ordered(asked), rules, "", today, notices, town_wide=True
    )
    send(dispatcher, [reply])
    # The 丁目 is still unknown: a question about another category asks it.
    return [SlotSet(TOWN_SLOT, lookup.town), SlotSet(LAST_QUESTION_SLOT, question)]


def area_set(area: Area) -> list[EventType]:
    """The area remembered, and the town waiting for its 丁目 forgotten."""
    return [SlotSet(AREA_SLOT, str(area.id)), SlotSet(TOWN_SLOT, None)]


def remembered_area(context: Context) -> Area | None:
    return live_catalog().areas().get(context.area_id) if context.area_id else None


def scheduled_categories() -> set[str]:
    """The categories some area has collection days for."""
    return set(live_catalog().categories().collected())


def schedule_reply(
    voice: Voice,
    area: Area,
    question: str,
    texts: dict[str, str],
    today: date,
    day: date | None,
) -> Reply:
    """The answer to ``question`` for ``area``: ``day`` is the date it writes out, if any
    (:func:`~bot.catalog.schedule.written_date` from ``today``)."""
    guide = live_catalog().categories()
    asked = categories_in(question, guide)
    if not asked and asks_group_collection(question):
        return Reply(texts.get("group_collection", ""))
    categories = guide.ordered(asked or [s.category.name for s in area.schedules])
    rules = texts.get("collection_rules", "")
    notices = live_catalog().notices()
    dated, offset = (True, (day - today).days) if day else asked_when(question)
    if dated and offset is None:
        return replies.next_dates(voice, area, categories, today, rules, notices)
    if dated:
        return replies.day_answer(
            voice, area, today + timedelta(days=offset), offset, categories, bool(asked), notices
        )
    notes = [texts.get("daily_collection", "")] if area.remark else []
    if not asked:
        # The whole week's table: say where the rest (古紙・古着) goes, too.
        notes.append(texts.get("group_collection", ""))
    notes_text = "\n".join(filter(None, notes))
    return replies.schedule_answer(voice, area, categories, rules, notes_text, today, notices)
