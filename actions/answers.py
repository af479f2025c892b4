"""The actions Rasa calls. Each reads the resident's message and answers from the catalog.

Which action runs is decided by the dialogue rules in ``data/rasa/rules.yml``. The actions
are forgiving of the classifier: an item named in a message the model took for something
else is still answered, because the catalog knows the item and the model may not.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import replies
from actions.context import live_catalog, sessions
from actions.replies import Reply
from bot.catalog import chat_events
from bot.catalog.calendar import today_in_tokyo
from bot.catalog.chat_events import record_chat_event
from bot.catalog.matcher import (
    CatalogIndex,
    CatalogItem,
    MatchResult,
    Mention,
    only_names_things,
)
from bot.catalog.models import Area, WardText
from bot.catalog.schedule import (
    COLLECTED_CATEGORIES,
    asked_when,
    asks_group_collection,
    categories_in,
)
from bot.catalog.unanswered import record_unanswered
from bot.settings import get_settings

logger = logging.getLogger(__name__)

AREA_SLOT = "area_id"
PENDING_SLOT = "pending_question"
#: Below this intent confidence, small talk that names a thing is taken for an item question.
SMALL_TALK_CONFIDENCE = 0.8
SCHEDULE_WORDS = ("曜日", "いつ", "何日", "収集日", "回収日", "の日")
#: Words of a question about the bulky-waste procedure itself, not about one thing.
BULKY_WORDS = (
    "粗大", "そだい", "大型", "大きい", "大きな", "家具", "申し込", "申込", "受付", "処理券",
    "券", "シール", "料金", "手数料", "予約", "センター", "電話", "cm", "センチ", "メートル",
    "以上", "時間", "方法", "出し方", "捨て方", "ごみ", "ゴミ",
)  # fmt: skip
#: Words of a question about the bot itself (help), not about a thing.
HELP_WORDS = (
    "使い方", "ヘルプ", "help", "メニュー", "機能", "質問", "できる", "でき", "教え", "わから",
    "分から", "聞け", "聞き", "説明", "チャット", "ボット", "案内", "方法",
)  # fmt: skip


def _texts(session: Session) -> dict[str, str]:
    return dict(session.execute(select(WardText.key, WardText.body)).tuples().all())


def _send(dispatcher: CollectingDispatcher, replies_: list[Reply]) -> None:
    for reply in replies_:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)


def _item_replies(result: MatchResult, texts: dict[str, str]) -> list[Reply]:
    out = []
    for mention in result.mentions:
        if mention.is_ambiguous:
            out.append(replies.ask_which_variant(mention))
        else:
            out.append(replies.item_answer(mention.candidates, mention.text, texts))
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


def _named_outright(result: MatchResult) -> tuple[MatchResult, bool]:
    """For a message the model did not take for an item question: the items it names
    outright (a catalog name or alias), and whether it named others only loosely.

    A spelling that only sounds like a name (「ベット」) or an unknown compound with a
    known head (「トートバッグ」) is not enough to overrule the model: those items are
    offered as suggestions, with the honest not-found answer.
    """
    outright = [m for m in result.mentions if not m.loose]
    if outright or not result.mentions:
        if len(outright) == len(result.mentions):
            return result, False
        return MatchResult(mentions=outright), False
    loose = result.mentions
    suggestions = list(dict.fromkeys(c for m in loose for c in m.candidates))
    return MatchResult(suggestions=suggestions[: replies.MAX_BUTTONS], query=loose[0].text), True


def _names_a_thing(query: str, ignored: tuple[str, ...]) -> bool:
    """Whether the noun phrase ``query`` may be a thing to throw away: two letters or more
    and none of the ``ignored`` words (those of the question the model recognised)."""
    return len(query) >= 2 and not any(word in query for word in ignored)


def _asks_a_category_day(text: str) -> bool:
    """「燃えるごみは何曜日？」: strict enough to divert a message that names no item, from
    the item or fallback action to the schedule answer."""
    return bool(categories_in(text)) and any(word in text for word in SCHEDULE_WORDS)


class ActionAnswerItem(Action):
    """「スプレー缶は何ごみ？」: the item's category and notes, or a question back.

    Also answers a tapped item button, whose payload names the item by id.
    """

    def name(self) -> str:
        return "action_answer_item"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        index = live_catalog().index()
        chosen = _chosen_item(tracker, index)
        if chosen is not None:
            result = MatchResult(mentions=[Mention(chosen.name, [chosen], exact=True)])
        else:
            result = index.find(text)
        if not result.mentions and _asks_a_category_day(text):
            return _answer_schedule(dispatcher, tracker, text)
        return _answer_items(dispatcher, tracker, text, result)


def _answer_items(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, result: MatchResult
) -> list[EventType]:
    """The items ``result`` found, or an honest not-found with close items as buttons."""
    with sessions()() as session:
        texts = _texts(session)
        if result.mentions:
            record_chat_event(session, *_item_outcome(result.mentions))
            _send(dispatcher, _item_replies(result, texts))
            return _collection_day_of_items(dispatcher, tracker, session, result, text)
        query = result.query or _entity(tracker, "item") or ""
        suggestions = result.suggestions or live_catalog().index().similar(query)
        record_unanswered(session, text)
        if result.likely is not None:
            # A misspelt name answered as 「…のことでしょうか」: an answer, with its item.
            record_chat_event(session, chat_events.ANSWERED, result.likely.name)
        else:
            record_chat_event(session, chat_events.NOT_FOUND)
    if result.likely is not None:
        _send(dispatcher, [replies.likely_item(result.likely, texts)])
    else:
        _send(dispatcher, [replies.not_found(query, suggestions, texts.get("contact", ""))])
    return []


def _collection_day_of_items(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    session: Session,
    result: MatchResult,
    text: str,
) -> list[EventType]:
    """「スプレー缶は何曜日に出せる？」: after the item's category, that category's day.

    With the area known it is answered at once; otherwise the resident is asked for it and
    the category's question is kept until they say.
    """
    if not any(word in text for word in SCHEDULE_WORDS):
        return []
    categories = [
        c
        for m in result.mentions
        if not m.is_ambiguous
        for c in m.categories
        if c in COLLECTED_CATEGORIES
    ]
    if not categories:
        return []
    question = "・".join(dict.fromkeys(categories)) + "は何曜日？"
    area_id = tracker.get_slot(AREA_SLOT)
    area = live_catalog().areas().get(int(area_id)) if area_id else None
    if area is None:
        _send(dispatcher, [replies.ask_area_for(categories)])
        return [SlotSet(PENDING_SLOT, question)]
    _send(dispatcher, [_schedule_reply(area, question, _texts(session))])
    return []


def _chosen_item(tracker: Tracker, index: CatalogIndex) -> CatalogItem | None:
    """The item of a tapped button (payload ``/ask_item{"item_id": 12}``), if any."""
    raw = _entity(tracker, "item_id")
    try:
        return index.items.get(int(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _intent_name(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


class ActionAnswerSchedule(Action):
    """「野方3丁目の燃やすごみは何曜日？」「次の不燃ごみの日は？」「明日は何ごみ？」.

    The area is remembered for the conversation; a question asked before the area is
    known is kept and answered once the resident says where they live.
    """

    def name(self) -> str:
        return "action_answer_schedule"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if not _asks_about_days(text) or _asks_about_an_item_on_a_day(text):
            # 「ペットボトルのふた」 has a category word but asks about an item; so does
            # 「クッキーの缶って缶の日に出していいの？」.
            result, loose = _named_outright(live_catalog().index().find(text))
            if result.mentions or loose:
                return _answer_items(dispatcher, tracker, text, result)
            if (
                not _is_schedule_question(text)
                and not _names_a_town(text)
                and only_names_things(text)
            ):
                # 「鹿の剥製が実家にある」: a thing (the list does not have), not an area.
                return _answer_items(dispatcher, tracker, text, result)
        return _answer_schedule(dispatcher, tracker, text)


#: 「缶の日に出していい？」: whether a thing may go out on a category's day.
_ON_A_DAY = re.compile(r"の日に(?:出|だ|捨て|すて)")
#: Words that ask which day, not whether a thing may go out on one.
_WHICH_DAY = ("曜日", "いつ", "何日", "次の")


def _asks_about_an_item_on_a_day(text: str) -> bool:
    """「クッキーの缶って缶の日に出していいの？」: about the item, whose own category answers
    it; not 「缶の日はいつ？」."""
    return (
        bool(_ON_A_DAY.search(text))
        and not asked_when(text)[0]
        and not any(word in text for word in _WHICH_DAY)
        and not _names_a_town(text)
    )


def _mentions_days(text: str) -> bool:
    """「いつ」「何曜日」「明日」…: words that ask for a day or a date."""
    return asked_when(text)[0] or any(word in text for word in SCHEDULE_WORDS)


def _asks_about_days(text: str) -> bool:
    """Words of a question about days or an area, as opposed to about an item."""
    return _mentions_days(text) or _names_a_town(text)


def _names_a_town(text: str) -> bool:
    return live_catalog().areas().lookup(text).town is not None


def _is_schedule_question(text: str) -> bool:
    """Whether ``text`` asks anything about collection days (as opposed to only saying
    where the resident lives, which answers a question asked before)."""
    return bool(categories_in(text)) or _mentions_days(text)


def _answer_schedule(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[EventType]:
    pending = tracker.get_slot(PENDING_SLOT)
    question = text if _is_schedule_question(text) or not pending else pending
    with sessions()() as session:
        # Every path here answers about days or asks for the area: a schedule question.
        record_chat_event(session, chat_events.SCHEDULE)
        texts = _texts(session)
        directory = live_catalog().areas()
        lookup = directory.lookup(text)
        area = lookup.area
        if area is None and lookup.town is not None:
            _send(dispatcher, [replies.ask_chome(lookup.town, lookup.options)])
            return [SlotSet(PENDING_SLOT, question)]
        if area is None and tracker.get_slot(AREA_SLOT):
            area = directory.get(int(tracker.get_slot(AREA_SLOT)))
        if area is None:
            if _intent_name(tracker) == replies.INFORM_AREA_INTENT or _entity(tracker, "area"):
                # A place was named, but it is not a town of Nakano (「高円寺」).
                reply = replies.unknown_area(directory.towns(), texts.get("contact", ""))
            else:
                reply = replies.ask_area()
            _send(dispatcher, [reply])
            return [SlotSet(PENDING_SLOT, question)]
        _send(dispatcher, [_schedule_reply(area, question, texts)])
    return [SlotSet(AREA_SLOT, str(area.id)), SlotSet(PENDING_SLOT, None)]


def _schedule_reply(area: Area, question: str, texts: dict[str, str]) -> Reply:
    asked = categories_in(question)
    if not asked and asks_group_collection(question):
        return Reply(texts.get("group_collection", ""))
    categories = asked or list(COLLECTED_CATEGORIES)
    rules = texts.get("collection_rules", "")
    dated, offset = asked_when(question)
    today = today_in_tokyo(get_settings().fixed_today)
    if dated and offset is None:
        return replies.next_dates(area, categories, today, rules)
    if dated:
        return replies.day_answer(area, today + timedelta(days=offset), offset, categories)
    notes = [texts.get("daily_collection", "")] if area.remark else []
    if not asked:
        # The whole week's table: say where the rest (古紙・古着) goes, too.
        notes.append(texts.get("group_collection", ""))
    return replies.schedule_answer(area, categories, rules, "\n".join(filter(None, notes)))


class ActionBulkyWaste(Action):
    """How to put out 粗大ごみ, from the ward text staff keep."""

    def name(self) -> str:
        return "action_bulky_waste"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        result, loose = _named_outright(live_catalog().index().find(text))
        named = [m for m in result.mentions if "粗大" not in m.text]
        if not named and (loose or _names_a_thing(result.query, BULKY_WORDS)):
            # 「甲冑、大きいのを手放したい」: a thing the list does not have. Say so, with
            # close items and the contact, then how bulky waste goes out.
            _answer_items(dispatcher, tracker, text, result)
            with sessions()() as session:
                _send(dispatcher, [Reply(_texts(session).get("bulky_waste", ""))])
            return []
        with sessions()() as session:
            texts = _texts(session)
            if named:
                record_chat_event(session, *_item_outcome(named))
            else:
                record_chat_event(session, chat_events.SCHEDULE)
        if named:
            # 「ソファは粗大ごみ？」: the item's own answer carries the procedure if it is one.
            _send(dispatcher, _item_replies(MatchResult(mentions=named), texts))
        else:
            _send(dispatcher, [Reply(texts.get("bulky_waste", ""))])
        return []


class ActionSmallTalk(Action):
    """Greetings, thanks, help, "are you a bot": the ward text of the same name (staff can
    edit it), unless the message names an item.

    A bare 「ざる」 or 「いす」 can look like a greeting to the model; the catalog knows
    better, so an item it finds is answered instead.
    """

    def name(self) -> str:
        return "action_small_talk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        result, loose = _named_outright(live_catalog().index().find(text))
        intent = tracker.latest_message.get("intent") or {}
        unsure = (intent.get("confidence") or 0.0) < SMALL_TALK_CONFIDENCE
        # 「華道で使う剣山」 taken for a request for help names a thing, not the bot.
        thing = intent.get("name") == "help" and _names_a_thing(result.query, HELP_WORDS)
        if result.mentions or loose or (result.query and (unsure or thing)):
            # An item, or a thing the model only half took for small talk.
            return _answer_items(dispatcher, tracker, text, result)
        with sessions()() as session:
            texts = _texts(session)
            record_chat_event(session, chat_events.OTHER)
        name = intent.get("name") or "help"
        _send(dispatcher, [Reply(texts.get(name) or texts.get("help", ""))])
        return []


class ActionFallback(Action):
    """Anything the model could not place, or placed out of scope.

    The catalog and the area table get their say first: a message naming an area or a
    category day is answered as a schedule question, one naming an item as an item
    question. When the model was merely unsure (not "out of scope"), a noun phrase that
    looks like an item name gets the honest not-in-the-list answer with close items.
    Otherwise the resident is told plainly what the bot can answer.
    """

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        result, loose = _named_outright(live_catalog().index().find(text))
        if _asks_a_category_day(text) or (not result.mentions and _names_a_town(text)):
            return _answer_schedule(dispatcher, tracker, text)
        if (
            result.mentions
            or loose
            or (_intent_name(tracker) != "out_of_scope" and result.suggestions)
            or only_names_things(text)
        ):
            return _answer_items(dispatcher, tracker, text, result)
        with sessions()() as session:
            texts = _texts(session)
            record_unanswered(session, text)
            record_chat_event(session, chat_events.OTHER)
        _send(dispatcher, [replies.fallback(texts.get("contact", ""))])
        return []
