"""Finding the catalog items a resident's message is about.

The NLU model only says what kind of question it is; which item is meant is decided here,
against the live catalog, so an item or alias that staff add is found on the next message.

How a message is matched:

1. Sudachi splits it into morphemes. Each morpheme gives two keys (see
   :func:`bot.japanese.match_key`): its surface and its reading, so 「薬缶」 meets the
   catalog's 「やかん」 and 「ﾏｯﾄﾚｽ」 meets 「マットレス」.
2. Every substring of the joined surface keys and of the joined reading keys is looked up
   in a dict of catalog keys (names, readings, the parts of 「おけ・たらい」, alternates in
   brackets such as 「乳母車（ベビーカー）」, aliases). Cost grows with the message length,
   not with the catalog size.
3. Short keys (up to three characters: 「本」「傘」「いす」) must start and end on morpheme
   boundaries, so 「日本」 is not a 「本」 and 「ください」 no 「さい」.
4. The longest matches win; matches that do not overlap are separate items
   (「アルミホイルとラップ」).
5. With nothing found, rapidfuzz compares the message's noun phrase with every key, and the
   closest items are offered as suggestions, never as the answer.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.japanese import Morpheme, fold_kana, get_analyzer, match_key

#: Keys this short must sit on morpheme boundaries (see the module docstring).
_BOUNDARY_KEY_LENGTH = 3
_MAX_KEY_LENGTH = 40
_QUALIFIER = re.compile(r"[（(]([^）)]*)[）)]")
_CROSS_REFERENCE = re.compile(r"[／/]※.*$")
_KANA_ONLY = re.compile(r"^[ぁ-ゖー]+$")
#: Bracket contents that describe a variant rather than name the same thing again.
_QUALIFIER_HINTS = ("製", "用", "もの", "以外", "など", "式", "類", "：", ":", "以下", "以上", "超")

#: Materials residents name, and the words of the catalog's qualifiers they select.
MATERIALS: dict[str, tuple[str, ...]] = {
    "金属": ("金属", "鉄", "アルミ", "ステンレス", "スチール", "ブリキ", "銅", "メタル"),
    "プラスチック": ("プラスチック", "プラ", "ビニール", "樹脂", "ポリ", "発泡スチロール"),
    "木": ("木", "木製", "竹", "ウッド", "木材"),
    "陶器": ("陶器", "瀬戸物", "せともの", "セラミック", "磁器", "素焼き"),
    "ガラス": ("ガラス", "硝子"),
    "紙": ("紙",),
    "布": ("布", "綿", "ウール"),
    "革": ("革", "皮", "レザー"),
    "電動": ("電動", "電気", "充電"),
}
_MATERIAL_KEYS = {match_key(word) for words in MATERIALS.values() for word in words}
# Noun-like parts of speech that can make up an item's name in a question.
_NOUN_POS = {"名詞", "接頭辞", "接尾辞", "形状詞"}
# Words of the question itself, never part of an item's name.
_QUESTION_WORDS = {
    match_key(w)
    for w in (
        "ごみ",
        "ゴミ",
        "何",
        "なに",
        "なん",
        "捨て方",
        "出し方",
        "方",
        "分別",
        "処分",
        "種類",
        "日",
        "曜日",
        "いつ",
        "どこ",
        "どう",
        "どうやって",
        "これ",
        "それ",
        "の",
        "こと",
        "もの",
        "教えて",
        "区分",
        "収集",
        "回収",
    )
}


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
        """The name without qualifier or cross-reference: 「いす（金属製）」 → 「いす」."""
        return base_name(self.name)

    @property
    def qualifier(self) -> str:
        """The bracketed qualifiers of the name joined: 「いす（金属製）」 → 「金属製」."""
        return "・".join(_QUALIFIER.findall(_CROSS_REFERENCE.sub("", self.name)))


def base_name(name: str) -> str:
    return _QUALIFIER.sub("", _CROSS_REFERENCE.sub("", name)).strip()


def _alternates(name: str) -> list[str]:
    """Other names an item's own name carries: 「おけ・たらい」, 「乳母車（ベビーカー）」."""
    plain = _CROSS_REFERENCE.sub("", name)
    names = [plain, base_name(name)]
    names += re.split(r"[・、]", base_name(name))
    for inside in _QUALIFIER.findall(plain):
        if not any(hint in inside for hint in _QUALIFIER_HINTS):
            names += [
                part
                for part in re.split(r"[・、]", inside)
                if len(part) >= 2 and match_key(part) not in _MATERIAL_KEYS
            ]
    return names


@dataclass
class Mention:
    """One thing the message talks about and the items it may be."""

    text: str
    candidates: list[CatalogItem]
    #: The message named one item outright (its full name, or a button payload).
    exact: bool = False

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
    length: int  # in key characters
    key: str
    by_reading: bool  # found in the readings rather than the surface


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


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


class CatalogIndex:
    """An immutable in-memory index of the catalog; build a new one when it changes."""

    def __init__(
        self, items: Iterable[CatalogItem], aliases: Iterable[tuple[str, int]] = ()
    ) -> None:
        self.items: dict[int, CatalogItem] = {item.id: item for item in items}
        self._keys: dict[str, set[int]] = {}
        #: Keys of full names, for which a match is exact (one item, no question back).
        self._exact: dict[str, int] = {}
        for item in self.items.values():
            for name in _alternates(item.name):
                self._add(match_key(name), item.id)
            reading = item.reading or ""
            for name in (base_name(reading), *re.split(r"[・、]", base_name(reading))):
                self._add(match_key(name), item.id)
            self._exact.setdefault(match_key(_CROSS_REFERENCE.sub("", item.name)), item.id)
        for alias, item_id in aliases:
            if item_id in self.items:
                self._add(match_key(alias), item_id)
        self._fuzzy = _FuzzyKeys(list(self._keys))
        self._analyzer = get_analyzer()

    def _add(self, key: str, item_id: int) -> None:
        if len(key) >= 1:
            self._keys.setdefault(key, set()).add(item_id)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> MatchResult:
        morphemes = self._analyzer.analyze(text)
        groups = _longest_first(self._spans(morphemes))
        named = [g for g in groups if any(span.key not in _MATERIAL_KEYS for span in g)]
        if named:
            # 「ガラスの花びん」: the material qualifies the other item, it is not one.
            groups = named
        mentions = [self._mention(text, morphemes, group) for group in groups]
        mentions.sort(key=lambda m: text.find(m.text))
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
            for item_id in sorted(self._keys[choice]):
                item = self.items[item_id]
                if item not in found:
                    found.append(item)
        return found[:limit]

    def _spans(self, morphemes: list[Morpheme]) -> list[_Span]:
        surface = self._spans_in([match_key(m.text) for m in morphemes], by_reading=False)
        reading = self._spans_in([match_key(_reading(m)) for m in morphemes], by_reading=True)
        return surface + reading

    def _spans_in(self, keys: list[str], *, by_reading: bool) -> list[_Span]:
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
                if key not in self._keys:
                    continue
                if len(key) <= _BOUNDARY_KEY_LENGTH and (begin not in starts or end not in ends):
                    continue
                spans.append(_Span(owner[begin], owner[end - 1], len(key), key, by_reading))
        return spans

    def _mention(self, text: str, morphemes: list[Morpheme], group: list[_Span]) -> Mention:
        said = text[morphemes[group[0].first].start : morphemes[group[0].last].end]
        exact = {self._exact[span.key] for span in group if span.key in self._exact}
        if len(exact) == 1:
            # The full name of one item (「スプレー缶」) beats items that merely mention it
            # (「殺虫剤の容器（スプレー缶）」).
            return Mention(said, [self.items[exact.pop()]], exact=True)
        ids = set().union(*(self._keys[span.key] for span in group))
        candidates = self._with_variants(ids)
        chosen = _by_material(candidates, text.replace(said, " "))
        return Mention(said, chosen or candidates)

    def _with_variants(self, item_ids: set[int]) -> list[CatalogItem]:
        """The matched items plus their siblings (same base name, other qualifier)."""
        bases = {match_key(self.items[i].base_name) for i in item_ids}
        ids = set(item_ids)
        for base in bases:
            ids |= {
                i for i in self._keys.get(base, ()) if match_key(self.items[i].base_name) == base
            }
        return sorted((self.items[i] for i in ids), key=lambda item: item.id)


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
    ordered = sorted(by_range.items(), key=lambda kv: (-max(s.length for s in kv[1]), kv[0]))
    taken: list[list[_Span]] = []
    used: set[int] = set()
    for (first, last), group in ordered:
        covered = set(range(first, last + 1))
        if covered & used:
            continue
        used |= covered
        group = [s for s in group if not s.by_reading] or group
        longest = max(s.length for s in group)
        taken.append([s for s in group if s.length == longest])
    return taken


def _by_material(candidates: list[CatalogItem], text: str) -> list[CatalogItem]:
    """The variants whose qualifier names a material the message names (「金属のおたま」)."""
    if len(candidates) < 2:
        return candidates
    said = match_key(text)
    wanted = [
        material
        for material, words in MATERIALS.items()
        if any(match_key(word) in said for word in words)
    ]
    if not wanted:
        return []
    return [
        c
        for c in candidates
        if any(
            any(match_key(word) in match_key(c.qualifier) for word in MATERIALS[m]) for m in wanted
        )
    ]


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
