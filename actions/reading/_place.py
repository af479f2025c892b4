"""The place a message names, and what it says besides the place."""

from __future__ import annotations

import re

from actions.memory import Context
from actions.reading._wording import names_nothing, sentences
from bot.catalog.loader import LiveCatalog
from bot.catalog.models import Area
from bot.catalog.schedule import AreaLookup, place_form
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, get_analyzer, match_key

#: 「2丁目だと？」: a 丁目 said without its town.
_CHOME_ALONE = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(?:丁目|ちょうめ)")

_CHOME_NUMBER = re.compile(r"(\d+|[一二三四五六七八九十]+)(ちょうめ|丁目)?")


def place_named(text: str, catalog: LiveCatalog, context: Context) -> AreaLookup:
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


def besides_place(morphemes: list[Morpheme], place: AreaLookup) -> list[Morpheme]:
    """The morphemes that are not the place named: its town's words, a number and 丁目."""
    if place.town is None:
        return morphemes
    town = match_key(place.town)
    return [
        m
        for m in morphemes
        if not (match_key(m.text) in town or m.pos[1] == "数詞" or m.lemma == "丁目")
    ]


def without_place(rest: str, place: AreaLookup) -> str:
    """``rest`` without the town and a 丁目 number."""
    rest = rest.replace(match_key(place_form(place.town or "")), "")
    return _CHOME_NUMBER.sub("", rest)


def question_besides_place(text: str, place: AreaLookup) -> str:
    """``text`` without its sentences that only tell the place (「沼袋に住んでいます。粗大ごみ
    はどこに申し込めばいいですか」): the place is what the answer may need, the rest is the
    question. Empty when no sentence only tells the place, or no other sentence is left."""
    if place.town is None:
        return ""
    question_words = matching_words().question_words
    said = sentences(text)
    rest = [
        s
        for s in said
        if not names_nothing(besides_place(get_analyzer().analyze(s), place), question_words)
    ]
    return "".join(rest) if 0 < len(rest) < len(said) else ""
