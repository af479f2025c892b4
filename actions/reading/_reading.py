"""One reading of a resident's message (:class:`Reading`), worked out once by :func:`read`
from what the other modules of this package find in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rasa_sdk import Tracker

from actions.memory import Context
from actions.reading._items import (
    chosen_item,
    found_besides_categories,
    named_outright,
    parts_named_apart,
    parts_said_later,
    without_categories_asked,
    without_names_inside,
    without_names_inside_categories,
)
from actions.reading._knowledge import knowledge_hits, titled_first, topical_hits
from actions.reading._language import message_language, without_names_inside_unknown_words
from actions.reading._last_item import (
    caused_the_case,
    last_item_case,
    last_item_notes,
    last_kind_notes,
    meets_notes,
    refined,
)
from actions.reading._place import (
    besides_place,
    place_named,
    question_besides_place,
    without_place,
)
from actions.reading._unknown import unknown_thing
from actions.reading._wording import (
    blanked,
    if_it_says_anything,
    longest_first,
    names_a_subject,
    names_nothing,
    noun_runs,
    only_topic,
    says_a_date,
    says_any,
    says_word,
    sentences_asking,
    sentences_saying,
    size_cm,
    without,
)
from bot.catalog.categories import CategoryGuide
from bot.catalog.knowledge import KnowledgeHit
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogItem, MatchResult, Mention, only_names_things
from bot.catalog.notes import NoteCase, over_limit_is_bulky, size_limit, under_limit_category
from bot.catalog.schedule import (
    CATEGORY_WORDS,
    AreaLookup,
    asked_when,
    categories_in,
    writes_a_date,
)
from bot.catalog.words import matching_words
from bot.i18n import JAPANESE
from bot.i18n.detect import base_language
from bot.japanese import get_analyzer, match_key

#: Addresses and numbers, which are never a thing's name: a URL (「https://…」「www.…」,
#: a bare domain), an e-mail address, a phone number.
_NOT_NAMES = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|jp|io|info|co)\b\S*"
    r"|\+?\d[\d\-() ]{8,}\d",
    re.ASCII,
)

#: 「缶の日に出していい？」: whether a thing may go out on a category's day.
_ON_A_DAY = re.compile(r"の日(?:に(?:出|だ|捨て|すて)|で(?:いい|良い|よい|大丈夫|合って|あって))")


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
    #: It asks where (「どこに持っていけばいい？」).
    asks_where: bool
    #: It names a kind of thing that is bulky waste by its size (「家具」).
    says_bulky_thing: bool
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
    #: It says 「収集」 or 「回収」 (collection itself).
    says_collection: bool
    #: It says a day the ward's rules speak of for everyone (「祝日」「年末」).
    says_rule_day: bool
    #: The phrases it says that decide what it is about (「回収されていなかった」,
    #: 「粗大ごみのシール」: ``deciding_phrases`` of ``data/matching_words.yml``).
    deciding_phrases: list[str]
    #: The whole name of a thing the catalog does not have (「ヨガマット」), as opposed to
    #: nothing, a fragment (the 「車」 of 「収集車が来なかった」) or a word of the knowledge
    #: entries (「年末」).
    unknown_thing: str
    #: Nothing is left once a 丁目, the fillers and the categories are taken out
    #: (「2丁目だと？」「隣の松が丘1丁目は？」), or nothing is named but the place
    #: (「2丁目は違うの？」).
    only_place: bool
    #: Besides a sentence that only tells the place, it asks something in another
    #: (「沼袋に住んでいます。粗大ごみはどこに申し込めばいいですか」).
    asks_besides_place: bool
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
    #: The items the message names are what brought the case about (the 油 of
    #: 「油で汚れちゃってる」 after 段ボール), not things asked about.
    case_named_by_cause: bool = False
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
        """「クッキーの缶って缶の日に出していいの？」「ジャムのびんは、びん・缶・ペット
        ボトルの日でいいですか」: whether a thing may go out on a category's day — about
        the thing, whose own category answers it."""
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
    language = message_language(original, catalog, context)
    base = base_language(language)
    rendering = None if base == JAPANESE else catalog.pivot(base).render(original)
    text = original if rendering is None else rendering.japanese
    intent = message.get("intent") or {}
    entities = {e["entity"]: e.get("value") for e in message.get("entities") or []}
    index = catalog.index()
    last_notes = last_item_notes(index, context)
    kind_notes = last_kind_notes(index, context)
    chosen = chosen_item(entities.get("item_id"), index.items)
    guide = catalog.categories()
    found = (
        found_besides_categories(index, _NOT_NAMES.sub(" ", text), guide)
        if chosen is None
        else MatchResult()
    )
    found = without_names_inside_unknown_words(found, rendering)
    key = match_key(text)
    found = without_names_inside_categories(found, key, guide)
    found = parts_named_apart(found, text, index)
    vocabulary = matching_words()
    unspaced = "".join(text.split())
    deciding = [phrase for phrase in vocabulary.deciding_phrases if phrase in unspaced]
    found = without_names_inside(found, deciding)
    morphemes = get_analyzer().analyze(text)
    found = parts_said_later(found, noun_runs(morphemes), index)
    writes_date = writes_a_date(text)
    says_day_words = says_any(text, vocabulary.schedule_words)
    asks_days = writes_date or says_a_date(morphemes) or says_day_words
    asks_category_topic = says_word(morphemes, vocabulary.category_topic) and not says_any(
        key, vocabulary.category_topic_not
    )
    if asks_days or asks_category_topic or says_word(morphemes, vocabulary.put_out_time):
        found = without_categories_asked(found, guide)
    outright, loose = named_outright(found)
    categories = categories_in(text, guide, [m.text for m in outright.mentions])
    place = place_named(text, catalog, context)
    topic_categories = catalog.categories().named_in(key, vocabulary.category_names)
    topic_categories = list(dict.fromkeys([*categories, *topic_categories]))
    category_words = _category_keys(guide, categories)
    topic_words = catalog.categories().name_keys(topic_categories, vocabulary.category_names)
    rest = without(key, longest_first(vocabulary.follow_up_fillers + category_words))
    rest_but_place = without_place(rest, place)
    asks_which_category = says_any(key, vocabulary.which_category)
    remainder = _remainder(text, outright, vocabulary.asking_words)
    says_only_place = not categories and names_nothing(
        besides_place(morphemes, place), vocabulary.question_words
    )
    # a sentence that only tells the place, or asks nothing, is no part of the question,
    # and a day the rules speak of decides what a message of several sentences asks
    question = question_besides_place(text, place)
    asked = sentences_saying(sentences_asking(question or text), vocabulary.rule_days)
    case = last_item_case(catalog, last_notes, kind_notes, text)
    # words of another language the pivot could not render are left as they were, which
    # Sudachi does not take for nouns
    nothing_named = names_nothing(morphemes, vocabulary.question_words) and not (
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
        asks_days=asks_days,
        writes_a_date=writes_date,
        says_day_words=says_day_words,
        asks_category_topic=asks_category_topic,
        topic_categories=topic_categories,
        only_topic=only_topic(
            rest, morphemes, topic_words + vocabulary.category_topic + vocabulary.follow_up_fillers
        ),
        wants_gone=says_any(text, vocabulary.disposal_words),
        refers_back=says_any(key, vocabulary.references),
        asks_where=says_any(key, vocabulary.where_words),
        says_bulky_thing=says_any(key, vocabulary.bulky_things),
        only_categories=bool(categories) and len(rest_but_place) <= 1 and not asks_which_category,
        asks_which_category=asks_which_category,
        says_nothing=not categories and nothing_named,
        says_nothing_but_place=says_only_place,
        says_garbage=says_any(key, vocabulary.garbage_words),
        says_collection=says_any(key, vocabulary.collection_words),
        says_rule_day=says_any(key, vocabulary.rule_days),
        deciding_phrases=deciding,
        unknown_thing=""
        if nothing_named
        else unknown_thing(found, text, catalog, rendering, category_words),
        only_place=place.town is not None and (len(rest_but_place) <= 1 or says_only_place),
        asks_besides_place=bool(question),
        says_big=says_any(key, vocabulary.over_size),
        says_small=says_any(key, vocabulary.under_size),
        size_cm=size_cm(text),
        # a category's day (「燃やすごみの収集日を知りたい」) is no entry's: its words stay
        knowledge=knowledge_hits(catalog, " ".join(deciding), original, JAPANESE)
        if deciding
        else titled_first(
            knowledge_hits(
                catalog,
                asked if says_day_words else blanked(asked, category_words),
                original,
                base,
            ),
            topic_categories,
        ),
        # a message naming items is read with the topic without them, so only in Japanese:
        # its own words still hold the items' names (the "TV" of "And the TV stand?")
        topical=topical_hits(
            catalog,
            context,
            remainder,
            original,
            JAPANESE if outright.mentions else base,
            nothing_named,
        ),
        beside_items=knowledge_hits(catalog, remainder, remainder, JAPANESE)
        if outright.mentions and names_a_subject(remainder)
        else [],
        entities=entities,
        refined=refined(index, context, text, outright, key, vocabulary.references, morphemes),
        last_size_limit=size_limit(last_notes),
        over_limit_is_bulky=over_limit_is_bulky(last_notes),
        under_limit_category=under_limit_category(last_notes),
        last_item_case=case,
        case_named_by_cause=caused_the_case(case, [m.text for m in outright.mentions], morphemes),
        meets_last_notes=not outright.mentions
        and meets_notes(last_notes + kind_notes, text, says_any(key, vocabulary.size_questions)),
        original=original,
        language=language,
        said_names=rendering.said if rendering else {},
        unknown_words=rendering.unknown if rendering else [],
    )


def _remainder(text: str, outright: MatchResult, asking_words: tuple[str, ...]) -> str:
    """What a message naming items says besides them and the asking: 「スマホから申し込め
    る？」 → 「から申し込める？」; nothing when that is only grammar and question words
    (the 「の方て」 of 「薬缶の出し方おしえて」); the message itself when it names none."""
    if not outright.mentions:
        return text
    for word in (*(m.text for m in outright.mentions), *asking_words):
        text = text.replace(word, " ")
    return if_it_says_anything(text)


def _category_keys(guide: CategoryGuide, categories: list[str]) -> tuple[str, ...]:
    """The match keys of every word for ``categories`` (and 「資源」, which names the
    resource categories together)."""
    keys = set(guide.name_keys(categories, CATEGORY_WORDS))
    if categories:
        keys.update(matching_words().resources)
    return tuple(keys)
