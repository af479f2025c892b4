"""data/matching_words.yml: the shipped file is complete and clean, and the loader refuses
a file that is not (a missing or unknown section, an empty or repeated word)."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.importer import read_seed
from bot.catalog.loader import LiveCatalog
from bot.catalog.schedule import asked_when
from bot.catalog.words import (
    DATE_GROUPS,
    WORDS_FILE,
    MatchingWords,
    WordsError,
    matching_words,
    one_of,
)
from bot.japanese import match_key
from bot.settings import ROOT

SECTIONS = {f.name: f.metadata for f in fields(MatchingWords)}


def _shipped() -> dict[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def _lists(section: str, value: Any) -> list[tuple[str, list[Any]]]:
    """The word lists of a section: itself, or each of its groups."""
    if isinstance(value, dict):
        return [(f"{section}.{name}", words) for name, words in value.items()]
    return [(section, value)]


def test_the_shipped_file_has_every_section_and_no_other() -> None:
    assert set(_shipped()) == set(SECTIONS)
    matching_words()  # and the loader accepts it


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_word_is_a_word_once(section: str) -> None:
    """No empty list, no word that is empty once normalised, no word twice in a section
    (for a section compared by match keys: no two spellings of one key, 「ごみ」「ゴミ」)."""
    keyed = SECTIONS[section]["keyed"]
    seen: list[str] = []
    for where, words in _lists(section, _shipped()[section]):
        assert words, f"{where} is empty"
        for word in words:
            assert isinstance(word, str), f"{where}: {word!r}"
            assert match_key(word), f"{where}: {word!r} is empty after match_key"
            seen.append(match_key(word) if keyed else word)
    repeated = sorted({form for form in seen if seen.count(form) > 1})
    assert not repeated, f"{section}: listed twice: {repeated}"


def test_the_category_words_are_for_the_collected_categories(
    sessions: sessionmaker[Session],
) -> None:
    """Each group of ``categories`` is a category the shipped catalog collects on set days,
    under its name; each of ``category_names`` a category of the seed."""
    collected = LiveCatalog(sessions).categories().collected()
    assert sorted(matching_words().categories) == sorted(collected)
    seeded = read_seed(ROOT / "data" / "catalog_seed.yml").categories
    assert set(matching_words().category_names) <= set(seeded)


@pytest.mark.parametrize(
    ("group", "offset"),
    [("day_after_tomorrow", 2), ("tomorrow", 1), ("today", 0), ("next_collection", None)],
)
def test_each_date_word_means_its_day(group: str, offset: int | None) -> None:
    """Every word of a group of ``asked_date`` asks for that day, and no longer word of
    another group swallows it."""
    assert group in DATE_GROUPS
    for word in _shipped()["asked_date"][group]:
        assert asked_when(f"{word}の燃やすごみは？") == (True, offset), word


def _write(tmp_path: Path, words: dict[str, Any]) -> Path:
    path = tmp_path / "matching_words.yml"
    path.write_text(yaml.safe_dump(words, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _edited(change: str) -> dict[str, Any]:
    words = _shipped()
    if change == "unknown section":
        words["colours"] = ["赤"]
    elif change == "missing section":
        del words["question_words"]
    elif change == "empty list":
        words["not_things"] = []
    elif change == "empty word":
        words["after_name"].append("")
    elif change == "only a mark":
        words["function_nouns"].append("・")
    elif change == "not a string":
        words["negations"].append(3)
    elif change == "padded word":
        words["asking_words"].append(" 何 ")
    elif change == "same key twice":
        words["question_words"].append("ゴミ")  # 「ごみ」 is there
    elif change == "same word in two groups":
        words["materials"]["布"].append("鉄")  # 鉄 is a 金属
    elif change == "as written twice":
        words["found_words"].append(words["found_words"][0])
    elif change == "wrong date groups":
        words["asked_date"]["someday"] = words["asked_date"].pop("today")
    elif change == "no groups":
        words["uses"] = ["ビール"]
    return words


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unknown section", "unknown sections ['colours']"),
        ("missing section", "missing sections ['question_words']"),
        ("empty list", "not_things: expected a list"),
        ("empty word", "after_name: not a word: ''"),
        ("only a mark", "function_nouns: not a word: '・'"),
        ("not a string", "negations: not a word: 3"),
        ("padded word", "asking_words: not a word: ' 何 '"),
        ("same key twice", "question_words: 'ゴミ' is listed twice (as 'ごみ')"),
        ("same word in two groups", "materials.布: '鉄' is listed twice"),
        ("as written twice", "found_words: '出てき' is listed twice"),
        ("wrong date groups", "asked_date: groups must be"),
        ("no groups", "uses: expected named groups"),
    ],
)
def test_a_bad_file_is_refused(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(WordsError, match=re.escape(message)):
        MatchingWords.read(_write(tmp_path, _edited(change)))


def test_the_loader_gives_keys_where_keys_are_compared() -> None:
    """A keyed section comes out as match keys (so 「ダンボール」 meets 「だんぼーる」); a
    section as written keeps the spelling."""
    words = matching_words()
    assert "だんぼる" in words.group_collection
    assert "ゴミ" in words.asking_words
    assert "ごみ" in words.asking_words
    assert words.categories["陶器・ガラス・金属ごみ"][0] == "陶器がらす金属ごみ"


def test_one_of_takes_words_literally_and_longest_first() -> None:
    pattern = re.compile(f"(?:{one_of(['と', 'とか', 'a.b'])})")
    assert pattern.match("とかげ").group() == "とか"
    assert pattern.fullmatch("a.b")
    assert not pattern.fullmatch("axb")
