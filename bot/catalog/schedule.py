"""Collection days: which area a resident means, which category, and how to say the rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.categories import CategoryGuide
from bot.catalog.models import Area
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, fold_kana, get_analyzer, keyed_words, match_key, normalize

WEEKDAY_NAMES = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")

_WORDS = matching_words()
#: The other words residents use for a category collected on set days, by its name, as
#: match keys (``data/matching_words.yml``); its own name is a word for it anyway.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = _WORDS.categories
_RESOURCE_WORDS = _WORDS.resources
#: The day offset each group of ``asked_date`` words means (``None``: the next collection
#: day of each category).
_DAY_OFFSETS: dict[str, int | None] = {
    "day_after_tomorrow": 2,
    "tomorrow": 1,
    "today": 0,
    "next_collection": None,
}
#: Words that ask for a date rather than the weekdays, longest first, and their offset.
_WHEN_WORDS: list[tuple[str, int | None]] = sorted(
    [(word, offset) for group, offset in _DAY_OFFSETS.items() for word in _WORDS.asked_date[group]],
    key=lambda pair: -len(pair[0]),
)
#: Categories collected by neighbourhood groups, not on ward collection days.
GROUP_COLLECTION_WORDS = _WORDS.group_collection

_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHOME_AFTER_TOWN = re.compile(
    r"^\s*(?P<number>\d+|[一二三四五六七八九十]+)\s*(?:丁目|ちょうめ|-|ー|の|番|$|\s)"
)
_WARD_PREFIX = re.compile(r"(東京都)?\s*(中野区|なかのく)")
#: 「松ヶ丘」「松ケ丘」「松が丘」 are one town: the small ヶ and a ケ between kanji read が.
_GA = re.compile(r"[ゖヵ]|(?<=[一-龥])け(?=[一-龥])")


def place_form(text: str) -> str:
    """The form in which place names are compared: normalised, kana folded, ヶ as が."""
    return _GA.sub("が", fold_kana(normalize(text)))


def kanji_number(text: str) -> int:
    """「四」 → 4, 「十二」 → 12, 「3」 → 3 (丁目 numbers stay below 100)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _KANJI_DIGITS[ones] if ones else 0
        )
    return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))


def weekday_rule(weekdays: list[int], nth_weeks: list[int]) -> str:
    """「火曜日・金曜日」, or with week numbers 「第2・第4土曜日」."""
    days = "・".join(WEEKDAY_NAMES[d] for d in weekdays)
    if not nth_weeks:
        return days
    return "・".join(f"第{n}" for n in nth_weeks) + days


def categories_in(
    text: str, categories: CategoryGuide, item_names: Iterable[str] = ()
) -> list[str]:
    """The categories collected on set days that a question names, in the categories'
    order (the live table's, like everything here about them).

    A category is named by its name, its name without the bracket, or one of its
    :data:`CATEGORY_WORDS`, said from a word's start or inside a word's normalised form
    (「空き缶」), but not as letters of another word (the 「かん」 of 「じかん」 is no 缶).
    「資源」 alone means every resource category; nothing named means none (callers answer
    all of the area's then). ``item_names`` are the items the question names: a category
    word inside one (the 缶 of 「スプレー缶」, the 瓶 of 「酒びん」) is part of the item's
    name, unless the name is the word itself (「ペットボトル」).
    """
    words, category_words = collected_words(categories)
    morphemes = _words_of(text)
    key, starts = keyed_words(morphemes)
    for name in map(match_key, item_names):
        if name not in category_words:
            key = key.replace(name, " " * len(name))
    lemmas = _normalised_words(morphemes, key)
    found: set[str] = set()
    for word, category in words:
        said = [start for start in sorted(starts) if key.startswith(word, start)]
        if said or word in lemmas:
            found.add(category)
        for start in said:
            key = key[:start] + " " * len(word) + key[start + len(word) :]
        lemmas = lemmas.replace(word, " ")
    if not found and any(word in key for word in _RESOURCE_WORDS):
        found.update(categories.resources())
    return categories.ordered(found)


@lru_cache(maxsize=1024)
def _words_of(text: str) -> tuple[Morpheme, ...]:
    """Sudachi's words of ``text``: a message's categories are asked for by the reading
    and again by the schedule answer."""
    return tuple(get_analyzer().analyze(text))


def _normalised_words(morphemes: tuple[Morpheme, ...], key: str) -> str:
    """The match key of the normalised forms of the words whose letters are still in
    ``key`` (the text's, with the items' names blanked)."""
    kept, offset = [], 0
    for morpheme in morphemes:
        length = len(match_key(morpheme.text))
        if " " not in key[offset : offset + length]:
            kept.append(morpheme.lemma)
        offset += length
    return match_key(" ".join(kept))


@lru_cache(maxsize=4)
def collected_words(
    categories: CategoryGuide,
) -> tuple[list[tuple[str, str]], frozenset[str]]:
    """The words of the collected categories, longest first, with the category each names,
    and the words alone: worked out once per catalog revision (a guide is one revision's)."""
    words = categories.keyed_names(categories.collected(), CATEGORY_WORDS)
    return words, frozenset(word for word, _ in words)


def asked_when(text: str) -> tuple[bool, int | None]:
    """Whether a date is asked for, and which: (True, 1) for 「明日は何ごみ？」,
    (True, None) for 「次の燃やすごみはいつ？」, (False, None) for plain weekdays."""
    key = match_key(text)
    for word, offset in _WHEN_WORDS:
        if word in key:
            return True, offset
    return False, None


#: A date written out: 「1月2日」「12/31」 (not the 3 of 「3丁目」).
_WRITTEN_DATE = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*(?:月|/)\s*(3[01]|[12]\d|0?[1-9])(?!\d)")


def writes_a_date(text: str) -> bool:
    """Whether ``text`` writes out a date (「1月2日に出していい？」)."""
    return _WRITTEN_DATE.search(normalize(text)) is not None


def written_date(text: str, today: date) -> date | None:
    """The date ``text`` writes out, the first such day from ``today`` on (「1月2日」 in
    December is next year's); ``None`` for none, or for a day no month has."""
    match = _WRITTEN_DATE.search(normalize(text))
    if match is None:
        return None
    month, day = int(match[1]), int(match[2])
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def asks_group_collection(text: str) -> bool:
    key = match_key(text)
    return any(word in key for word in GROUP_COLLECTION_WORDS)


@dataclass
class AreaLookup:
    """What a message says about where the resident lives."""

    #: The one area row it resolves to.
    area: Area | None = None
    #: The town was recognised but the 丁目 is missing or not one of its rows.
    town: str | None = None
    chome: int | None = None
    #: The town's rows, for asking which 丁目.
    options: list[Area] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.area is not None


class AreaDirectory:
    """The collection-day table in memory; small (a few dozen rows), so built per use."""

    def __init__(self, areas: list[Area]) -> None:
        self.areas = areas
        self._towns: list[tuple[str, str]] = []  # (form in folded text, town)
        for town in dict.fromkeys(a.town for a in areas):
            reading = next((a.town_reading for a in areas if a.town == town and a.town_reading), "")
            for form in (town, reading):
                if form:
                    self._towns.append((place_form(form), town))
        self._towns.sort(key=lambda pair: -len(pair[0]))

    @classmethod
    def load(cls, session: Session) -> AreaDirectory:
        return cls(list(session.scalars(select(Area).order_by(Area.id))))

    def towns(self) -> list[str]:
        return list(dict.fromkeys(a.town for a in self.areas))

    def get(self, area_id: int) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def lookup(self, text: str) -> AreaLookup:
        folded = _WARD_PREFIX.sub(" ", place_form(text))
        for form, town in self._towns:
            position = folded.find(form)
            if position < 0:
                continue
            rows = [a for a in self.areas if a.town == town]
            match = _CHOME_AFTER_TOWN.match(folded[position + len(form) :] + " ")
            chome = kanji_number(match["number"]) if match else None
            return self._resolve(town, chome, rows)
        return AreaLookup()

    @staticmethod
    def _resolve(town: str, chome: int | None, rows: list[Area]) -> AreaLookup:
        whole = [a for a in rows if a.whole_town]
        if whole:
            return AreaLookup(area=whole[0], town=town, chome=chome, options=rows)
        if chome is not None:
            for area in rows:
                if chome in area.chome:
                    return AreaLookup(area=area, town=town, chome=chome, options=rows)
        return AreaLookup(town=town, chome=chome, options=rows)


def alike_for(rows: Sequence[Area], categories: Sequence[str]) -> bool:
    """Whether every row of a town collects each of ``categories`` on the same days, so that
    the 丁目 does not matter for them (every 丁目 of 弥生町 has びん・缶・ペットボトル on
    土曜日). A row with a remark (part of the town collected daily) is never alike."""

    def rule(area: Area, category: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        found = next((s for s in area.schedules if s.category.name == category), None)
        return (tuple(found.weekdays), tuple(found.nth_weeks)) if found else None

    if not rows or not categories or any(area.remark for area in rows):
        return False
    rules = [{rule(area, c) for area in rows} for c in categories]
    return all(len(found) == 1 and None not in found for found in rules)


def area_label(area: Area) -> str:
    """「野方3丁目」「江原町」「中野2・3・5丁目」 for saying which area an answer is for."""
    if area.whole_town:
        return area.town
    return f"{area.town}{'・'.join(str(n) for n in area.chome)}丁目"


def chome_choices(town: str, rows: Iterable[Area]) -> list[str]:
    """Every 丁目 of a town's rows, as a resident writes the place: 「野方1丁目」, 「野方2丁目」,
    …"""
    return [f"{town}{n}丁目" for n in sorted({n for a in rows for n in a.chome})]
