"""Item answers: an item's category, a variant chosen in a follow-up, its day."""

from __future__ import annotations

import json

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import replies
from actions.answers._schedule import (
    area_set,
    for_town,
    place_asked,
    remembered_area,
    schedule_reply,
    scheduled_categories,
    tokyo_today,
)
from actions.answers._speech import send, voice_for, ward_texts
from actions.context import live_catalog, sessions
from actions.memory import (
    LAST_ITEMS_SLOT,
    LAST_QUESTION_SLOT,
    LAST_SAID_SLOT,
    LAST_TOPIC_SLOT,
    PENDING_SLOT,
    Context,
)
from actions.reading import Reading, quotable
from actions.replies import Reply
from actions.routing import says_size
from bot.catalog import chat_events
from bot.catalog.chat_events import record_chat_event
from bot.catalog.matcher import MatchResult, Mention
from bot.catalog.unanswered import record_unanswered
from bot.i18n.voice import Voice


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
    return answer_items(dispatcher, reading, context, result)


def answer_items(
    dispatcher: CollectingDispatcher,
    reading: Reading,
    context: Context,
    result: MatchResult,
    *,
    follow_up: bool = False,
) -> list[EventType]:
    """The answer to the items ``result`` names (each item's category and notes, or a
    question back), their day when asked, or the honest not-found with close items; the
    first item is remembered for the follow-ups. ``follow_up``: counted as one."""
    voice = voice_for(reading)
    with sessions()() as session:
        texts = ward_texts(session, voice)
        if result.mentions:
            outcome, item_name = _item_outcome(result.mentions)
            record_chat_event(
                session,
                chat_events.FOLLOW_UP if follow_up else outcome,
                item_name,
                language=reading.language,
            )
            send(dispatcher, _item_replies(voice, result, texts, reading.size_cm))
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
        send(dispatcher, [replies.likely_item(voice, result.likely, texts)])
        return _remember_items([Mention(result.likely.name, [result.likely])])
    if voice.foreign:  # the resident's own words that matched nothing, or none
        quoted = " ".join(reading.unknown_words)
    else:
        quoted = query if quotable(query, reading.text) else ""
    send(dispatcher, [replies.not_found(voice, quoted, suggestions, texts.get("contact", ""))])
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
    voice = voice_for(reading)
    scheduled = scheduled_categories()
    categories = [
        c for m in result.mentions if not m.is_ambiguous for c in m.categories if c in scheduled
    ]
    if not categories:
        return []
    question = "・".join(dict.fromkeys(categories)) + "は何曜日？"
    lookup = place_asked(reading, context)
    area = lookup.area or remembered_area(context)
    if lookup.area is None and lookup.town is not None:
        texts = ward_texts(session, voice)
        return for_town(dispatcher, voice, lookup, question, texts, tokyo_today())
    if area is None:
        send(dispatcher, [replies.ask_area_for(voice, categories)])
        return [SlotSet(PENDING_SLOT, question)]
    # The question built here names categories only: no date is written out in it.
    reply = schedule_reply(voice, area, question, ward_texts(session, voice), tokyo_today(), None)
    send(dispatcher, [reply])
    return [*area_set(area), SlotSet(LAST_QUESTION_SLOT, question)]


def answer_item_day(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「それっていつ出せる？」 after an item: that item's category's days."""
    index = live_catalog().index()
    items = context.items(index)
    mention = Mention(context.last_said, items)
    if mention.is_ambiguous or not any(c in scheduled_categories() for c in mention.categories):
        # Asked back, or a category without collection days (粗大ごみ: the day is given
        # at application): the item's own answer says what to do.
        return answer_items(dispatcher, reading, context, MatchResult(mentions=[mention]))
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
        return answer_items(dispatcher, reading, context, reading.refined, follow_up=True)
    index = live_catalog().index()
    items = context.items(index)
    limit = reading.last_size_limit or 0
    over = reading.says_big or (reading.size_cm or 0) > limit
    smaller = reading.under_limit_category if says_size(reading) and not over else None
    case = reading.last_item_case if not says_size(reading) else None
    if smaller or case:
        # A category the item's notes give for the size or the case the resident said.
        voice = voice_for(reading)
        with sessions()() as session:
            record_chat_event(
                session, chat_events.FOLLOW_UP, items[0].name, language=reading.language
            )
        reply = (
            replies.undersized(voice, items[0], limit, smaller)
            if smaller
            else replies.in_case(voice, items[0], case)
        )
        send(dispatcher, [reply])
        return []
    if not (says_size(reading) and over and reading.over_limit_is_bulky):
        # The item's own answer: its notes say what to do in the case the resident names.
        said = MatchResult([Mention(context.last_said, items)])
        return answer_items(dispatcher, reading, context, said, follow_up=True)
    voice = voice_for(reading)
    with sessions()() as session:
        texts = ward_texts(session, voice)
        record_chat_event(session, chat_events.FOLLOW_UP, items[0].name, language=reading.language)
    send(dispatcher, [replies.oversized(voice, items[0], limit, texts.get("bulky_waste", ""))])
    return [SlotSet(LAST_TOPIC_SLOT, "bulky_waste")]
