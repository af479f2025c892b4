"""The action Rasa calls for every message, and the answer of each route.

Every intent leads to :class:`ActionRespond` (``data/rasa/rules.yml``). It reads the
message once (:mod:`actions.reading`), lets :func:`actions.routing.route` decide what kind
of answer it gets, and gives that answer here, from the catalog and the ward texts staff
keep. What the conversation should remember is returned as slot events.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import reminders, replies
from actions.context import live_catalog, sessions
from actions.memory import (
    AREA_SLOT,
    LANGUAGE_SLOT,
    LAST_ITEMS_SLOT,
    LAST_QUESTION_SLOT,
    LAST_SAID_SLOT,
    LAST_TOPIC_SLOT,
    PENDING_REMINDER_SLOT,
    PENDING_SLOT,
    TOWN_SLOT,
    Context,
)
from actions.reading import Reading, quotable, read
from actions.replies import Reply
from actions.routing import (
    CLEAR_COVERAGE,
    FOLLOW_UP_COVERAGE,
    Route,
    names_a_thing,
    needed_coverage,
    route,
    says_size,
)
from bot.catalog import chat_events
from bot.catalog.calendar import is_year_end_break, today_in_tokyo
from bot.catalog.chat_events import record_chat_event
from bot.catalog.knowledge import ANSWER_COVERAGE, CLOSE_COVERAGE, KnowledgeHit
from bot.catalog.matcher import MatchResult, Mention
from bot.catalog.models import Area, WardText
from bot.catalog.schedule import (
    AreaLookup,
    alike_for,
    asked_when,
    asks_group_collection,
    categories_in,
    written_date,
)
from bot.catalog.unanswered import record_unanswered
from bot.catalog.words import matching_words
from bot.i18n.detect import base_language
from bot.i18n.voice import Voice
from bot.settings import get_settings

logger = logging.getLogger(__name__)

Answer = Callable[[CollectingDispatcher, Reading, Context], list[EventType]]


class ActionRespond(Action):
    """Every message: read once, routed once, answered."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        context = Context.from_tracker(tracker)
        reading = read(tracker, live_catalog(), context)
        chosen = route(reading, context)
        logger.debug("route %s for intent %s", chosen.value, reading.intent)
        events = ANSWERS[chosen](dispatcher, reading, context)
        if context.pending_reminder is not None and chosen is not Route.REMINDER:
            # Asked something else instead of the area: the request for reminders lapses.
            events.append(SlotSet(PENDING_REMINDER_SLOT, None))
        if reading.language != context.language:
            events.append(SlotSet(LANGUAGE_SLOT, reading.language))
        return events


def _voice(reading: Reading) -> Voice:
    """The answer's voice: in the language the resident wrote in."""
    catalog = live_catalog()
    language = reading.language
    names = {**catalog.item_names(base_language(language)), **reading.said_names}
    return Voice(language, catalog.translations(), names)


def _texts(session: Session, voice: Voice) -> dict[str, str]:
    """The ward texts, in the resident's language."""
    rows = session.execute(select(WardText.key, WardText.body)).tuples().all()
    return {key: voice.text(key, body) for key, body in rows}


def _send(dispatcher: CollectingDispatcher, replies_: list[Reply]) -> None:
    """Each reply as one message; its links ride along as the message's custom JSON,
    which the app puts back on the message (``bot/server/rasa_client.py``)."""
    for reply in replies_:
        dispatcher.utter_message(
            text=reply.text,
            buttons=reply.buttons or None,
            json_message={"links": reply.links} if reply.links else None,
        )


# --- items -----------------------------------------------------------------------------


def answer_item(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「スプレー缶は何ごみ？」: the items' categories and notes, or a question back; a
    tapped item button; an honest not-found with close items as buttons. A name that only
    sounds like an item's (「ヘッドフォン」) is answered as that item when the model took
    the message for an item question or it asks 「何ごみ」."""
    if reading.chosen is not None:
        result = MatchResult(mentions=[Mention(reading.chosen.name, [reading.chosen], exact=True)])
    elif reading.intent == "ask_item" or reading.asks_which_category:
        result = reading.found
    else:
        result = reading.outright
    return _answer_items(dispatcher, reading, context, result)


def _answer_items(
    dispatcher: CollectingDispatcher,
    reading: Reading,
    context: Context,
    result: MatchResult,
    *,
    follow_up: bool = False,
) -> list[EventType]:
    voice = _voice(reading)
    with sessions()() as session:
        texts = _texts(session, voice)
        if result.mentions:
            outcome, item_name = _item_outcome(result.mentions)
            record_chat_event(
                session,
                chat_events.FOLLOW_UP if follow_up else outcome,
                item_name,
                language=reading.language,
            )
            _send(dispatcher, _item_replies(voice, result, texts, reading.size_cm))
            events = _remember_items(result.mentions)
            if reading.says_day_words:
                events += _collection_day_of(dispatcher, session, reading, context, result)
            return events
        query = result.query or reading.entities.get("item") or ""
        suggestions = result.suggestions or live_catalog().index().similar(query)
        record_unanswered(session, reading.original, reading.language)
        if result.likely is not None:
            # A misspelt name answered as 「…のことでしょうか」: an answer, with its item.
            record_chat_event(
                session, chat_events.ANSWERED, result.likely.name, language=reading.language
            )
        else:
            record_chat_event(session, chat_events.NOT_FOUND, language=reading.language)
    if result.likely is not None:
        _send(dispatcher, [replies.likely_item(voice, result.likely, texts)])
        return _remember_items([Mention(result.likely.name, [result.likely])])
    if voice.foreign:  # the resident's own words that matched nothing, or none
        quoted = " ".join(reading.unknown_words)
    else:
        quoted = query if quotable(query, reading.text) else ""
    _send(dispatcher, [replies.not_found(voice, quoted, suggestions, texts.get("contact", ""))])
    return _forget_items()


def _item_replies(
    voice: Voice, result: MatchResult, texts: dict[str, str], size: float | None = None
) -> list[Reply]:
    out = []
    for mention in result.mentions:
        if mention.is_ambiguous:
            out.append(replies.ask_which_variant(voice, mention))
        elif (sized := replies.sized_answer(voice, mention.candidates, size, texts)) is not None:
            out.append(sized)
        else:
            out.append(replies.item_answer(voice, mention.candidates, mention.text, texts))
    return out


def _item_outcome(mentions: list[Mention]) -> tuple[str, str | None]:
    """The chat event of an item answer: one per message, however many items it named.

    ``answered`` with the first item answered outright (several variants of one category
    answered together count under their shared base name, as the answer names them);
    ``asked_back`` with the base name of the first item asked back when none was answered.
    """
    named = [m for m in mentions if m.candidates]
    for mention in named:
        if not mention.is_ambiguous:
            first = mention.candidates[0]
            if len(mention.candidates) == 1:
                return chat_events.ANSWERED, first.name
            return chat_events.ANSWERED, first.base_name or first.name
    first = named[0].candidates[0] if named else None
    return chat_events.ASKED_BACK, first and (first.base_name or first.name)


def _remember_items(mentions: list[Mention]) -> list[EventType]:
    """The first item talked about, for 「それ」 and refinements; its category's guidance
    text becomes the topic (「スマホから申し込める？」 after a bulky item)."""
    mention = mentions[0]
    guidance = {c.guidance_key for c in mention.candidates} - {None}
    return [
        SlotSet(LAST_ITEMS_SLOT, json.dumps([c.id for c in mention.candidates])),
        SlotSet(LAST_SAID_SLOT, mention.text),
        SlotSet(LAST_TOPIC_SLOT, guidance.pop() if len(guidance) == 1 else None),
    ]


def _forget_items() -> list[EventType]:
    return [SlotSet(LAST_ITEMS_SLOT, None), SlotSet(LAST_SAID_SLOT, None)]


def _collection_day_of(
    dispatcher: CollectingDispatcher,
    session: Session,
    reading: Reading,
    context: Context,
    result: MatchResult,
) -> list[EventType]:
    """「スプレー缶は何曜日に出せる？」: after the item's category, that category's day.

    With the area named in the message or remembered it is answered at once; otherwise the
    resident is asked for it (or for the 丁目 of the town named) and the category's question
    is kept until they say.
    """
    voice = _voice(reading)
    scheduled = _scheduled_categories()
    categories = [
        c for m in result.mentions if not m.is_ambiguous for c in m.categories if c in scheduled
    ]
    if not categories:
        return []
    question = "・".join(dict.fromkeys(categories)) + "は何曜日？"
    lookup = _place_asked(reading, context)
    area = lookup.area or _remembered_area(context)
    if lookup.area is None and lookup.town is not None:
        today = today_in_tokyo(get_settings().fixed_today)
        return _for_town(dispatcher, voice, lookup, question, _texts(session, voice), today)
    if area is None:
        _send(dispatcher, [replies.ask_area_for(voice, categories)])
        return [SlotSet(PENDING_SLOT, question)]
    # The question built here names categories only: no date is written out in it.
    today = today_in_tokyo(get_settings().fixed_today)
    reply = _schedule_reply(voice, area, question, _texts(session, voice), today, None)
    _send(dispatcher, [reply])
    return [*_area_set(area), SlotSet(LAST_QUESTION_SLOT, question)]


def answer_item_day(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「それっていつ出せる？」 after an item: that item's category's days."""
    index = live_catalog().index()
    items = context.items(index)
    mention = Mention(context.last_said, items)
    if mention.is_ambiguous or not any(c in _scheduled_categories() for c in mention.categories):
        # Asked back, or a category without collection days (粗大ごみ: the day is given
        # at application): the item's own answer says what to do.
        return _answer_items(dispatcher, reading, context, MatchResult(mentions=[mention]))
    with sessions()() as session:
        record_chat_event(
            session,
            chat_events.FOLLOW_UP,
            items[0].name if items else None,
            language=reading.language,
        )
        return _collection_day_of(
            dispatcher, session, reading, context, MatchResult(mentions=[mention])
        )


def answer_refinement(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「割れてるんです」「金属製です」 after an item: the variant that fits; 「大きいです」
    after an item whose notes set a size for 粗大ごみ: 粗大ごみ, with the procedure;
    「30cm以下の小さいやつ」 after one whose notes set another category up to a size: that
    category."""
    if reading.refined is not None:
        return _answer_items(dispatcher, reading, context, reading.refined, follow_up=True)
    index = live_catalog().index()
    items = context.items(index)
    limit = reading.last_size_limit or 0
    over = reading.says_big or (reading.size_cm or 0) > limit
    smaller = reading.under_limit_category if says_size(reading) and not over else None
    case = reading.last_item_case if not says_size(reading) else None
    if smaller or case:
        # A category the item's notes give for the size or the case the resident said.
        voice = _voice(reading)
        with sessions()() as session:
            record_chat_event(
                session, chat_events.FOLLOW_UP, items[0].name, language=reading.language
            )
        reply = (
            replies.undersized(voice, items[0], limit, smaller)
            if smaller
            else replies.in_case(voice, items[0], case)
        )
        _send(dispatcher, [reply])
        return []
    if not (says_size(reading) and over and reading.over_limit_is_bulky):
        # The item's own answer: its notes say what to do in the case the resident names.
        said = MatchResult([Mention(context.last_said, items)])
        return _answer_items(dispatcher, reading, context, said, follow_up=True)
    voice = _voice(reading)
    with sessions()() as session:
        texts = _texts(session, voice)
        record_chat_event(session, chat_events.FOLLOW_UP, items[0].name, language=reading.language)
    _send(dispatcher, [replies.oversized(voice, items[0], limit, texts.get("bulky_waste", ""))])
    return [SlotSet(LAST_TOPIC_SLOT, "bulky_waste")]


# --- collection days -------------------------------------------------------------------


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
    voice = _voice(reading)
    with sessions()() as session:
        # Every path here answers about days or asks for the area: a schedule question.
        record_chat_event(session, chat_events.SCHEDULE, language=reading.language)
        texts = _texts(session, voice)
        lookup = _place_asked(reading, context)
        area = lookup.area
        today = today_in_tokyo(get_settings().fixed_today)
        if area is None and lookup.town is not None:
            return _for_town(dispatcher, voice, lookup, question, texts, today)
        area = area or _remembered_area(context)
        day = written_date(question, today)
        if area is None and day is not None and is_year_end_break(day):
            # No collection anywhere then: no need to know where the resident lives.
            _send(dispatcher, [replies.new_year_break(voice, day)])
            return []
        guide = live_catalog().categories()
        if area is None and not categories_in(question, guide) and asks_group_collection(question):
            # 古紙・古着 go to the neighbourhood groups, wherever one lives.
            _send(dispatcher, [Reply(texts.get("group_collection", ""))])
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
            _send(dispatcher, [reply])
            return [SlotSet(PENDING_SLOT, question)]
        answer = _schedule_reply(voice, area, question, texts, today, day)
        answer.buttons += reminders.offer(session, context, voice)
        _send(dispatcher, [answer])
    return [*_area_set(area), SlotSet(PENDING_SLOT, None), SlotSet(LAST_QUESTION_SLOT, question)]


def _place_asked(reading: Reading, context: Context) -> AreaLookup:
    """The place the message names or, when it names none, the town the resident named
    before without its 丁目 (「野方に住んでる」 then 「燃やすごみの日は？」): its 丁目 is
    still to be asked."""
    if reading.place.town is None and context.town:
        return live_catalog().areas().lookup(context.town)
    return reading.place


def _for_town(
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
        _send(dispatcher, [replies.ask_chome(voice, lookup.town, lookup.options)])
        return [SlotSet(PENDING_SLOT, question), SlotSet(TOWN_SLOT, lookup.town)]
    notices = [
        n for n in live_catalog().notices() if all(n.names_area(a.id) for a in lookup.options)
    ]
    rules = texts.get("collection_rules", "")
    reply = replies.schedule_answer(
        voice, lookup.options[0], guide.ordered(asked), rules, "", today, notices, town_wide=True
    )
    _send(dispatcher, [reply])
    # The 丁目 is still unknown: a question about another category asks it.
    return [SlotSet(TOWN_SLOT, lookup.town), SlotSet(LAST_QUESTION_SLOT, question)]


def _area_set(area: Area) -> list[EventType]:
    """The area remembered, and the town waiting for its 丁目 forgotten."""
    return [SlotSet(AREA_SLOT, str(area.id)), SlotSet(TOWN_SLOT, None)]


def _remembered_area(context: Context) -> Area | None:
    return live_catalog().areas().get(context.area_id) if context.area_id else None


def _scheduled_categories() -> set[str]:
    """The categories some area has collection days for."""
    return set(live_catalog().categories().collected())


def _schedule_reply(
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


# --- categories and general questions --------------------------------------------------


def answer_category(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「資源プラスチックとは？」「燃やすごみには何が入る？」: what the category is, a few of
    its items from the catalog, and its days when the area is known."""
    guide = live_catalog().categories()
    area = reading.place.area or _remembered_area(context)
    voice = _voice(reading)
    out = []
    for name in reading.topic_categories:
        info = guide.get(name)
        description = info.description if info else ""
        examples = guide.typical_items(name)
        scheduled = name in _scheduled_categories()
        out.append(replies.category_answer(voice, name, description, examples, area, scheduled))
    with sessions()() as session:
        record_chat_event(session, chat_events.GENERAL, language=reading.language)
    _send(dispatcher, out)
    guidance = {info.guidance_key for n in reading.topic_categories if (info := guide.get(n))}
    guidance.discard(None)
    topic = guidance.pop() if len(guidance) == 1 else None
    events: list[EventType] = [SlotSet(LAST_TOPIC_SLOT, topic)]
    if reading.categories:
        question = "・".join(reading.categories) + "は何曜日？"
        events.append(SlotSet(LAST_QUESTION_SLOT, question))
    return events


def answer_general(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """A knowledge entry (よくある質問), with buttons for the entries matched about as
    well; a question back with buttons instead when the best is close to another, or weak,
    and the BM25 ranking puts another first.

    After a knowledge answer, a message that names nothing is read together with the last
    topic (「電話番号は？」 after bulky waste is about the bulky-waste centre's number).
    """
    hits = reading.beside_items if reading.names_items else reading.knowledge
    follow_up = bool(reading.topical) and (reading.says_nothing or _better(reading.topical, hits))
    if follow_up:
        hits = reading.topical
    needed = FOLLOW_UP_COVERAGE if follow_up and reading.says_nothing else needed_coverage(reading)
    if not hits or hits[0].coverage < needed:
        return answer_fallback(dispatcher, reading, context)
    best = hits[0]
    close = [h for h in hits[1:] if best.coverage - h.coverage <= CLOSE_COVERAGE]
    voice = _voice(reading)
    with sessions()() as session:
        record_chat_event(
            session,
            chat_events.FOLLOW_UP if follow_up else chat_events.GENERAL,
            language=reading.language,
        )
    weak = best.coverage < ANSWER_COVERAGE and not follow_up
    if best.rank > 0 and ((close and best.coverage < CLEAR_COVERAGE) or weak):
        # About as close as another, or weakly matched, and not what the ranking puts
        # first either: the resident chooses.
        _send(dispatcher, [replies.which_topic(voice, [best, *(close or hits[1:2])])])
        return []
    _send(dispatcher, [replies.knowledge_answer(voice, best.entry, related=close)])
    return [SlotSet(LAST_TOPIC_SLOT, best.entry.key)]


def _better(topical: list[KnowledgeHit], alone: list[KnowledgeHit]) -> bool:
    """Whether reading the message with the last topic matches better than alone."""
    return not alone or topical[0].coverage >= alone[0].coverage


def answer_bulky(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """How to put out 粗大ごみ, from the ward text staff keep; 「ソファは粗大ごみ？」 names
    an item, whose own answer carries the procedure."""
    named = [m for m in reading.mentions if "粗大" not in m.text]
    query = reading.outright.query
    voice = _voice(reading)
    if not named and (reading.loose or names_a_thing(query, matching_words().bulky_question)):
        # 「甲冑、大きいのを手放したい」: a thing the list does not have. Say so, with
        # close items and the contact, then how bulky waste goes out.
        events = _answer_items(dispatcher, reading, context, reading.outright)
        with sessions()() as session:
            _send(dispatcher, [Reply(_texts(session, voice).get("bulky_waste", ""))])
        return events
    if named:
        return _answer_items(dispatcher, reading, context, MatchResult(mentions=named))
    with sessions()() as session:
        texts = _texts(session, voice)
        record_chat_event(session, chat_events.SCHEDULE, language=reading.language)
    _send(dispatcher, [Reply(texts.get("bulky_waste", ""))])
    return [SlotSet(LAST_TOPIC_SLOT, "bulky_waste")]


# --- small talk and the rest -----------------------------------------------------------


def answer_small_talk(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """Greetings, thanks, help, "are you a bot": the ward text of the same name."""
    voice = _voice(reading)
    with sessions()() as session:
        texts = _texts(session, voice)
        record_chat_event(session, chat_events.OTHER, language=reading.language)
    _send(dispatcher, [Reply(texts.get(reading.intent) or texts.get("help", ""))])
    return []


def answer_fallback(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """What the bot can answer, with examples to tap, and where to ask instead. The
    question is kept for staff."""
    voice = _voice(reading)
    with sessions()() as session:
        texts = _texts(session, voice)
        record_unanswered(session, reading.original, reading.language)
        record_chat_event(session, chat_events.OTHER, language=reading.language)
    examples = texts.get("examples", "").splitlines()
    _send(dispatcher, [replies.fallback(voice, texts.get("contact", ""), examples)])
    return []


def answer_reminder(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「通知を登録」「通知を解除」「登録内容」: LINE reminders (:mod:`actions.reminders`)."""
    said, events = reminders.answer(reading, context, _voice(reading))
    _send(dispatcher, said)
    return events


ANSWERS: dict[Route, Answer] = {
    Route.ITEM: answer_item,
    Route.ITEM_DAY: answer_item_day,
    Route.REFINE: answer_refinement,
    Route.SCHEDULE: answer_schedule,
    Route.CATEGORY: answer_category,
    Route.GENERAL: answer_general,
    Route.BULKY: answer_bulky,
    Route.SMALL_TALK: answer_small_talk,
    Route.FALLBACK: answer_fallback,
    Route.REMINDER: answer_reminder,
}
