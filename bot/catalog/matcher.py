"""Finding the catalog items a resident's message is about.

The NLU model only says what kind of question it is; which item is meant is decided here,
against the live catalog, so an item or alias that staff add is found on the next message.

How a message is matched:

1. Sudachi splits it into morphemes. Each morpheme gives two keys (see
   :func:`bot.japanese.match_key`): its surface and its reading, so 「薬缶」 meets the
   catalog's 「やかん」 and 「ﾏｯﾄﾚｽ」 meets 「マットレス」.
2. Every substring of the joined surface keys and of the joined reading keys is looked up
   in a dict of catalog keys (names, readings, the parts of 「おけ・たらい」, other names in
   brackets such as 「乳母車（ベビーカー）」, aliases). Cost grows with the message length,
   not with the catalog size.
3. Short keys must sit on nouns: up to two characters (「本」「傘」「いす」) they must start
   and end on morpheme boundaries, three characters must start on one and not end inside a
   noun; so 「日本」 is not a 「本」, 「すみません」 no 「炭」, 「買った」 no 「カッター」 and
   「ラップトップ」 no 「ラップ」.
4. The longest matches win; matches that do not overlap are separate items
   (「アルミホイルとラップ」). A plain base name brings all its variants (「ざる」: 金属製,
   プラスチック製, 木製), narrowed by a material or use the message names.
5. With nothing found, the same search runs on sound keys (:func:`bot.japanese.sound_key`)
   for spellings that sound alike (「ベット」 for 「ベッド」).
6. Still nothing: rapidfuzz compares the message's noun phrase with the keys, and the closest
   items are offered as suggestions, never as the answer.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.catalog.item_names import (
    MATERIAL_KEYS,
    alternates,
    base_name,
    choose_variants,
    qualifier,
    without_cross_reference,
)
from bot.japanese import Morpheme, fold_kana, get_analyzer, match_key, sound_key

_MAX_KEY_LENGTH = 40
_KANA_ONLY = re.compile(r"^[ぁ-ゖー]+$")
#: Noun-like parts of speech: what an item's name in a question is made of.
_NOUN_POS = {"名詞", "接頭辞", "接尾辞", "形状詞"}
#: Words of the question itself, never part of an item's name.
_QUESTION_WORDS = {
    match_key(w)
    for w in (
        "ごみ", "ゴミ", "何", "なに", "なん", "捨て方", "出し方", "方", "分別", "処分", "種類",
        "日", "曜日", "いつ", "どこ", "どう", "どうやって", "これ", "それ", "の", "こと", "もの",
        "教えて", "区分", "収集", "回収",
    )
}  # fmt: skip


@dataclass(frozen=True)
class CatalogItem:
    """What the matcher and the answers need of an item; read from the database."""

    id: int
    name: str
    reading: str
    category: str
    notes: str = ""
    url: str | None = None
    guidance_key: str | None = None

    @property
    def base_name(self) -> str:
        return base_name(self.name)

    @property
    def qualifier(self) -> str:
        return qualifier(self.name)


@dataclass
class Mention:
    """One thing the message talks about and the items it may be."""

    text: str
    candidates: list[CatalogItem]
    #: The message named one item outright (its full name, or a button payload).
    exact: bool = False
    #: Where in the message it was named.
    start: int = 0
    end: int = 0

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.candidates))

    @property
    def is_ambiguous(self) -> bool:
        return len(self.categories) > 1


@dataclass
class MatchResult:
    mentions: list[Mention] = field(default_factory=list)
    #: Close items when nothing matched; to offer as buttons, never as the answer.
    suggestions: list[CatalogItem] = field(default_factory=list)
    #: The phrase the suggestions were looked for with.
    query: str = ""


@dataclass(frozen=True)
class _Span:
    first: int  # first morpheme
    last: int  # last morpheme, inclusive
    key: str
    by_reading: bool  # found in the readings rather than the surface


class _KeyTable:
    """Keys to item ids, and which keys name a whole variant group (a base name)."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {}
        #: Keys that are some item's base name: matching one brings its siblings.
        self.bases: dict[str, set[int]] = {}

    def add(self, key: str, item_id: int, *, base: bool = False) -> None:
        if key:
            self.ids.setdefault(key, set()).add(item_id)
            if base:
                self.bases.setdefault(key, set()).add(item_id)


class _FuzzyKeys:
    """Keys filed under their character bigrams.

    A fuzzy search then scores only the keys that share enough bigrams with the query,
    instead of every key: at 100,000 items that is the difference between ~15 ms and well
    under a millisecond (``scripts/bench_lookup.py``).
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        postings: dict[str, list[int]] = {}
        for number, key in enumerate(keys):
            for gram in _bigrams(key):
                postings.setdefault(gram, []).append(number)
        self._postings = {gram: array("i", numbers) for gram, numbers in postings.items()}

    def candidates(self, key: str) -> list[str]:
        grams = _bigrams(key)
        counts: Counter[int] = Counter()
        for gram in grams:
            counts.update(self._postings.get(gram, ()))
        needed = max(1, len(grams) // 3)
        return [self.keys[number] for number, count in counts.items() if count >= needed]


def reading_parts(reading: str) -> list[str]:
    """「おけ・たらい」 → 「おけ」「たらい」."""
    return [part for part in re.split(r"[・、]", reading) if part]


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


class CatalogIndex:
    """An immutable in-memory index of the catalog; build a new one when it changes."""

    def __init__(
        self, items: Iterable[CatalogItem], aliases: Iterable[tuple[str, int]] = ()
    ) -> None:
        self.items: dict[int, CatalogItem] = {item.id: item for item in items}
        self._exact = _KeyTable()
        #: Keys of full names, for which a match is exact (one item, no question back).
        self._full: dict[str, int] = {}
        for item in self.items.values():
            for name in alternates(item.name):
                self._exact.add(match_key(name), item.id, base=name == item.base_name)
            # Readings have no 「製」 to tell a qualifier by, so only the name's own reading.
            reading = base_name(item.reading or "")
            for name in (without_cross_reference(item.reading or ""), *reading_parts(reading)):
                self._exact.add(match_key(name), item.id)
            self._exact.add(match_key(reading), item.id, base=True)
            if not item.qualifier:
                self._full.setdefault(match_key(without_cross_reference(item.reading)), item.id)
            self._full.setdefault(match_key(without_cross_reference(item.name)), item.id)
        for alias, item_id in aliases:
            if item_id in self.items:
                self._exact.add(match_key(alias), item_id)
        self._sound = _KeyTable()
        for key, ids in self._exact.ids.items():
            bases = self._exact.bases.get(key, set())
            for item_id in ids:
                self._sound.add(sound_key(key), item_id, base=item_id in bases)
        self._fuzzy = _FuzzyKeys(list(self._exact.ids))
        self._analyzer = get_analyzer()

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> MatchResult:
        morphemes = self._analyzer.analyze(text)
        for table, key_of in ((self._exact, match_key), (self._sound, sound_key)):
            mentions = self._mentions(text, morphemes, table, key_of)
            if mentions:
                return MatchResult(mentions=mentions)
        query = noun_phrase(morphemes)
        return MatchResult(suggestions=self.similar(query), query=query)

    def similar(self, phrase: str, limit: int = 3, cutoff: float = 60.0) -> list[CatalogItem]:
        """Up to ``limit`` items whose keys look most like ``phrase``."""
        key = match_key(phrase)
        if len(key) < 2:
            return []
        found: list[CatalogItem] = []
        for choice, _score, _ in process.extract(
            key,
            self._fuzzy.candidates(key),
            scorer=fuzz.ratio,
            limit=limit * 4,
            score_cutoff=cutoff,
        ):
            for item_id in sorted(self._exact.ids[choice]):
                item = self.items[item_id]
                if item not in found:
                    found.append(item)
        return found[:limit]

    def _mentions(
        self,
        text: str,
        morphemes: list[Morpheme],
        table: _KeyTable,
        key_of: Callable[[str], str],
    ) -> list[Mention]:
        spans = [
            *_spans_in([key_of(m.text) for m in morphemes], morphemes, table, by_reading=False),
            *_spans_in([key_of(_reading(m)) for m in morphemes], morphemes, table, by_reading=True),
        ]
        groups = _longest_first(spans)
        named = [g for g in groups if any(span.key not in MATERIAL_KEYS for span in g)]
        if named:
            # 「ガラスの花びん」: the material qualifies the other item, it is not one.
            groups = named
        mentions = [self._mention(text, morphemes, group, table) for group in groups]
        return _focused(text, sorted(mentions, key=lambda m: m.start))

    def _mention(
        self, text: str, morphemes: list[Morpheme], group: list[_Span], table: _KeyTable
    ) -> Mention:
        start, end = morphemes[group[0].first].start, morphemes[group[0].last].end
        said = text[start:end]
        full = {self._full[span.key] for span in group if span.key in self._full}
        if len(full) == 1 and table is self._exact:
            # The full name of one item (「スプレー缶」) beats the items that merely
            # mention it (「殺虫剤の容器（スプレー缶）」).
            return Mention(said, [self.items[full.pop()]], exact=True, start=start, end=end)
        ids: set[int] = set()
        for span in group:
            ids |= table.ids[span.key]
            ids |= self._siblings(table.bases.get(span.key, set()))
        candidates = sorted((self.items[i] for i in ids), key=lambda item: item.id)
        if len(candidates) > 1:
            context = text.replace(said, " ")
            chosen = choose_variants(((c.name, c.qualifier) for c in candidates), context)
            candidates = [c for c in candidates if c.name in chosen] or candidates
        return Mention(said, candidates, start=start, end=end)

    def _siblings(self, item_ids: set[int]) -> set[int]:
        """Items sharing a base name with ``item_ids``: the variants of the same thing."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self._exact.bases.get(match_key(self.items[item_id].base_name), set())
        return found


def _focused(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions a resident asks about, in order.

    In 「AのB」 A only says which B (「灯油のポリタンク」, 「ストーブの灯油」), so A goes; an item
    named twice is answered once.
    """
    kept: list[Mention] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if following is not None and text[mention.end : following.start] == "の":
            continue
        if any(k.candidates == mention.candidates for k in kept):
            continue
        kept.append(mention)
    return kept


def _spans_in(
    keys: list[str], morphemes: list[Morpheme], table: _KeyTable, *, by_reading: bool
) -> list[_Span]:
    """Every catalog key in the joined ``keys`` that sits where a name can (see rule 3)."""
    joined = "".join(keys)
    owner: list[int] = []  # morpheme index of each character of ``joined``
    starts, ends = set(), set()
    for index, key in enumerate(keys):
        starts.add(len(owner))
        owner += [index] * len(key)
        ends.add(len(owner))
    spans = []
    for begin in range(len(joined)):
        for end in range(begin + 1, min(len(joined), begin + _MAX_KEY_LENGTH) + 1):
            key = joined[begin:end]
            if key not in table.ids:
                continue
            first, last = owner[begin], owner[end - 1]
            if len(key) <= 3:
                if begin not in starts or morphemes[first].pos[0] not in _NOUN_POS:
                    continue
                if end not in ends and (
                    len(key) <= 2 or morphemes[last].pos[0] in _NOUN_POS
                ):  # 「ラップトップ」 is no 「ラップ」; 「体温計って」 (体温|計っ) is a 体温計
                    continue
                if len(key) <= 2 and any(
                    m.pos[0] not in _NOUN_POS for m in morphemes[first : last + 1]
                ):
                    continue
            spans.append(_Span(first, last, key, by_reading))
    return spans


def _reading(morpheme: Morpheme) -> str:
    """The reading where Sudachi has one in kana; otherwise the surface (Latin, digits)."""
    reading = fold_kana(morpheme.reading)
    return reading if _KANA_ONLY.match(reading) else morpheme.text


def _longest_first(spans: list[_Span]) -> list[list[_Span]]:
    """Non-overlapping groups of spans, longest first; a group's spans cover the same
    morphemes and name one thing together.

    Where the surface matched, the reading's matches for the same morphemes are dropped:
    a kanji spelling says more than its sound (「箸」 is not every 「はし」). Of the rest,
    the longest keys win: in the one morpheme 「アイロン台」, 「アイロン」 matches too.
    """
    by_range: dict[tuple[int, int], list[_Span]] = {}
    for span in spans:
        by_range.setdefault((span.first, span.last), []).append(span)
    ordered = sorted(by_range.items(), key=lambda kv: (-max(len(s.key) for s in kv[1]), kv[0]))
    taken: list[list[_Span]] = []
    used: set[int] = set()
    for (first, last), group in ordered:
        covered = set(range(first, last + 1))
        if covered & used:
            continue
        used |= covered
        group = [s for s in group if not s.by_reading] or group
        longest = max(len(s.key) for s in group)
        taken.append([s for s in group if len(s.key) == longest])
    return taken


def noun_phrase(morphemes: list[Morpheme]) -> str:
    """The longest run of noun-like morphemes that are not question words.

    「ぷりんたーのすてかた」 → 「ぷりんたー」; what an unknown item is probably called.
    """
    best: list[Morpheme] = []
    run: list[Morpheme] = []
    for m in [*morphemes, None]:
        if m is not None and m.pos[0] in _NOUN_POS and match_key(m.text) not in _QUESTION_WORDS:
            run.append(m)
            continue
        if sum(len(x.text) for x in run) > sum(len(x.text) for x in best):
            best = run
        run = []
    return "".join(m.text for m in best)
