"""The words that decide what a message means, kept in ``data/matching_words.yml``.

The code holds the rules (where a word is looked for and what finding it does); the file
holds the words, so that adding a synonym is an edit of data. The file is read once and
checked as it is read: a missing or unknown section, an empty or repeated word stops the
bot at start instead of quietly matching less.

Each section is handed out in the form its rule compares it in: match keys (see
:func:`bot.japanese.match_key`) for sections compared with keys, so the file lists a word
once whatever its width or kana; the words as written for sections compared with the text
as typed or with the catalog's names as the ward writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.japanese import match_key

WORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "matching_words.yml"


class WordsError(ValueError):
    """The words file does not hold what the code needs."""


#: The days 「明日」「次」… stand for, as groups of ``asked_date``.
DATE_GROUPS = ("day_after_tomorrow", "tomorrow", "today", "next_collection")
#: The groups of ``coordination`` and ``fillers``: each group is its own part of a pattern.
COORDINATION_GROUPS = ("words", "particles")
FILLER_GROUPS = ("empty", "with")

Words = tuple[str, ...]
WordGroups = dict[str, tuple[str, ...]]

# How a section is read (the metadata of its field): ``keyed``, its words are compared as
# match keys, else as written; ``groups``, ``None`` for a plain list of words, else the
# words come in named groups, with exactly these names if any are given.
_KEYS = {"keyed": True, "groups": None}
_AS_WRITTEN = {"keyed": False, "groups": None}
_KEY_GROUPS = {"keyed": True, "groups": ()}
_GROUPS_AS_WRITTEN = {"keyed": False, "groups": ()}


@dataclass(frozen=True)
class MatchingWords:
    """The sections of the words file; see the file's comments for what each decides."""

    # Collection days (bot/catalog/schedule.py)
    categories: WordGroups = field(metadata=_KEY_GROUPS)
    resources: Words = field(metadata=_KEYS)
    asked_date: WordGroups = field(metadata={"keyed": True, "groups": DATE_GROUPS})
    group_collection: Words = field(metadata=_KEYS)
    # Item names and their variants (bot/catalog/item_names.py)
    qualifier_hints: Words = field(metadata=_AS_WRITTEN)
    qualifying_words: Words = field(metadata=_AS_WRITTEN)
    materials: WordGroups = field(metadata=_KEY_GROUPS)
    uses: WordGroups = field(metadata=_KEY_GROUPS)
    negations: Words = field(metadata=_KEYS)
    containers: WordGroups = field(metadata=_KEY_GROUPS)
    empty_words: Words = field(metadata=_KEYS)
    not_contents: Words = field(metadata=_KEYS)
    states: WordGroups = field(metadata=_GROUPS_AS_WRITTEN)
    case_synonyms: WordGroups = field(metadata=_GROUPS_AS_WRITTEN)
    vehicle_prefixes: Words = field(metadata=_AS_WRITTEN)
    # Finding items in a message (bot/catalog/matcher/)
    question_words: Words = field(metadata=_KEYS)
    asking_words: Words = field(metadata=_AS_WRITTEN)
    not_things: Words = field(metadata=_KEYS)
    after_name: Words = field(metadata=_KEYS)
    function_nouns: Words = field(metadata=_AS_WRITTEN)
    and_words: Words = field(metadata=_AS_WRITTEN)
    coordination: WordGroups = field(metadata={"keyed": False, "groups": COORDINATION_GROUPS})
    fillers: WordGroups = field(metadata={"keyed": False, "groups": FILLER_GROUPS})
    after_kana_name: Words = field(metadata=_AS_WRITTEN)
    place_insides: Words = field(metadata=_AS_WRITTEN)
    place_sides: Words = field(metadata=_AS_WRITTEN)
    found_words: Words = field(metadata=_AS_WRITTEN)
    kept_for_long: Words = field(metadata=_AS_WRITTEN)
    leftovers: Words = field(metadata=_AS_WRITTEN)
    leftovers_after_no: Words = field(metadata=_AS_WRITTEN)
    leftovers_still_in: Words = field(metadata=_AS_WRITTEN)
    bare_containers: Words = field(metadata=_AS_WRITTEN)
    # The conversation (actions/reading/, actions/routing.py)
    references: Words = field(metadata=_KEYS)
    category_topic: Words = field(metadata=_KEYS)
    category_topic_not: Words = field(metadata=_KEYS)
    follow_up_fillers: Words = field(metadata=_KEYS)
    over_size: Words = field(metadata=_KEYS)
    under_size: Words = field(metadata=_KEYS)
    size_questions: Words = field(metadata=_KEYS)
    bulky_question: Words = field(metadata=_KEYS)
    help_question: Words = field(metadata=_KEYS)
    bulky_things: Words = field(metadata=_KEYS)
    schedule_words: Words = field(metadata=_AS_WRITTEN)
    which_day: Words = field(metadata=_AS_WRITTEN)
    where_words: Words = field(metadata=_KEYS)
    disposal_words: Words = field(metadata=_AS_WRITTEN)
    category_names: WordGroups = field(metadata=_KEY_GROUPS)
    which_category: Words = field(metadata=_KEYS)
    garbage_words: Words = field(metadata=_KEYS)
    collection_words: Words = field(metadata=_KEYS)
    rule_days: Words = field(metadata=_KEYS)
    put_out_time: Words = field(metadata=_KEYS)
    deciding_phrases: Words = field(metadata=_AS_WRITTEN)

    @classmethod
    def read(cls, path: Path = WORDS_FILE) -> MatchingWords:
        """The checked sections of ``path``; :class:`WordsError` says what is wrong."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise WordsError(f"{path.name}: expected sections, found {type(raw).__name__}")
        names = [f.name for f in fields(cls)]
        unknown = [name for name in raw if name not in names]
        missing = [name for name in names if name not in raw]
        if unknown or missing:
            raise WordsError(f"{path.name}: unknown sections {unknown}, missing sections {missing}")
        values: dict[str, Any] = {}
        for section in fields(cls):
            keyed = section.metadata["keyed"]
            value = raw[section.name]
            expected = section.metadata["groups"]
            if expected is None:
                values[section.name] = _checked(section.name, value, keyed, set())
                continue
            if not isinstance(value, dict) or not value:
                raise WordsError(f"{section.name}: expected named groups of words")
            if expected and sorted(value) != sorted(expected):
                raise WordsError(f"{section.name}: groups must be {list(expected)}")
            seen: set[str] = set()
            values[section.name] = {
                _group_name(section.name, name): _checked(
                    f"{section.name}.{name}", words, keyed, seen
                )
                for name, words in value.items()
            }
        return cls(**values)


def _group_name(section: str, name: object) -> str:
    if not isinstance(name, str) or not match_key(name):
        raise WordsError(f"{section}: a group name must be a word, not {name!r}")
    return name


def _checked(where: str, words: object, keyed: bool, seen: set[str]) -> Words:
    """The words of one list, as keys or as written, each once; ``seen`` holds the forms
    met before in the same section, so a word is not repeated across its groups either."""
    if not isinstance(words, list) or not words:
        raise WordsError(f"{where}: expected a list of words")
    found = []
    for word in words:
        if not isinstance(word, str) or not match_key(word) or word != word.strip():
            raise WordsError(f"{where}: not a word: {word!r}")
        form = match_key(word) if keyed else word
        if form in seen:
            raise WordsError(f"{where}: {word!r} is listed twice (as {form!r})")
        seen.add(form)
        found.append(form)
    return tuple(found)


@lru_cache(maxsize=1)
def matching_words() -> MatchingWords:
    """The shipped words file, read once."""
    return MatchingWords.read()


def one_of(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words`` taken literally, longest first, so
    that a word is never cut short by another it begins with."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
