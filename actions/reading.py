"""One reading of a resident's message: everything the router needs, worked out once.

The message is read against the live catalog (items, areas, categories, knowledge entries)
and the conversation so far (:class:`Context`, kept in Rasa slots). The router
(:mod:`actions.routing`) decides from the reading alone; the answers use what it found,
so nothing is matched twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from rasa_sdk import Tracker

from bot.catalog.categories import CategoryGuide
from bot.catalog.knowledge import KnowledgeHit, terms
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogIndex, CatalogItem, MatchResult, Mention, only_names_things
from bot.catalog.models import Area
from bot.catalog.notes import (
    NoteCase,
    cases_in,
    met_case,
    over_limit_is_bulky,
    size_limit,
    under_limit_category,
)
from bot.catalog.schedule import (
    CATEGORY_WORDS,
    AreaLookup,
    asked_when,
    categories_in,
    place_form,
    writes_a_date,
)
from bot.catalog.words import matching_words
from bot.i18n import CHINESE, JAPANESE
from bot.i18n.detect import base_language, language_of, to_simplified
from bot.i18n.pivot import Rendering
from bot.japanese import Morpheme, get_analyzer, match_key

#: Slots of the conversation (see domain.yml).
AREA_SLOT = "area_id"
PENDING_SLOT = "pending_question"
LAST_ITEMS_SLOT = "last_items"
LAST_SAID_SLOT = "last_said"
LAST_TOPIC_SLOT = "last_topic"
LAST_QUESTION_SLOT = "last_question"
LANGUAGE_SLOT = "language"
TOWN_SLOT = "town"
PENDING_REMINDER_SLOT = "pending_reminder"

#: Addresses and numbers, which are never a thing's name: a URL (「https://…」「www.…」,
#: a bare domain), an e-mail address, a phone number.
_NOT_NAMES = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|jp|io|info|co)\b\S*"
    r"|\+?\d[\d\-() ]{8,}\d",
    re.ASCII,
)
_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")
_HAN = re.compile(r"[一-龥]")
#: 「缶の日に出していい？」: whether a thing may go out on a category's day.
_ON_A_DAY = re.compile(r"の日に(?:出|だ|捨て|すて)")
#: 「2丁目だと？」: a 丁目 said without its town.
_CHOME_ALONE = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(?:丁目|ちょうめ)")
#: A size said with its unit: 「40cm」「1.2メートル」.
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|センチ|ｃｍ|m|メートル)", re.IGNORECASE)
_CHOME_NUMBER = re.compile(r"(\d+|[一二三四五六七八九十]+)(ちょうめ|丁目)?")


@dataclass
class Context:
    """What the conversation remembers from earlier turns."""

    area_id: int | None = None
    #: A collection-day question waiting for the resident's area.
    pending_question: str | None = None
    #: The items of the last item answer (one, or the variants asked about).
    last_items: list[int] = field(default_factory=list)
    #: What the resident called the last item.
    last_said: str = ""
    #: The knowledge entry the last answer came from (or said after an item answer).
    last_topic: str | None = None
    #: The last collection-day question answered, for 「2丁目だと？」.
    last_question: str | None = None
    #: The language of the resident's last message that was in one (a tapped button's
    #: payload, or 「PC」, is in none, and is answered in this one).
    language: str = JAPANESE
    #: A town the resident named without the 丁目 it needs (「野方に住んでる」), until they
    #: say the 丁目.
    town: str | None = None
    #: The conversation's id: ``line:user:<id>`` in a LINE friend's one-to-one chat, the
    #: only kind reminders can be pushed to (:mod:`bot.line.conversation_ids`).
    sender: str = ""
    #: Reminders being set up (a request waiting for the area, or just confirmed): the
    #: categories asked for (empty: all of them); ``None`` otherwise.
    pending_reminder: list[str] | None = None

    def items(self, index: CatalogIndex) -> list[CatalogItem]:
        """The last items, the one whose name the resident said first (「ビールびん」,
        not 「酒びん」, which the same word names)."""
        items = [index.items[i] for i in self.last_items if i in index.items]
        said = match_key(self.last_said)
        return sorted(items, key=lambda item: match_key(item.base_name) != said)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Context:
        slot = tracker.get_slot
        area = slot(AREA_SLOT)
        try:
            last_items = [int(i) for i in json.loads(slot(LAST_ITEMS_SLOT) or "[]")]
        except (TypeError, ValueError):
            last_items = []
        return cls(
            area_id=int(area) if area and str(area).isdigit() else None,
            pending_question=slot(PENDING_SLOT),
            last_items=last_items,
            last_said=slot(LAST_SAID_SLOT) or "",
            last_topic=slot(LAST_TOPIC_SLOT),
            last_question=slot(LAST_QUESTION_SLOT),
            language=slot(LANGUAGE_SLOT) or JAPANESE,
            town=slot(TOWN_SLOT),
            sender=tracker.sender_id or "",
            pending_reminder=_names(slot(PENDING_REMINDER_SLOT)),
        )


def _names(raw: str | None) -> list[str] | None:
    """A slot holding a JSON list of names; ``None`` when unset or unreadable."""
    try:
        names = json.loads(raw) if raw else None
    except ValueError:
        return None
    return [str(n) for n in names] if isinstance(names, list) else None


@dataclass
class Reading:
    """What one message says, read once."""

    #: The message as the Japanese reading sees it: the resident's own text, or its
    #: Japanese rendering when it was written in another language (:mod:`bot.i18n.pivot`).
    text: str
    intent: str
    confidence: float
    #: The item of a tapped button (its payload names it by id).
    chosen: CatalogItem | None
    #: Everything the matcher found in the text.
    found: MatchResult
    #: The items named outright (a name or alias spelt out), and whether others were found
    #: only loosely (by sound, by the head of an unknown compound).
    outright: MatchResult
    loose: bool
    #: Where the message says the resident lives; ``area`` also when only a 丁目 was said
    #: and the town is the remembered area's.
    place: AreaLookup
    #: The collected categories it names (「燃えるごみ」「資源」), and their words as match keys.
    categories: list[str]
    category_words: tuple[str, ...]
    #: It asks for a day or a date (「いつ」「何曜日」「明日」).
    asks_days: bool
    #: It writes out a date (「1月2日」「12/31」).
    writes_a_date: bool
    #: It says one of the words of a collection-day question (「曜日」「いつ」「の日」);
    #: narrower than ``asks_days``, whose date words hide inside names (the あす of
    #: 「ヘアスプレー」).
    says_day_words: bool
    #: It asks about a category itself (「とは」「何が入る」「週に何回」), and which: any
    #: category of the catalog named by its name or another word for it; ``only_topic``
    #: when nothing else is asked about (not 「粗大ごみ処理券って何？」).
    asks_category_topic: bool
    topic_categories: list[str]
    only_topic: bool
    #: It says the resident wants a thing gone (「処分したい」「引き取って」).
    wants_gone: bool
    #: It points back at the last thing talked about (「それ」「その」).
    refers_back: bool
    #: Nothing is left of it once the categories, fillers and the place are taken out
    #: (「じゃあ資源プラスチックは？」「江原町 ペットボトル」).
    only_categories: bool
    #: It asks which category a thing is (「何ごみ？」).
    asks_which_category: bool
    #: It names nothing: no noun but question words (「いつ出すの？」「どうやって出せばいいの？」).
    says_nothing: bool
    #: It names nothing but the place it names (「それ大和町3丁目だといつ？」).
    says_nothing_but_place: bool
    #: It says 「ごみ」 (garbage in general), which is not a thing of its own.
    says_garbage: bool
    #: It says a day the ward's rules speak of for everyone (「祝日」「年末」).
    says_rule_day: bool
    #: The whole name of a thing the catalog does not have (「ヨガマット」), as opposed to
    #: nothing, a fragment (the 「車」 of 「収集車が来なかった」) or a word of the knowledge
    #: entries (「年末」).
    unknown_thing: str
    #: Nothing is left once a 丁目, the fillers and the categories are taken out
    #: (「2丁目だと？」「隣の松が丘1丁目は？」), or nothing is named but the place
    #: (「2丁目は違うの？」).
    only_place: bool
    #: It says the thing is big (「大きい」), or gives its size in centimetres.
    says_big: bool
    #: It says the thing is small (「小さい」「30cm以下」).
    says_small: bool
    size_cm: float | None
    #: The best knowledge entries for the message alone, and read with the last topic's
    #: title (「電話番号は？」 after bulky waste is about the bulky-waste centre's number);
    #: for a message naming items, what it says besides them is read with the topic
    #: (「スマホから申し込める？」 after a bulky item).
    knowledge: list[KnowledgeHit]
    topical: list[KnowledgeHit]
    #: For a message naming items, the entries what it says besides them matches
    #: (「公園に冷蔵庫が不法投棄されている」 is about dumped garbage, not the 冷蔵庫).
    beside_items: list[KnowledgeHit]
    #: The entities Rasa found (``item``, ``area``).
    entities: dict[str, Any]
    #: After an item answer, when this message names no item: the last item read together
    #: with this message (「蛍光灯」 + 「割れてるんです」), if that names another of its
    #: variants.
    refined: MatchResult | None = None
    #: After an item answer whose notes set a size (「一辺が30㎝を超える場合は粗大ごみです」):
    #: that size in centimetres, and whether over it the thing is 粗大ごみ.
    last_size_limit: int | None = None
    over_limit_is_bulky: bool = False
    #: The category the last item's notes give it up to their size, if they give one.
    under_limit_category: str | None = None
    #: The case of the last item's notes the message describes (「汚れてるやつは？」 after
    #: 衣類, whose notes send soiled ones to 燃やすごみ).
    last_item_case: NoteCase | None = None
    #: After an item answer: the message speaks to what the item's notes say (「割れてる」
    #: after a bottle whose notes, or its kind's, say what to do with broken ones).
    meets_last_notes: bool = False
    #: The resident's message as written, and its language (:mod:`bot.i18n.detect`).
    original: str = ""
    language: str = JAPANESE
    #: In another language: the resident's words for the items named, by their Japanese
    #: names, and the words that matched nothing (what an answer says it could not find).
    said_names: dict[str, str] = field(default_factory=dict)
    unknown_words: list[str] = field(default_factory=list)

    @cached_property
    def only_things(self) -> bool:
        """Whether the message is nothing but a thing's name (「鹿の剥製」), as opposed to a
        question or a place. Costs an analysis, so only worked out when asked."""
        return only_names_things(self.text)

    @property
    def item_on_a_day(self) -> bool:
        """「クッキーの缶って缶の日に出していいの？」: whether a thing may go out on a
        category's day — about the thing, whose own category answers it."""
        return (
            bool(_ON_A_DAY.search(self.text))
            and not asked_when(self.text)[0]
            and not any(word in self.text for word in matching_words().which_day)
            and self.place.town is None
        )

    @property
    def names_items(self) -> bool:
        """Whether it names an item outright, unless it names nothing but categories (the
        「缶」 of 「じゃあ缶は？」)."""
        return bool(self.outright.mentions) and not self.only_categories

    @property
    def mentions(self) -> list[Mention]:
        return self.outright.mentions

    @property
    def top_knowledge(self) -> KnowledgeHit | None:
        return self.knowledge[0] if self.knowledge else None


def read(tracker: Tracker, catalog: LiveCatalog, context: Context) -> Reading:
    """Read the tracker's latest message against the catalog and the context."""
    message = tracker.latest_message
    original = message.get("text") or ""
    language = _language(original, catalog, context)
    base = base_language(language)
    rendering = None if base == JAPANESE else catalog.pivot(base).render(original)
    text = original if rendering is None else rendering.japanese
    intent = message.get("intent") or {}
    entities = {e["entity"]: e.get("value") for e in message.get("entities") or []}
    index = catalog.index()
    last_notes = _last_notes(index, context)
    kind_notes = _kind_notes(index, context)
    chosen = _chosen_item(entities.get("item_id"), index.items)
    found = index.find(_NOT_NAMES.sub(" ", text)) if chosen is None else MatchResult()
    found = _without_names_inside_unknown_words(found, rendering)
    outright, loose = named_outright(found)
    key = match_key(text)
    vocabulary = matching_words()
    guide = catalog.categories()
    categories = categories_in(text, guide, [m.text for m in outright.mentions])
    place = _place(text, catalog, context)
    topic_categories = catalog.categories().named_in(key, vocabulary.category_names)
    topic_categories = list(dict.fromkeys([*categories, *topic_categories]))
    category_words = _category_keys(guide, categories)
    topic_words = catalog.categories().name_keys(topic_categories, vocabulary.category_names)
    rest = _without(key, _longest_first(vocabulary.follow_up_fillers + category_words))
    rest_but_place = _without_place(rest, place)
    morphemes = get_analyzer().analyze(text)
    asks_which_category = _says_any(key, vocabulary.which_category)
    remainder = _remainder(text, outright, vocabulary.asking_words)
    writes_date = writes_a_date(text)
    says_day_words = _says_any(text, vocabulary.schedule_words)
    says_only_place = not categories and _names_nothing(
        _besides_place(morphemes, place), vocabulary.question_words
    )
    # words of another language the pivot could not render are left as they were, which
    # Sudachi does not take for nouns
    names_nothing = _names_nothing(morphemes, vocabulary.question_words) and not (
        rendering and rendering.unknown
    )
    return Reading(
        text=text,
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        chosen=chosen,
        found=found,
        outright=outright,
        loose=loose,
        place=place,
        categories=categories,
        category_words=category_words,
        asks_days=writes_date or _says_a_date(morphemes) or says_day_words,
        writes_a_date=writes_date,
        says_day_words=says_day_words,
        asks_category_topic=_says_any(key, vocabulary.category_topic)
        and not _says_any(key, vocabulary.category_topic_not),
        topic_categories=topic_categories,
        only_topic=_only_topic(
            rest, morphemes, topic_words + vocabulary.category_topic + vocabulary.follow_up_fillers
        ),
        wants_gone=_says_any(text, vocabulary.disposal_words),
        refers_back=_says_any(key, vocabulary.references),
        only_categories=bool(categories) and len(rest_but_place) <= 1 and not asks_which_category,
        asks_which_category=asks_which_category,
        says_nothing=not categories and names_nothing,
        says_nothing_but_place=says_only_place,
        says_garbage=_says_any(key, vocabulary.garbage_words),
        says_rule_day=_says_any(key, vocabulary.rule_days),
        unknown_thing="" if names_nothing else _unknown_thing(found, text, catalog, rendering),
        only_place=place.town is not None and (len(rest_but_place) <= 1 or says_only_place),
        says_big=_says_any(key, vocabulary.over_size),
        says_small=_says_any(key, vocabulary.under_size),
        size_cm=_size_cm(text),
        # a category's day (「燃やすごみの収集日を知りたい」) is no entry's: its words stay
        knowledge=_knowledge(
            catalog, text if says_day_words else _blanked(text, category_words), original, base
        ),
        topical=_topical(catalog, context, remainder, original, base, names_nothing),
        beside_items=_knowledge(catalog, remainder, remainder, JAPANESE)
        if outright.mentions and _names_a_subject(remainder)
        else [],
        entities=entities,
        refined=_refined(index, context, text, outright, key, vocabulary.references),
        last_size_limit=size_limit(last_notes),
        over_limit_is_bulky=over_limit_is_bulky(last_notes),
        under_limit_category=under_limit_category(last_notes),
        last_item_case=_last_item_case(catalog, last_notes, kind_notes, text),
        meets_last_notes=not outright.mentions and _meets_notes(last_notes + kind_notes, text),
        original=original,
        language=language,
        said_names=rendering.said if rendering else {},
        unknown_words=rendering.unknown if rendering else [],
    )


def _language(text: str, catalog: LiveCatalog, context: Context) -> str:
    """The language to read ``text`` in and answer it in: the language it is written in;
    the conversation's, when it is in none (a button's payload, 「PC」).

    Kanji alone is Japanese unless it is surely Chinese (:func:`language_of`); but in a
    conversation in another language it is in that language, and kanji the Japanese
    catalog does not know and the Chinese names do (「微波炉」) are Chinese.
    """
    language = language_of(text)
    if language is None:
        return context.language
    kanji_alone = language == JAPANESE and not _KANA.search(text) and _HAN.search(text)
    if kanji_alone and context.language != JAPANESE:
        # 「塑料的」 in a conversation in Chinese; 「野方3丁目」, a button's payload, in one
        # in English
        return context.language
    if kanji_alone and _named_more_in_chinese(text, catalog):
        return CHINESE
    return language


def _named_more_in_chinese(text: str, catalog: LiveCatalog) -> bool:
    """Whether kanji alone are better read as Chinese: the Chinese names of the catalog name
    more of ``text`` than the Japanese ones, and the Japanese ones name nothing or Sudachi
    reads what the Chinese names cover letter by letter, as no Japanese words. 「洗衣机」 is
    a washing machine in Chinese and only its last letter, 「机」, in Japanese; 「事務机」
    is a Japanese desk (「事務」 is a word) and 「電池」 is the same in both."""
    rendering = catalog.pivot(CHINESE).render(text)
    if not rendering.items:
        return False
    outright, _ = named_outright(catalog.index().find(text))
    in_japanese = sum(len(m.text) for m in outright.mentions)
    if sum(len(word) for word in rendering.said.values()) <= in_japanese:
        return False
    if not in_japanese:
        return True
    simplified = to_simplified(text)
    spans = [(simplified.find(word), len(word)) for word in rendering.said.values()]
    return all(start >= 0 for start, _ in spans) and all(
        len(m.text) == 1 or m.oov
        for start, length in spans
        for m in get_analyzer().analyze(text)
        if start <= m.start < start + length
    )


def _without_names_inside_unknown_words(
    found: MatchResult, rendering: Rendering | None
) -> MatchResult:
    """``found`` without the items named only inside a word the rendering did not know: the
    「机」 of 「无人机」 (a drone) is no desk."""
    if rendering is None or not rendering.unknown:
        return found
    mentions = [
        m
        for m in found.mentions
        if not any(m.text in word and m.text != word for word in rendering.unknown)
    ]
    return replace(found, mentions=mentions)


def named_outright(result: MatchResult) -> tuple[MatchResult, bool]:
    """The items ``result`` names outright (a catalog name or alias), and whether it named
    others only loosely.

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
    return MatchResult(suggestions=suggestions[:6], query=loose[0].text), True


def _refined(
    index: CatalogIndex,
    context: Context,
    text: str,
    outright: MatchResult,
    key: str,
    references: tuple[str, ...],
) -> MatchResult | None:
    """The last item told apart by ``text``: its name and the message read together name
    other variants of the same thing (same base name) than were answered last. A part of
    it asked about by reference (「それのキャップは？」 after ペットボトル) is read the same
    way: as the part of the last item."""
    last = context.items(index)
    if not last or not context.last_said:
        return None
    if outright.mentions:
        if not (_says_any(key, references) and all(m.is_ambiguous for m in outright.mentions)):
            return None
        part = index.find(f"{context.last_said}の{outright.mentions[0].text}")
        said = [m for m in part.mentions if not m.is_ambiguous and m.end > len(context.last_said)]
        return MatchResult(mentions=said[:1]) if said else None
    result = index.find(f"{context.last_said} {text}")
    bases = {item.base_name or item.name for item in last}
    answered = {item.id for item in last}
    for mention in result.mentions:
        ids = {c.id for c in mention.candidates}
        same_thing = all((c.base_name or c.name) in bases for c in mention.candidates)
        if same_thing and ids and ids != answered and not mention.is_ambiguous:
            return MatchResult(mentions=[mention])
    return None


def _remainder(text: str, outright: MatchResult, asking_words: tuple[str, ...]) -> str:
    """What a message naming items says besides them and the asking: 「スマホから申し込め
    る？」 → 「から申し込める？」; nothing when that is only grammar and question words
    (the 「の方て」 of 「薬缶の出し方おしえて」); the message itself when it names none."""
    if not outright.mentions:
        return text
    for word in (*(m.text for m in outright.mentions), *asking_words):
        text = text.replace(word, " ")
    return _if_it_says_anything(text)


#: Nouns of amount and manner (「たくさん」「大量」): how much or how, not what about.
_AMOUNT_NOUNS = frozenset({"副詞可能", "形状詞可能"})


def _names_a_subject(text: str) -> bool:
    """Whether ``text`` names something to be about (「公園」「不法投棄」), not only an
    amount (「カセットテープがたくさん出てきました」 is about the tapes) or what the item
    is made of or for (the プラスチック of 「プラスチックのハンコ」)."""
    vocabulary = matching_words()
    qualifying = {
        w for group in (vocabulary.materials, vocabulary.uses) for ws in group.values() for w in ws
    }
    return any(
        m.pos[0] == "名詞"
        and m.pos[2] not in _AMOUNT_NOUNS
        and (key := match_key(m.text)) not in vocabulary.question_words
        and key not in qualifying
        for m in get_analyzer().analyze(text)
    )


def _if_it_says_anything(text: str) -> str:
    """``text``, or nothing when it holds only grammar, question words and words that lean
    on others (the やっ of 「どうやって」)."""
    question_words = matching_words().question_words
    said = [
        m
        for m in get_analyzer().analyze(text)
        if not m.is_grammar and m.pos[1] != "非自立可能" and match_key(m.text) not in question_words
    ]
    return text if said else ""


def _knowledge(
    catalog: LiveCatalog, text: str, original: str, language: str, topic: str | None = None
) -> list[KnowledgeHit]:
    """The knowledge entries the message matches (read with the last ``topic``'s title
    when given). A message in another language is matched twice, its Japanese rendering
    against the entries' Japanese examples and its own words against their examples in its
    language, and each entry keeps the better match: the rendering carries the words that
    decide most topics (「前一天晚上」 → 「前の日の夜」), the translated examples the ones
    it has no word for."""
    readings = [(catalog.knowledge(), text)]
    if language != JAPANESE:
        readings.append((catalog.knowledge(language), original))
    japanese = catalog.knowledge().entries
    best: dict[str, KnowledgeHit] = {}
    for knowledge, said in readings:
        entry = knowledge.entries.get(topic or "")
        if topic and entry is None:
            continue
        for hit in knowledge.search(said, context=entry.title if entry else ""):
            hit = replace(hit, entry=japanese.get(hit.entry.key, hit.entry))
            if hit.entry.key not in best or hit.coverage > best[hit.entry.key].coverage:
                best[hit.entry.key] = hit
    return sorted(best.values(), key=lambda hit: -hit.coverage)[:3]


def _topical(
    catalog: LiveCatalog,
    context: Context,
    text: str,
    original: str,
    language: str,
    names_nothing: bool,
) -> list[KnowledgeHit]:
    """The entries the message matches read with the last topic; a message that names
    nothing (「どうやって出せばいいの？」) is about the topic itself when it matches it at
    all, however well the question words fit another entry."""
    if not context.last_topic:
        return []
    hits = _knowledge(catalog, text, original, language, topic=context.last_topic)
    if names_nothing:
        hits.sort(key=lambda hit: hit.entry.key != context.last_topic)
    return hits


def _last_notes(index: CatalogIndex, context: Context) -> list[str]:
    return [index.items[i].notes for i in context.last_items if i in index.items]


def _kind_notes(index: CatalogIndex, context: Context) -> list[str]:
    """The notes of the kinds the last items are (:meth:`CatalogIndex.kinds_of`)."""
    items = context.items(index)
    return [kind.notes for item in items for kind in index.kinds_of(item)]


def _last_item_case(
    catalog: LiveCatalog, notes: list[str], kind_notes: list[str], text: str
) -> NoteCase | None:
    """The case of the last item's ``notes`` that ``text`` describes (「汚れてるやつは？」),
    or failing that, of its kind's notes (「割れてたら？」 after 「ビールびん」)."""
    names = catalog.categories().names()
    for source in (notes, kind_notes):
        case = met_case([case for note in source for case in cases_in(note, names)], text)
        if case is not None:
            return case
    return None


def _meets_notes(notes: list[str], text: str) -> bool:
    """Whether a content word of ``text`` is one of the last item's ``notes`` (「割れて」 and
    a note on 割れたびん; 「回収ボックス」 and a note on the collection box)."""
    words = set(terms(" ".join(notes)))
    return bool(words) and any(word in words for word in terms(text))


def _says_a_date(morphemes: list[Morpheme]) -> bool:
    """Whether a date word (「明日」「次」) stands as a word of its own: 「ヘアスプレー」 has
    the letters of 「あす」 but no date in it."""
    dates = {word for words in matching_words().asked_date.values() for word in words}
    return any(
        match_key(m.text) in dates or match_key(m.reading) in dates
        for m in morphemes
        if asked_when(m.text)[0]
    )


def _only_topic(rest: str, morphemes: list[Morpheme], topic: tuple[str, ...]) -> bool:
    """Whether a message asks about nothing but its categories: what is left without the
    ``topic`` words is a particle or two (「資源プラスチックは週に何回？」), or holds no
    noun of its own (「燃やすごみには何を出せばいいですか」; not 「粗大ごみ処理券って何？」,
    whose 処理券 is another thing)."""
    if len(_without(rest, _longest_first(topic))) <= 2:
        return True
    question_words = matching_words().question_words
    return not any(
        m.pos[0] == "名詞"
        and (key := match_key(m.text)) not in question_words
        and not any(key in phrase for phrase in topic)
        for m in morphemes
    )


def _besides_place(morphemes: list[Morpheme], place: AreaLookup) -> list[Morpheme]:
    """The morphemes that are not the place named: its town's words, a number and 丁目."""
    if place.town is None:
        return morphemes
    town = match_key(place.town)
    return [
        m
        for m in morphemes
        if not (match_key(m.text) in town or m.pos[1] == "数詞" or m.lemma == "丁目")
    ]


def _names_nothing(morphemes: list[Morpheme], question_words: tuple[str, ...]) -> bool:
    """No noun in ``text`` but question words (「何」「いつ」) and pronouns (「それ」); a
    noun-forming suffix counts as a noun (the 車 of 「収集車が来なかった」)."""
    return not any(
        (m.pos[0] == "名詞" or m.pos[:2] == ("接尾辞", "名詞的"))
        and match_key(m.text) not in question_words
        for m in morphemes
    )


#: Runs of Latin letters: words of a sentence in a language written with them.
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Which script a letter is in, for telling whether a phrase runs on into a longer word.
_SCRIPTS = (
    ("kanji", re.compile(r"[一-龥々]")),
    ("katakana", re.compile(r"[ァ-ヺー]")),
    ("latin", re.compile(r"[A-Za-z]")),
)


def _unknown_thing(
    found: MatchResult, text: str, catalog: LiveCatalog, rendering: Rendering | None
) -> str:
    """The noun phrase the matcher found no item for, if it is the whole name of a thing
    that the knowledge entries do not talk about either (「年末」 is not a thing). In a
    message in another language, only its words the pivot could not render can be one:
    the rest are words it knows (「6袋」「いくつ」 are a count and a question), and a date
    written out (「1月2日」) is no thing."""
    if rendering is not None:
        things = [word for word in rendering.unknown if not writes_a_date(word)]
        return things[0] if things and not found.mentions else ""
    query = found.query if not found.mentions else ""
    if not quotable(query, text):
        return ""
    return "" if catalog.knowledge().knows(_without_time_words(query)) else query


def _without_time_words(phrase: str) -> str:
    """``phrase`` from its first word that is not a time word (「明日祝日」 → 「祝日」): what
    the knowledge entries are asked about on that day."""
    for morpheme in get_analyzer().analyze(phrase):
        if not (morpheme.pos[0] == "名詞" and morpheme.pos[2] == "副詞可能"):
            return phrase[morpheme.start :]
    return phrase


#: Kinds of noun (Sudachi's third part of speech) that name no thing: 「普通」「大量」
#: (形状詞可能), 「当日」「朝」 (副詞可能), 「仕事」「予約」 (サ変可能), 「9時」 (助数詞可能).
_NOT_THING_NOUNS = frozenset({"形状詞可能", "副詞可能", "サ変可能", "助数詞可能"})


def quotable(query: str, text: str) -> bool:
    """Whether ``query`` is the whole name of something, worth quoting back as the thing
    asked about: a noun phrase ending in a noun that may name a thing (not 「本当」,
    「朝9時すぎ」, 「当日何時」, 「中野駅」), not a fragment of a longer word (the 「車」 of
    「収集車」), not a word of a sentence in a language written in Latin letters (the
    「How」 of "How should I …")."""
    if not query or len(_LATIN_WORD.findall(text)) >= 3 or not _ends_in_a_thing(query):
        return False
    start = text.find(query)
    if start < 0:
        return True
    before = text[start - 1 : start]
    after = text[start + len(query) : start + len(query) + 1]
    return not (_same_script(before, query[0]) or _same_script(after, query[-1]))


def _ends_in_a_thing(query: str) -> bool:
    """The last word of ``query`` may name a thing, and no word of it asks (「何時」)."""
    words = matching_words()
    morphemes = get_analyzer().analyze(query)
    if not morphemes or any(m.text.startswith("何") for m in morphemes):
        return False
    last = morphemes[-1]
    return not (
        last.pos[0] != "名詞"
        or last.pos[1] == "固有名詞"  # a place or a name: 「中野駅」
        or last.pos[2] in _NOT_THING_NOUNS
        or (key := match_key(last.text)) in words.question_words
        or key in words.not_things
    )


def _same_script(a: str, b: str) -> bool:
    return bool(a) and any(p.match(a) and p.match(b) for _, p in _SCRIPTS)


def _chosen_item(raw: Any, items: dict[int, CatalogItem]) -> CatalogItem | None:
    try:
        return items.get(int(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _place(text: str, catalog: LiveCatalog, context: Context) -> AreaLookup:
    """The area the message names; a 丁目 alone (「2丁目だと？」「5丁目です」) is taken in
    the town named last without its 丁目, or else in the town of the remembered area."""
    directory = catalog.areas()
    lookup = directory.lookup(text)
    chome = _CHOME_ALONE.search(text)
    if lookup.town is not None or chome is None:
        return lookup
    remembered: Area | None = directory.get(context.area_id) if context.area_id else None
    town = context.town or (remembered.town if remembered else None)
    if town is None:
        return lookup
    return directory.lookup(f"{town}{chome.group(0)}")


def _category_keys(guide: CategoryGuide, categories: list[str]) -> tuple[str, ...]:
    """The match keys of every word for ``categories`` (and 「資源」, which names the
    resource categories together)."""
    keys = set(guide.name_keys(categories, CATEGORY_WORDS))
    if categories:
        keys.update(matching_words().resources)
    return tuple(keys)


def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: -len(w)))


def _without(key: str, words: tuple[str, ...]) -> str:
    for word in words:
        key = key.replace(word, "")
    return key


def _blanked(text: str, words: tuple[str, ...]) -> str:
    """``text`` with ``words`` (match keys) blanked out where they are written, the rest as
    written (nothing, when the rest only asks): 「明日祝日だけど燃えるゴミ出していいの？」
    asks about holidays whichever category it names, so the knowledge entries are matched
    without it."""
    if not words:
        return text
    places = [i for i, ch in enumerate(text) for _ in match_key(ch)]
    key = "".join(match_key(ch) for ch in text)
    blank = set()
    for word in _longest_first(words):
        start = key.find(word)
        while start >= 0:
            blank.update(range(places[start], places[start + len(word) - 1] + 1))
            key = key[:start] + "\0" * len(word) + key[start + len(word) :]
            start = key.find(word)
    return _if_it_says_anything("".join(" " if i in blank else ch for i, ch in enumerate(text)))


def _says_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _without_place(rest: str, place: AreaLookup) -> str:
    """``rest`` without the town and a 丁目 number."""
    rest = rest.replace(match_key(place_form(place.town or "")), "")
    return _CHOME_NUMBER.sub("", rest)


def _size_cm(text: str) -> float | None:
    """The largest size the message gives, in centimetres (「1.2m」 → 120)."""
    sizes = [
        float(number) * (100 if unit.lower() in ("m", "メートル") else 1)
        for number, unit in _SIZE.findall(text)
    ]
    return max(sizes, default=None)
