"""Categories as topics, knowledge entries, bulky waste, small talk and the fallback."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reminders, replies
from actions.answers._items import answer_items
from actions.answers._schedule import remembered_area, scheduled_categories
from actions.answers._speech import send, voice_for, ward_texts
from actions.context import live_catalog, sessions
from actions.memory import LAST_QUESTION_SLOT, LAST_TOPIC_SLOT, Context
from actions.reading import Reading
from actions.replies import Reply
from actions.routing import (
    CLEAR_COVERAGE,
    FOLLOW_UP_COVERAGE,
    names_a_thing,
    needed_coverage,
    stays_on_topic,
)
from bot.catalog import chat_events
from bot.catalog.chat_events import record_chat_event
from bot.catalog.knowledge import ANSWER_COVERAGE, CLOSE_COVERAGE, KnowledgeHit
from bot.catalog.matcher import MatchResult
from bot.catalog.unanswered import record_unanswered
from bot.catalog.words import matching_words


def answer_category(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「資源プラスチックとは？」「燃やすごみには何が入る？」: what the category is, a few of
    its items from the catalog, and its days when the area is known."""
    guide = live_catalog().categories()
    area = reading.place.area or remembered_area(context)
    voice = voice_for(reading)
    out = []
    for name in reading.topic_categories:
        info = guide.get(name)
        description = info.description if info else ""
        examples = guide.typical_items(name)
        scheduled = name in scheduled_categories()
        out.append(replies.category_answer(voice, name, description, examples, area, scheduled))
    with sessions()() as session:
        record_chat_event(session, chat_events.GENERAL, language=reading.language)
    send(dispatcher, out)
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
    topical = _on_topic_first(reading.topical)
    follow_up = bool(topical) and (
        reading.says_nothing or _better(topical, hits, says_garbage=reading.says_garbage)
    )
    if follow_up:
        hits = topical
    stays = follow_up and stays_on_topic(reading, context)
    needed = FOLLOW_UP_COVERAGE if stays else needed_coverage(reading)
    if not hits or hits[0].coverage < needed:
        return answer_fallback(dispatcher, reading, context)
    best = hits[0]
    # an entry less on the last topic than the best is no rival to it
    close = [
        h
        for h in hits[1:]
        if best.coverage - h.coverage <= CLOSE_COVERAGE and h.on_topic >= best.on_topic
    ]
    voice = voice_for(reading)
    with sessions()() as session:
        record_chat_event(
            session,
            chat_events.FOLLOW_UP if follow_up else chat_events.GENERAL,
            language=reading.language,
        )
    weak = best.coverage < ANSWER_COVERAGE and not follow_up
    rivals = close and best.coverage < CLEAR_COVERAGE and not _one_subject([best, *close])
    if best.rank > 0 and (rivals or weak):
        # About as close as another on something else, or weakly matched, and not what
        # the ranking puts first either: the resident chooses.
        with sessions()() as session:
            contact = ward_texts(session, voice).get("contact", "")
        send(dispatcher, [replies.which_topic(voice, [best, *(close or hits[1:2])], contact)])
        return []
    send(dispatcher, [replies.knowledge_answer(voice, best.entry, related=close)])
    return [SlotSet(LAST_TOPIC_SLOT, best.entry.key)]


def _one_subject(hits: list[KnowledgeHit]) -> bool:
    """Whether the entries are about one subject (「粗大ごみって予約しないで出しちゃだめ？」
    matches how bulky waste goes out and where to apply about as well): the best answers,
    and the others stand beside it as buttons, instead of a question back."""
    knowledge = live_catalog().knowledge()
    keys = [h.entry.key for h in hits]
    return all(key in knowledge.entries for key in keys) and knowledge.share_a_subject(keys)


def _on_topic_first(hits: list[KnowledgeHit]) -> list[KnowledgeHit]:
    """``hits`` with the one most on the last topic first, of those matched about as well
    as the best: 「電話は何時から何時まで？」 after a bulky item covers the put-out time's
    entry a little better, and is about the bulky-waste centre's hours."""
    near = [h for h in hits if hits[0].coverage - h.coverage <= CLOSE_COVERAGE]
    first = max(near, key=lambda h: h.on_topic, default=None)  # of equals, the best
    return [first, *(h for h in hits if h is not first)] if first else hits


def _better(topical: list[KnowledgeHit], alone: list[KnowledgeHit], *, says_garbage: bool) -> bool:
    """Whether reading the message with the last topic matches better than alone: more
    of it, or as much with the entry the ranking puts first (「粗大ごみも同じ？」 after the
    put-out time matches the bulky-waste entries as well either way, and alone the
    ranking puts one of them first), or with an entry whose title shares the topic's: as
    much (「電話番号教えて」 after 「粗大ごみの出し方」 is the bulky-waste centre's number),
    or about as much when alone the message matches no entry clearly, or does not speak of
    garbage itself (「電話は何時から何時まで？」, 「電話番号を教えてください」 after a bed;
    but 「ごみは何時までに出せばいい？」 is the put-out time's, whatever came before)."""
    if not alone:
        return True
    mine, other = topical[0], alone[0]
    if mine.on_topic > 0:
        near = other.coverage - mine.coverage <= CLOSE_COVERAGE
        unclear = other.coverage < CLEAR_COVERAGE or not says_garbage
        if mine.coverage >= other.coverage or (near and unclear):
            return True
    return mine.coverage > other.coverage or (
        mine.coverage == other.coverage and mine.rank <= other.rank
    )


def answer_bulky(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """How to put out 粗大ごみ, from the ward text staff keep; 「ソファは粗大ごみ？」 names
    an item, whose own answer carries the procedure."""
    named = [m for m in reading.mentions if "粗大" not in m.text]
    query = reading.outright.query
    voice = voice_for(reading)
    if not named and (reading.loose or names_a_thing(query, matching_words().bulky_question)):
        # 「甲冑、大きいのを手放したい」: a thing the list does not have. Say so, with
        # close items and the contact, then how bulky waste goes out.
        events = answer_items(dispatcher, reading, context, reading.outright)
        with sessions()() as session:
            send(dispatcher, [Reply(ward_texts(session, voice).get("bulky_waste", ""))])
        return events
    if named:
        return answer_items(dispatcher, reading, context, MatchResult(mentions=named))
    with sessions()() as session:
        texts = ward_texts(session, voice)
        record_chat_event(session, chat_events.SCHEDULE, language=reading.language)
    send(dispatcher, [Reply(texts.get("bulky_waste", ""))])
    return [SlotSet(LAST_TOPIC_SLOT, "bulky_waste")]


# --- small talk and the rest -----------------------------------------------------------


def answer_small_talk(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """Greetings, thanks, help, "are you a bot": the ward text of the same name."""
    voice = voice_for(reading)
    with sessions()() as session:
        texts = ward_texts(session, voice)
        record_chat_event(session, chat_events.OTHER, language=reading.language)
    send(dispatcher, [Reply(texts.get(reading.intent) or texts.get("help", ""))])
    return []


def answer_fallback(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """What the bot can answer, with examples to tap, and where to ask instead. The
    question is kept for staff."""
    voice = voice_for(reading)
    with sessions()() as session:
        texts = ward_texts(session, voice)
        record_unanswered(session, reading.original, reading.language)
        record_chat_event(session, chat_events.OTHER, language=reading.language)
    examples = texts.get("examples", "").splitlines()
    send(dispatcher, [replies.fallback(voice, texts.get("contact", ""), examples)])
    return []


def answer_reminder(
    dispatcher: CollectingDispatcher, reading: Reading, context: Context
) -> list[EventType]:
    """「通知を登録」「通知を解除」「登録内容」: LINE reminders (:mod:`actions.reminders`)."""
    said, events = reminders.answer(reading, context, voice_for(reading))
    send(dispatcher, said)
    return events
