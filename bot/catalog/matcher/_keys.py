"""The catalog's keys: every spelling that names an item, filed for each stage's lookups.

Built once per catalog revision; the stages of a lookup only read it.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.catalog.item_names import (
    MATERIAL_KEYS,
    alternates,
    base_name,
    contents_and_container,
    prefixed_name,
    state_variant,
    without_cross_reference,
    words_for,
)
from bot.catalog.matcher._models import CatalogItem
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, fold_kana, get_analyzer, match_key, sound_key

KANJI = re.compile(r"[一-龥々]")
KANA_ONLY = re.compile(r"^[ぁ-ゖー]+$")


def morpheme_reading(morpheme: Morpheme) -> str:
    """The reading where Sudachi has one in kana; otherwise the surface (Latin, digits).
    A number's reading is no word's: the 8 of 「8時半」 (はち) is no 鉢."""
    if morpheme.pos[1] == "数詞":
        return morpheme.text
    reading = fold_kana(morpheme.reading)
    return reading if KANA_ONLY.match(reading) else morpheme.text


def reading_parts(reading: str) -> list[str]:
    """「おけ・たらい」 → 「おけ」「たらい」."""
    return [part for part in re.split(r"[・、]", reading) if part]


@dataclass(frozen=True)
class ContentsKey:
    """What a container held and the kind of container: 「灯油」「容器」 of 「灯油の容器」."""

    contents: str
    kind: str

    def __len__(self) -> int:
        """As long as the name it stands for, 「<contents>の<kind>」."""
        return len(self.contents) + 1 + len(self.kind)


class KeyTable:
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


class FuzzyKeys:
    """Keys filed under their character bigrams.

    A fuzzy search then scores only the keys that share enough bigrams with the query,
    instead of every key: at 100,000 items that is the difference between ~15 ms and well
    under a millisecond (``scripts/measure/bench_lookup.py``).
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
        # In the keys' own order: items tied in score are then offered the same way every run.
        return [self.keys[number] for number in sorted(counts) if counts[number] >= needed]


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


#: Words of a qualifier that say a state of the thing, not a kind.
_STATE_WORDS = tuple(matching_words().states)


class CatalogKeys:
    """Every key of the catalog's items and aliases, and how items relate (variants,
    states, containers); immutable once built."""

    def __init__(self, items: Iterable[CatalogItem], aliases: Iterable[tuple[str, int]]) -> None:
        self.items: dict[int, CatalogItem] = {item.id: item for item in items}
        self.analyzer = get_analyzer()
        #: Sudachi's finest split, for the heads of compounds it reads as one word.
        self.finest = get_analyzer("A")
        self.exact = KeyTable()
        #: Keys of full names, for which a match is exact (one item, no question back).
        self.full: dict[str, int] = {}
        #: 「びん」 → 「汚れたビン」: items that are a state of a plain thing.
        self._states: dict[str, set[int]] = {}
        #: What a container held and its kind (「線香」「箱」) → the items named by them.
        self.contents: dict[ContentsKey, set[int]] = {}
        #: 「しと」 (シート) → 自動車のシート and the words that say 自動車 (see
        #: :func:`bot.catalog.matcher._spans.shortened_spans`).
        self.shortened: dict[str, list[tuple[int, set[str]]]] = {}
        for item in self.items.values():
            self._add_names(item)
        # Readings name an item in full only where no name does: 「こと」 is 琴 by its
        # reading, but 「コート」 (also こと without the long vowel) by its name.
        for item in self.items.values():
            if not item.qualifier:
                reading = match_key(without_cross_reference(item.reading or ""))
                self.full.setdefault(reading, item.id)
        for alias, item_id in aliases:
            if item_id in self.items:
                self.exact.add(match_key(alias), item_id)
                # Aliases carry no reading of their own: Sudachi's, so that 「しっぷ」 finds
                # the alias 「湿布」.
                self.exact.add(self.sudachi_reading(alias), item_id)
                self._add_contents(alias, item_id)
        #: For every item, the items that are a state of it (see :meth:`states_of`).
        self._state_items: dict[int, set[int]] = {}
        self._file_kin_states()
        self._file_states()
        self.sound = KeyTable()
        #: Sound key → the exact keys it stands for, and the items of each.
        self.sound_sources: dict[str, dict[str, set[int]]] = {}
        for key, ids in self.exact.ids.items():
            bases = self.exact.bases.get(key, set())
            sounded = sound_key(key)
            self.sound_sources.setdefault(sounded, {})[key] = ids
            for item_id in ids:
                self.sound.add(sounded, item_id, base=item_id in bases)
        self.fuzzy = FuzzyKeys(list(self.exact.ids))
        #: Base names of items with variants (「バッグ（布製・革製）」): classes of things,
        #: which an unknown compound ending in one (「トートバッグ」) belongs to.
        self.classes = {
            key
            for key, ids in self.exact.bases.items()
            if len(key) >= 2
            and key not in MATERIAL_KEYS
            and any(self.items[i].qualifier for i in ids)
        }

    def _add_names(self, item: CatalogItem) -> None:
        """File the keys an item's own name and reading carry."""
        plain = without_cross_reference(item.name)
        for name in alternates(item.name):
            self.exact.add(match_key(name), item.id, base=name == item.base_name)
            if name not in (plain, item.base_name) and KANJI.search(name):
                # Another name in brackets has no reading in the catalog: Sudachi's, so
                # that 「まほうびん」 finds 「ポット（電気ポット・魔法瓶）」.
                self.exact.add(self.sudachi_reading(name), item.id)
        if KANJI.search(item.base_name):
            # The catalog's reading may be misspelt (画びょう 「かびょう」): Sudachi's too,
            # so that 「がびょう」 finds it. Only for a reading long enough to be one word.
            spoken = self.sudachi_reading(item.base_name)
            if len(spoken) >= 3:
                self.exact.add(spoken, item.id)
        # Readings have no 「製」 to tell a qualifier by, so only the name's own reading.
        reading = base_name(item.reading or "")
        for name in (without_cross_reference(item.reading or ""), *reading_parts(reading)):
            self.exact.add(match_key(name), item.id)
        self.exact.add(match_key(reading), item.id, base=True)
        self.full.setdefault(match_key(plain), item.id)
        for spelling in (item.base_name, reading):
            state = state_variant(spelling)
            if state is not None:
                self._states.setdefault(match_key(state[0]), set()).add(item.id)
        self._add_contents(item.name, item.id)
        shortened = prefixed_name(item.name)
        if shortened is not None:
            prefix, rest = shortened
            self.shortened.setdefault(match_key(rest), []).append((item.id, words_for(prefix)))

    def _add_contents(self, name: str, item_id: int) -> None:
        for contents, kind in contents_and_container(name):
            for key in {contents, self.sudachi_reading(contents)}:
                self.contents.setdefault(ContentsKey(key, kind), set()).add(item_id)

    def sudachi_reading(self, text: str) -> str:
        """The key of ``text`` as Sudachi reads it."""
        return match_key("".join(morpheme_reading(m) for m in self.analyzer.analyze(text)))

    def _file_kin_states(self) -> None:
        """Items the catalog describes alike (the same category and notes: 服, 洋服,
        ジャケット, 衣類) share the state variants one of them has: 「汚れた服」 is a
        「衣類（汚れたもの）」."""
        kin: dict[tuple[str, str], set[int]] = {}
        for item in self.items.values():
            if item.notes.strip() and not item.qualifier:
                kin.setdefault((item.category, item.notes.strip()), set()).add(item.id)
        for members in kin.values():
            if len(members) < 2:
                continue
            states = {
                sibling
                for member in members
                for sibling in self.siblings({member})
                if any(word in self.items[sibling].qualifier for word in _STATE_WORDS)
                and self.items[sibling].category != self.items[member].category
            }
            for member in members if states else ():
                self._state_items.setdefault(member, set()).update(states)

    def _file_states(self) -> None:
        """File, for every item, the items that are a state of it: 「汚れたビン」 of
        「空きびん（飲食用）」, whose reading ends in the same びん."""
        if not self._states:
            return
        for item in self.items.values():
            reading = match_key(base_name(item.reading or ""))
            name = match_key(item.base_name)
            for key, states in self._states.items():
                if reading.endswith(key) or name.endswith(key):
                    self._state_items.setdefault(item.id, set()).update(states)

    def states_of(self, item_ids: set[int]) -> set[int]:
        """Items that are a state of one of ``item_ids``: 「汚れたビン」 of a びん."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self._state_items.get(item_id, set())
        return found

    def siblings(self, item_ids: set[int]) -> set[int]:
        """Items sharing a base name with ``item_ids``: the variants of the same thing."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self.exact.bases.get(match_key(self.items[item_id].base_name), set())
        return found

    def word_starts(self, name: str, offset: int) -> bool:
        """Whether a word of ``name`` begins at ``offset`` (Sudachi's finest split): the
        シート of 「トイレシート」 does not begin at its レ."""
        return any(m.start == offset for m in self.finest.analyze(name))
