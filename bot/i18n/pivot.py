"""A message in English, Chinese or Korean, rendered into the terse Japanese the reading
understands.

The bot's understanding of a message (items, places, categories, days asked, follow-ups)
is Japanese, and good. Rather than build it again for each language, a foreign message is
rendered word by word into Japanese: 「how do I throw away an old kettle?」 becomes
「捨て方 やかん」, 「노가타 3초메 타는 쓰레기 언제?」 becomes 「野方3丁目 燃やすごみ いつ」,
and the Japanese reading and router take it from there.

What is rendered, longest first, left to right:

- item names (the catalog's aliases in that language, kept in the database and edited by
  staff): replaced by the catalog's Japanese name;
- towns (``towns`` of ``data/i18n/<lang>/phrases.yml``): replaced by their kanji, and a
  number said with them (「Nogata 3-chome」「Nogata 3」「nogata 3-12-5」「3-chome Nogata」)
  becomes the 丁目;
- words and phrases (``words``): replaced by their Japanese, or dropped.

English is matched by whole words, case- and plural-blind (「Bottles」 = 「bottle」), and a
misspelt item name (「umbrela」) is matched by similarity; Chinese after Traditional
characters become Simplified; Korean with its spaces ignored, so 「버리는 법」 and
「버리는법」 are one. What matches nothing stays as the resident wrote it, once stop words
and particles are dropped: it is what the answer says it could not find.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import yaml
from rapidfuzz import fuzz, process

from bot.catalog.item_names import base_name, without_cross_reference
from bot.i18n import DATA_DIR, ENGLISH, JAPANESE, KOREAN
from bot.i18n.detect import to_simplified

#: An English word: letters and digits, with inner apostrophes (「don't」); a unit stays
#: with its number (「30cm」).
_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
#: An English message's words, and the marks that part two things ("bottles, cans").
_EN_WORD_OR_MARK = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[,/;&+]")
#: An English message's words, and the ends of its sentences ("bags of trash. Can we …").
_EN_WORD_OR_END = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.?!](?=\s)")
#: Japanese written in an English message: a run of kana and kanji (a split pattern: the
#: runs are the odd parts).
_JAPANESE_RUN = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f・]+)")
#: The words between two English names that make the first belong to the second.
_OF_WORDS = frozenset({"of", "the", "a", "an", "from"})
_NUMBER = re.compile(r"^\d{1,2}$")
_NUMBER_CHOME = re.compile(r"(\d{1,2})\s+丁目")
#: A misspelt English name is taken for an alias this similar (rapidfuzz ratio, 0–100).
TYPO_SIMILARITY = 86
#: A town's name said right before its 丁目 number is taken for the town this similar
#: ("Sagimiya 4" for Saginomiya, 「가미타카타」 for 가미타카다): a name written by ear.
TOWN_SIMILARITY = 80
#: The most English words (or Chinese or Korean letters) of a town's name.
_TOWN_WORDS, _TOWN_LETTERS = 3, 8
#: Only words this long are checked for typos: shorter ones differ by too little.
TYPO_MIN_LENGTH = 6


@dataclass(frozen=True)
class Phrases:
    """One language's ``data/i18n/<lang>/phrases.yml``."""

    words: dict[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    particles: tuple[str, ...] = ()
    chome_words: tuple[str, ...] = ()
    towns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str) -> Phrases:
        path = DATA_DIR / language / "phrases.yml"
        if not path.exists():
            return cls()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            words={str(k): str(v or "") for k, v in (raw.get("words") or {}).items()},
            stopwords=frozenset(str(w) for w in raw.get("stopwords") or ()),
            particles=tuple(sorted((str(p) for p in raw.get("particles") or ()), key=len)[::-1]),
            chome_words=tuple(str(w) for w in raw.get("chome_words") or ()),
            towns={
                str(variant): town
                for town, variants in (raw.get("towns") or {}).items()
                for variant in variants or ()
            },
        )


@dataclass(frozen=True)
class Rendering:
    """A foreign message in Japanese, and what it was made of."""

    japanese: str
    #: The catalog names of the items it named.
    items: list[str]
    #: What matched nothing (and is no stop word): the resident's own words.
    unknown: list[str]
    #: The resident's word for each item named (「umbrella」 for 「傘」), to answer with.
    said: dict[str, str] = field(default_factory=dict)


#: What a key of the lookup table stands for: an item, a town or a word.
_ITEM, _TOWN, _WORD, _CHOME = "item", "town", "word", "chome"


class Pivot:
    """One language's renderer, built from its item names and its phrase table."""

    def __init__(self, language: str, aliases: Iterable[tuple[str, str]], phrases: Phrases) -> None:
        self.language = language
        self._phrases = phrases
        names: dict[str, list[str]] = {}
        for alias, item in aliases:
            key = self.key(alias)
            if key:
                names.setdefault(key, []).append(item)
        self._table: dict[str, tuple[str, str]] = {}
        for word, japanese in phrases.words.items():
            self._add(word, (_WORD, japanese))
        for word in phrases.chome_words:
            self._add(word, (_CHOME, "丁目"))
        for variant, town in phrases.towns.items():
            self._add(variant, (_TOWN, town))
        for town in set(phrases.towns.values()):  # written in kanji, as Chinese residents do
            self._add(town, (_TOWN, town))
        towns = "|".join(re.escape(t) for t in sorted(set(phrases.towns.values()), key=len)[::-1])
        #: 「3丁目 野方」 (「3-chome Nogata」) put the Japanese way round: 「野方3丁目」.
        self._chome_first = re.compile(rf"(\d{{1,2}})\s*丁目\s*({towns})") if towns else None
        for key, items in names.items():
            # The phrase table wins a tie: "throw" (a throw blanket) is a word there.
            self._table.setdefault(key, (_ITEM, _one_name(items)))
        self.stopwords = frozenset(self.key(w) for w in phrases.stopwords)
        self._longest = max((self._length(k) for k in self._table), default=1)
        self._town_keys = {k: town for k, (kind, town) in self._table.items() if kind == _TOWN}
        item_keys = [k for k, (kind, _) in self._table.items() if kind == _ITEM]
        #: A misspelt name is compared with each item's key and, in English, its plural
        #: ("batteris" is nearer "batteries" than "battery"), each standing for the key.
        self._item_keys = {k: k for k in item_keys}
        if self.language == ENGLISH:
            plurals = {plural(k): k for k in item_keys}
            self._item_keys |= {p: k for p, k in plurals.items() if p not in self._table}

    def key(self, text: str) -> str:
        """``text`` in the form both sides are compared in."""
        text = unicodedata.normalize("NFKC", text).lower().strip()
        if self.language == ENGLISH:
            return " ".join(singular(w) for w in _EN_WORD.findall(_plain_latin(text)))
        if self.language == "zh":
            return to_simplified(text).replace(" ", "")
        return re.sub(r"\s+", "", text)

    def render(self, text: str) -> Rendering:
        """``text`` in Japanese. English with Japanese written in it ("when is 陶器・ガラス・
        金属ごみ collected?", a name copied from the ward's calendar) keeps the Japanese as
        it is: that part needs no rendering."""
        if self.language != ENGLISH or not _JAPANESE_RUN.search(text):
            return self._render(text)
        parts = _JAPANESE_RUN.split(text)
        renderings = [
            self._render(part) if number % 2 == 0 else Rendering(part, [], [])
            for number, part in enumerate(parts)
            if part.strip()
        ]
        return Rendering(
            japanese=self._join([r.japanese for r in renderings]),
            items=[item for r in renderings for item in r.items],
            unknown=[word for r in renderings for word in r.unknown],
            said={item: word for r in renderings for item, word in r.said.items()},
        )

    def _render(self, text: str) -> Rendering:
        units = self._units(text)
        starts = self._word_starts(text)
        parted = self._parted(text)
        sentences = self._parted(text, _EN_WORD_OR_END)
        pieces: list[str] = []
        items: list[str] = []
        unknown: list[str] = []
        leftover: list[str] = []
        said: dict[str, str] = {}
        i = 0
        while i < len(units):
            found = self._longest_match(units, i, starts, sentences)
            if found is None and units[i].isdigit() and (heard := self._heard_town(leftover)):
                length, town = heard
                del leftover[-length:]
                found = (0, (_TOWN, town))
            if found is None:
                leftover.append(units[i])
                i += 1
                continue
            compound = self._compound(pieces, items, leftover, found[1][0], i in parted)
            self._flush(leftover, pieces, unknown, items, said)
            length, (kind, japanese) = found
            words, i = self._joined(units[i : i + length]), i + length
            if kind == _ITEM:
                if compound is None:
                    pieces.append(japanese)
                else:  # one thing: 「生ごみのペンキ」, read as Japanese reads it
                    pieces[-1] = compound.format(before=pieces[-1], after=japanese)
                items.append(japanese)
                said.setdefault(japanese, words)
            elif kind == _TOWN:
                number, i = self._chome_after(units, i)
                pieces.append(f"{japanese}{number}丁目" if number else japanese)
            elif japanese:  # a word (or "" for one dropped), or 丁目 said before the town
                pieces.append(japanese)
        self._flush(leftover, pieces, unknown, items, said)
        japanese = self._join(pieces)
        if self._chome_first is not None:
            japanese = self._chome_first.sub(r"\2\1丁目", japanese)
        return Rendering(japanese=japanese, items=items, unknown=unknown, said=said)

    def _compound(
        self, pieces: list[str], items: list[str], between: list[str], kind: str, parted: bool
    ) -> str | None:
        """How an English item name right after another makes one thing with it, as a
        format of ``before`` and ``after``: a name before another qualifies it ("leftover
        paint": 「生ごみのペンキ」), one before "of" belongs to the next ("caps of plastic
        bottles": 「ペットボトルのキャップ」). None when they are two things, or a mark
        (``parted``: "paint, leftovers") stands between them."""
        if self.language != ENGLISH or kind != _ITEM or not items or pieces[-1:] != items[-1:]:
            return None
        if parted:
            return None
        if not between:
            return "{before}の{after}"
        if "of" in between and all(w in _OF_WORDS for w in between):
            return "{after}の{before}"
        return None

    # --- the units of a message --------------------------------------------------------

    def _units(self, text: str) -> list[str]:
        """English: its words; Chinese and Korean: its characters, spaces dropped."""
        key_text = unicodedata.normalize("NFKC", text).lower()
        if self.language == ENGLISH:
            return [singular(w) for w in _EN_WORD.findall(_plain_latin(key_text))]
        if self.language == "zh":
            key_text = to_simplified(key_text)
        return [c for c in key_text if c.isalnum() or c == "-"]

    def _length(self, key: str) -> int:
        return len(key.split(" ")) if self.language == ENGLISH else len(key)

    def _joined(self, units: list[str]) -> str:
        return " ".join(units) if self.language == ENGLISH else "".join(units)

    def _add(self, phrase: str, value: tuple[str, str]) -> None:
        key = self.key(phrase)
        if key and key not in self._table:
            self._table[key] = value

    def _parted(self, text: str, marks: re.Pattern[str] = _EN_WORD_OR_MARK) -> frozenset[int]:
        """English: the units a mark stands before ("cans" in "bottles, cans"); with
        :data:`_EN_WORD_OR_END`, the units that begin a sentence after the first."""
        if self.language != ENGLISH:
            return frozenset()
        parted, position, after_mark = set(), 0, False
        for token in marks.findall(_plain_latin(unicodedata.normalize("NFKC", text).lower())):
            if not token[0].isalnum():
                after_mark = True
                continue
            if after_mark:
                parted.add(position)
            position += 1
            after_mark = False
        return frozenset(parted)

    def _word_starts(self, text: str) -> frozenset[int]:
        """Korean: the units that begin a word (after a space or punctuation)."""
        if self.language != KOREAN:
            return frozenset()
        starts, position, after_gap = set(), 0, True
        for char in unicodedata.normalize("NFKC", text).lower():
            if char.isalnum() or char == "-":
                if after_gap:
                    starts.add(position)
                position += 1
                after_gap = False
            else:
                after_gap = True
        return frozenset(starts)

    def _longest_match(
        self,
        units: list[str],
        start: int,
        starts: frozenset[int] = frozenset(),
        sentences: frozenset[int] = frozenset(),
    ) -> tuple[int, tuple[str, str]] | None:
        """The longest phrase of the table at ``start``, within its sentence (the "trash"
        and "Can" of "bags of trash. Can we …" are no trash can)."""
        longest = min(self._longest, len(units) - start)
        longest = min([longest, *(s - start for s in sentences if start < s)])
        for length in range(longest, 0, -1):
            value = self._table.get(self._joined(units[start : start + length]))
            if value is None:
                continue
            if (
                length == 1
                and starts
                and value[0] == _ITEM
                and not self._whole(units, start, starts)
            ):
                continue  # 「요」 (布団) is also the polite ending
            if starts and value[0] == _ITEM and self._straddles(start, length, starts):
                continue  # the 서가 (本棚) of 「구청에서 가져가나요」
            return length, value
        return None

    @staticmethod
    def _straddles(start: int, length: int, starts: frozenset[int]) -> bool:
        """Whether a Korean name found at ``start`` begins inside one word and ends in
        the next: the end of one word and the start of another (「에서 가져가」), not a
        name (a name written with its space, 「전자 레인지」, begins a word)."""
        inside = start not in starts
        return inside and any(start < s < start + length for s in starts)

    def _whole(self, units: list[str], start: int, starts: frozenset[int]) -> bool:
        """Whether a one-syllable Korean name is a word of its own: 「책은」, not the 책
        of 「책상」 or the 요 of 「옷걸이요」."""
        if start not in starts:
            return False
        end = next((i for i in sorted(starts) if i > start), len(units))
        rest = "".join(units[start + 1 : end])
        return not rest or rest in self._phrases.particles

    def _chome_after(self, units: list[str], i: int) -> tuple[str, int]:
        """The 丁目 said right after a town: 「3」, 「3 chome」, 「3-12-5」 (house number
        dropped); 「3丁目」 in Chinese; 「3초메」 in Korean."""
        number = ""
        while i < len(units) and units[i].isdigit() and len(number) < 2:
            number += units[i]
            i += 1
            if self.language == ENGLISH:
                break
        if not number or not _NUMBER.match(number):
            return "", i
        found = self._longest_match(units, i)
        if found and found[1][0] == _CHOME:
            i += found[0]
        else:  # a house number after the 丁目: 「3-12-5」
            while i < len(units) and (units[i].isdigit() or units[i] == "-"):
                i += 1
        return number, i

    # --- what matched nothing -------------------------------------------------------------

    def _flush(
        self,
        leftover: list[str],
        pieces: list[str],
        unknown: list[str],
        items: list[str],
        said: dict[str, str],
    ) -> None:
        """Words that matched nothing: a misspelt item name, or the resident's own words
        (stop words and particles dropped)."""
        if not leftover:
            return
        words = [w for w in leftover if w.isalnum() and w not in self.stopwords]
        leftover.clear()
        if self.language == ENGLISH:
            words = self._typos(words, pieces, items, said)
            kept = " ".join(words)
        else:
            kept = self._without_particles("".join(words), after_match=bool(pieces))
        # One letter of Chinese or Korean left over is what remains of a phrase (the 天 of
        # 「那天」), not the name of a thing: those the pivot does not know are longer.
        if kept and not kept.isnumeric() and (self.language == ENGLISH or len(kept) > 1):
            unknown.append(kept)
        if kept:
            pieces.append(kept)

    def _typos(
        self, words: list[str], pieces: list[str], items: list[str], said: dict[str, str]
    ) -> list[str]:
        """Each run of left-over English words checked against the item names, so that
        「umbrela」 or 「frying pans」 spelt wrong still name their item."""
        if not words or not self._item_keys:
            return words
        phrase = " ".join(words)
        if len(phrase) < TYPO_MIN_LENGTH:
            return words
        best = self._nearest_item(phrase)
        if best is None:
            for word in words:
                if len(word) >= TYPO_MIN_LENGTH:
                    one = self._nearest_item(word)
                    if one is not None:
                        name = self._table[one][1]
                        pieces.append(name)
                        items.append(name)
                        said.setdefault(name, one)
                        words = [w for w in words if w != word]
            return words
        name = self._table[best][1]
        pieces.append(name)
        items.append(name)
        said.setdefault(name, best)
        return []

    def _nearest_item(self, phrase: str) -> str | None:
        """The item key ``phrase`` is a misspelling of, if one is near enough."""
        best = process.extractOne(
            phrase, self._item_keys.keys(), scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
        )
        return self._item_keys[best[0]] if best is not None else None

    def _heard_town(self, leftover: list[str]) -> tuple[int, str] | None:
        """The town the last words (English) or letters (Chinese, Korean) of ``leftover``
        are a misspelling of, said before a number: how many units it takes, and the
        town."""
        longest = _TOWN_WORDS if self.language == ENGLISH else _TOWN_LETTERS
        best: tuple[float, int, str] | None = None
        for length in range(1, min(longest, len(leftover)) + 1):
            said = self._joined(leftover[-length:])
            if len(said) < 3:
                continue
            match = process.extractOne(
                said, self._town_keys.keys(), scorer=fuzz.ratio, score_cutoff=TOWN_SIMILARITY
            )
            if match is not None and (best is None or match[1] > best[0]):
                best = (match[1], length, self._town_keys[match[0]])
        return (best[1], best[2]) if best else None

    def _without_particles(self, text: str, *, after_match: bool) -> str:
        """Chinese or Korean left-overs without the particles at their ends (「우산은」 →
        「우산」; after a name, 「은어떻게」 → 「어떻게」), and nothing when only particles
        were left."""
        particles = self._phrases.particles
        if after_match:
            text = next((text[len(p) :] for p in particles if text.startswith(p)), text)
        changed = True
        while text and changed:
            changed = False
            for particle in particles:
                if text == particle:
                    return ""
                if text.endswith(particle) and len(text) > len(particle):
                    text = text[: -len(particle)]
                    changed = True
                    break
        return text

    @staticmethod
    def _join(pieces: list[str]) -> str:
        """The pieces as one Japanese text; a number said before 丁目 stays with it."""
        return _NUMBER_CHOME.sub(r"\1丁目", " ".join(p for p in pieces if p).strip())


def _plain_latin(text: str) -> str:
    """Latin letters without accents (「Chūō」 → 「chuo」), curly apostrophes straight."""
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _one_name(items: list[str]) -> str:
    """The Japanese for an alias: its item; for an alias of several variants of one name
    (「chair」 for the metal, plastic and wooden いす; 「chopstick」 for the three 箸 and
    割り箸), the name most of them share, which the reading asks about; for an alias of
    unrelated items, the first (the files list the likeliest first)."""
    unique = list(dict.fromkeys(without_cross_reference(item) for item in items))
    if len(unique) == 1:
        return unique[0]
    bases = Counter(base_name(name) or name for name in unique)
    base, variants = bases.most_common(1)[0]  # the first of equals: the likeliest
    return base if variants > 1 else unique[0]


def plural(phrase: str) -> str:
    """An English name with its last word in the plural: 「aa battery」 → 「aa batteries」,
    「box」 → 「boxes」, 「cup」 → 「cups」."""
    if not phrase[-1:].isalpha():
        return phrase
    if phrase.endswith("y") and phrase[-2:-1] not in "aeiou":
        return phrase[:-1] + "ies"
    if phrase.endswith(("s", "x", "ch", "sh", "z")):
        return phrase + "es"
    return phrase + "s"


def singular(word: str) -> str:
    """An English word without its plural ending: 「batteries」 → 「battery」, 「boxes」 →
    「box」, 「knives」 → 「knife」, 「cases」 → 「case」; 「glass」, 「bus」, 「this」 stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("ves") and len(word) > 4:
        return word[:-3] + ("fe" if word.endswith("ives") else "f")
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def terms_of(language: str) -> Callable[[str], list[str]]:
    """How a question in ``language`` is cut into matching units for the knowledge
    entries' examples in that language: English words (plurals folded, stop words
    dropped); Chinese and Korean characters and pairs of characters, which catch their
    words without a dictionary (「收集日」 shares 「收集」「集日」 with 「收集日是哪天」)."""
    table = phrases(language)
    pivot = Pivot(language, (), table)

    def english(text: str) -> list[str]:
        return [w for w in pivot.key(text).split(" ") if w and w not in pivot.stopwords]

    def characters(text: str) -> list[str]:
        units = "".join(c for c in pivot.key(text) if c.isalnum())
        pairs = [units[i : i + 2] for i in range(len(units) - 1)]
        return list(dict.fromkeys([*pairs, *(c for c in units if c not in table.particles)]))

    return english if language == ENGLISH else characters


@cache
def phrases(language: str) -> Phrases:
    """The phrase table of ``language`` (empty for Japanese)."""
    return Phrases() if language == JAPANESE else Phrases.load(language)
