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
#: A question of at most this many letters may be a bare, misspelt item name.
_TYPO_MAX_LENGTH = 10
_TYPO_MIN_SCORE = 80.0
_TYPO_MARGIN = 8.0
_KANA_ONLY = re.compile(r"^[ぁ-ゖー]+$")
_FOREIGN_SCRIPT = re.compile(r"^[ァ-ヺーｦ-ﾟA-Za-zＡ-Ｚａ-ｚ0-9０-９]+$")
_KANJI = re.compile(r"[一-龥々]")
_SPACES = re.compile(r"[\s\u3000]+")
#: Noun-like parts of speech: what an item's name in a question is made of.
_NOUN_POS = {"名詞", "接頭辞", "接尾辞", "形状詞"}
#: What a short name must begin with: a noun or a prefix (「お盆」), not a counter (「4本」).
_SHORT_NAME_POS = {"名詞", "接頭辞"}
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
    #: One suggestion so much closer than the rest that the query is surely a typo of it
    #: (「フライパソ」 → フライパン); answered as 「…のことでしょうか」.
    likely: CatalogItem | None = None


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
            self._full.setdefault(match_key(without_cross_reference(item.name)), item.id)
        self._analyzer = get_analyzer()
        # Readings name an item in full only where no name does: 「こと」 is 琴 by its
        # reading, but 「コート」 (also こと without the long vowel) by its name.
        for item in self.items.values():
            if not item.qualifier:
                reading = match_key(without_cross_reference(item.reading or ""))
                self._full.setdefault(reading, item.id)
        for alias, item_id in aliases:
            if item_id in self.items:
                self._exact.add(match_key(alias), item_id)
                # Aliases carry no reading of their own: Sudachi's, so that 「しっぷ」 finds
                # the alias 「湿布」.
                reading = "".join(_reading(m) for m in self._analyzer.analyze(alias))
                self._exact.add(match_key(reading), item_id)
        self._sound = _KeyTable()
        for key, ids in self._exact.ids.items():
            bases = self._exact.bases.get(key, set())
            for item_id in ids:
                self._sound.add(sound_key(key), item_id, base=item_id in bases)
        self._fuzzy = _FuzzyKeys(list(self._exact.ids))

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> MatchResult:
        """The items ``text`` names; failing that, close items to suggest.

        The exact keys are tried on the text as typed and on the text with fillers and
        「の」 between nouns dropped (「目薬のからの容器」 → 「目薬の容器」, 「浄水器の
        カートリッジ」 → 「浄水器カートリッジ」); the reading that names the most wins. Only
        if none names anything are the sound keys tried.
        """
        morphemes = self._analyzer.analyze(text)
        readings = [
            self._mentions(candidate, analysed, self._exact, match_key)
            for candidate, analysed in (
                (text, morphemes),
                *((r, self._analyzer.analyze(r)) for r in _rewrites(text)),
            )
        ]
        best = max(readings, key=lambda ms: sum(len(m.text) for m in ms))
        if best:
            return MatchResult(mentions=best)
        sounded = self._mentions(text, morphemes, self._sound, sound_key)
        if sounded:
            return MatchResult(mentions=sounded)
        query = noun_phrase(morphemes, text)
        scored = self._scored(query)
        whole = text.strip(" 　?？!！。、")
        if len(match_key(whole)) <= _TYPO_MAX_LENGTH and whole != query:
            # A bare word that Sudachi cut up (「ぬいぐみる」 → ぬい|ぐ|みる).
            alternative = self._scored(whole)
            if alternative and (not scored or alternative[0][1] > scored[0][1]):
                query, scored = whole, alternative
        suggestions = _distinct_items(scored)[:3]
        # A word Sudachi knows whole (「サンドバッグ」) is what it says, not a slip for a
        # catalog name one letter away (ハンドバッグ).
        known = [m for m in self._analyzer.analyze(query) if not m.oov]
        real_word = len(known) == 1 and known[0].text == query
        likely = None if real_word else _likely_typo(query, scored)
        return MatchResult(suggestions=suggestions, query=query, likely=likely)

    def similar(self, phrase: str, limit: int = 3) -> list[CatalogItem]:
        """Up to ``limit`` items whose keys look most like ``phrase``."""
        return _distinct_items(self._scored(phrase))[:limit]

    def _scored(self, phrase: str, cutoff: float = 60.0) -> list[tuple[CatalogItem, float]]:
        """Items whose keys look like ``phrase``, best first, with the score of the key."""
        key = match_key(phrase)
        if len(key) < 2:
            return []
        scored: list[tuple[CatalogItem, float]] = []
        for choice, score, _ in process.extract(
            key, self._fuzzy.candidates(key), scorer=fuzz.ratio, limit=12, score_cutoff=cutoff
        ):
            scored += [(self.items[i], score) for i in sorted(self._exact.ids[choice])]
        return scored

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
        if table is self._sound:
            spans = [s for s in spans if _trusted_sound_match(s, morphemes)]
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
        matched: set[int] = set().union(*(table.ids[span.key] for span in group))
        # What the message says of material or use (「割れた」「プラスチックの」) may choose
        # among all variants of the matched items, even of one named in full.
        pool = sorted((self.items[i] for i in self._siblings(matched) | matched), key=_by_id)
        context = text[:start] + " " + text[end:]
        chosen = choose_variants([(c.name, c.qualifier) for c in pool], context)
        if chosen:
            candidates = [c for c in pool if c.name in chosen]
            return Mention(said, candidates, exact=len(candidates) == 1, start=start, end=end)
        full = {self._full[span.key] for span in group if span.key in self._full}
        if len(full) == 1 and table is self._exact:
            # The full name of one item (「スプレー缶」) beats the items that merely
            # mention it (「殺虫剤の容器（スプレー缶）」).
            return Mention(said, [self.items[full.pop()]], exact=True, start=start, end=end)
        ids = set(matched)
        for span in group:
            # A base name (「ざる」) means any of its variants; an alias or a full name only
            # the items it names.
            ids |= self._siblings(table.bases.get(span.key, set()))
        candidates = sorted((self.items[i] for i in ids), key=_by_id)
        return Mention(said, candidates, start=start, end=end)

    def _siblings(self, item_ids: set[int]) -> set[int]:
        """Items sharing a base name with ``item_ids``: the variants of the same thing."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self._exact.bases.get(match_key(self.items[item_id].base_name), set())
        return found


def _distinct_items(scored: list[tuple[CatalogItem, float]]) -> list[CatalogItem]:
    return list(dict.fromkeys(item for item, _score in scored))


def _likely_typo(query: str, scored: list[tuple[CatalogItem, float]]) -> CatalogItem | None:
    """The one item ``query`` is a slip of the keyboard for, if it clearly is one: a word of
    four or more letters, 80% alike, and well ahead of any other item."""
    if len(match_key(query)) < 4 or not scored or scored[0][1] < _TYPO_MIN_SCORE:
        return None
    best, score = scored[0]
    runner_up = next((s for item, s in scored if item != best), 0.0)
    return best if score - runner_up >= _TYPO_MARGIN else None


def _by_id(item: CatalogItem) -> int:
    return item.id


#: What may stand between two items a resident asks about together (「AとB」「A、B」).
_COORDINATION = re.compile(
    r"^\s+$"  # nothing at all between them is one name (「灯油ポリタンク」), not two
    r"|^\s*(?:[、,，・/／]|及び|および|and|それと|それから|あと)"
    r"|^\s*(?:とか|と|や|も|か)(?![ぁ-ゖ])"  # 「と古い」 joins, 「から」 does not
)
#: Words that stand inside a name without changing it: 「目薬のからの容器」, 「空ボトル」.
_FILLERS = re.compile(r"の(?:から|カラ|空)(?:っぽ)?の?|(?:付き|つき|入り)の")
#: 「の」 between two nouns, which residents add to names: 「麻雀のパイ」 for 「麻雀パイ」.
_LINKING_NO = re.compile(r"(?<=[ぁ-んァ-ン一-龥A-Za-zＡ-Ｚａ-ｚ])の(?=[ァ-ヴー一-龥])")


#: A container named straight after its contents: 「マーガリン容器」 for 「マーガリンの容器」.
_BARE_CONTAINER = re.compile(
    r"(?<=[ァ-ヴー一-龥])(?=(?:容器|ボトル|袋|箱|缶|びん|瓶|パック|ケース|カップ|ふた|キャップ))"
)


def _rewrites(text: str) -> list[str]:
    """Other spellings of ``text`` to try besides the one typed."""
    without_fillers = _FILLERS.sub("の", text)
    candidates = [
        without_fillers,
        _LINKING_NO.sub("", without_fillers),
        _BARE_CONTAINER.sub("の", without_fillers),
    ]
    return [c for c in dict.fromkeys(candidates) if c != text]


def _focused(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions a resident asks about, in order.

    Items named together (「アルミホイルとラップ」) are all asked about. Otherwise the
    later one is the subject and the earlier only says which or where: 「灯油のポリタンク」,
    「お菓子の袋に入ってる乾燥剤」, 「プランターに入ってた土」. An item named twice is
    answered once.
    """
    kept: list[Mention] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if following is not None and not _COORDINATION.match(text[mention.end : following.start]):
            continue
        if any(k.candidates == mention.candidates for k in kept):
            continue
        kept.append(mention)
    return kept


def _trusted_sound_match(span: _Span, morphemes: list[Morpheme]) -> bool:
    """A sound-key match is trusted when it is long; when spelled in katakana or Latin,
    where residents' spellings wander (「ベット」); or when written in kanji, whose reading
    is Sudachi's (「画鋲」 for the catalog's misspelt reading 「かびょう」). A short word in
    hiragana may just sound alike: 「からっぽ」 is no 「ガラホ」."""
    covered = morphemes[span.first : span.last + 1]
    return (
        len(span.key) >= 4
        or all(_FOREIGN_SCRIPT.match(m.text) for m in covered)
        or (len(span.key) >= 3 and any(_KANJI.search(m.text) for m in covered))
    )


def _spans_in(
    keys: list[str], morphemes: list[Morpheme], table: _KeyTable, *, by_reading: bool
) -> list[_Span]:
    """Every catalog key in the joined ``keys`` that sits where a name can (see rule 3)."""
    joined = "".join(keys)
    chunk_starts, chunk_ends = _chunk_edges(morphemes)
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
            whole_word = (
                first in chunk_starts and last in chunk_ends and begin in starts and end in ends
            )
            if len(key) <= 3 and _function_word(morphemes[first : last + 1]):
                continue  # 「…することに」 says nothing of a コート (こと without its ー)
            if len(key) <= 3 and not whole_word:
                if begin not in starts or morphemes[first].pos[0] not in _SHORT_NAME_POS:
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


#: Hiragana nouns that carry grammar, not things: never an item however they sound.
_FUNCTION_NOUNS = frozenset(
    [
        "こと",
        "もの",
        "ところ",
        "とき",
        "ため",
        "よう",
        "ほう",
        "わけ",
        "はず",
        "つもり",
        "うち",
        "まま",
        "ほか",
        "なか",
        "あと",
        "まえ",
        "うえ",
        "した",
        "いま",
        "どこ",
        "なに",
        "これ",
        "それ",
        "あれ",
        "どれ",
    ]
)


def _function_word(covered: list[Morpheme]) -> bool:
    text = "".join(m.text for m in covered)
    return text in _FUNCTION_NOUNS


def _chunk_edges(morphemes: list[Morpheme]) -> tuple[set[int], set[int]]:
    """Morphemes that begin and end a space-separated word: 「しっぷ　すてる」 is typed as
    words, whatever Sudachi makes of the hiragana (しっ|ぷ)."""
    starts, ends = set(), set()
    for index, m in enumerate(morphemes):
        if index == 0 or morphemes[index - 1].end < m.start:
            starts.add(index)
        if index == len(morphemes) - 1 or morphemes[index + 1].start > m.end:
            ends.add(index)
    return starts, ends


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


def noun_phrase(morphemes: list[Morpheme], text: str = "") -> str:
    """What an unknown item is probably called.

    Words set apart by spaces, as many type on a phone (「せんたっき　こわれた」), give the
    first word; otherwise the longest run of noun-like morphemes that are not question
    words: 「ぷりんたーのすてかた」 → 「ぷりんたー」.
    """
    words = [w for w in _SPACES.split(text.strip()) if len(match_key(w)) >= 2]
    if len(words) > 1 and match_key(words[0]) not in _QUESTION_WORDS:
        return words[0]
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
