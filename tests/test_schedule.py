"""Areas and collection rules against the real collection-day table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.schedule import (
    AreaDirectory,
    area_label,
    categories_in,
    kanji_number,
    weekday_rule,
    written_date,
)


@pytest.fixture(scope="module")
def directory(sessions: sessionmaker[Session]) -> AreaDirectory:
    with sessions() as session:
        return AreaDirectory.load(session)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("野方3丁目の燃やすごみは何曜日？", "野方3丁目"),
        ("のがた3ちょうめ", "野方3丁目"),
        ("鷺宮三丁目です", "鷺宮1・3丁目"),
        ("さぎのみや2", "鷺宮2丁目"),
        ("上鷺宮に住んでいます", "上鷺宮"),
        ("中野区中央4-20-1", "中央3・4・5丁目"),
        ("中央四丁目20番1号", "中央3・4・5丁目"),
        ("東中野5丁目", "東中野1・2・4・5丁目"),
        ("中野2丁目", "中野2・3・5丁目"),
        ("江古田4", "江古田2・4丁目"),
        ("松ヶ丘1丁目", "松が丘1丁目"),
        ("松ケ丘1", "松が丘1丁目"),
    ],
)
def test_area_forms(directory: AreaDirectory, text: str, label: str) -> None:
    lookup = directory.lookup(text)
    assert lookup.found, text
    assert area_label(lookup.area) == label


def test_town_without_chome_asks(directory: AreaDirectory) -> None:
    lookup = directory.lookup("野方です")
    assert not lookup.found
    assert lookup.town == "野方"
    assert len(lookup.options) > 1


def test_outside_nakano_is_not_found(directory: AreaDirectory) -> None:
    lookup = directory.lookup("高円寺に住んでいます")
    assert not lookup.found
    assert lookup.town is None


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("燃えるごみは何曜日", ["燃やすごみ"]),
        ("可燃ごみ", ["燃やすごみ"]),
        ("不燃ごみの日", ["陶器・ガラス・金属ごみ"]),
        ("プラごみ", ["資源プラスチック"]),
        ("ビン・カンの日", ["びん・缶・ペットボトル"]),
        ("資源の日はいつ", ["資源プラスチック", "びん・缶・ペットボトル"]),
        ("ごみの日", []),
    ],
)
def test_category_words(text: str, categories: list[str]) -> None:
    assert categories_in(text) == categories


def test_weekday_rules_are_said_in_full() -> None:
    assert weekday_rule([1, 4], []) == "火曜日・金曜日"
    assert weekday_rule([5], [2, 4]) == "第2・第4土曜日"


@pytest.mark.parametrize(
    ("text", "n"), [("3", 3), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20)]
)
def test_kanji_numbers(text: str, n: int) -> None:
    assert kanji_number(text) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1月2日に燃やすごみを出してもいい？", date(2027, 1, 2)),  # next year's
        ("12/31は回収ある？", date(2026, 12, 31)),
        ("１２月２５日は何ごみ？", date(2026, 12, 25)),  # full-width digits
        ("12月24日", date(2026, 12, 24)),  # today is still to come
        ("野方3丁目の燃やすごみ", None),
        ("2月30日", None),  # no such day
    ],
)
def test_a_date_written_out(text: str, expected: date | None) -> None:
    assert written_date(text, date(2026, 12, 24)) == expected
