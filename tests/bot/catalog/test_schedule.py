"""Areas and collection rules against the real collection-day table; the categories a day
question names, from the live category table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.categories import CategoryGuide, CategoryInfo
from bot.catalog.loader import LiveCatalog
from bot.catalog.schedule import (
    AreaDirectory,
    alike_for,
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


@pytest.fixture(scope="module")
def shipped(sessions: sessionmaker[Session]) -> CategoryGuide:
    """The categories of the shipped catalog, as the answers read them."""
    return LiveCatalog(sessions).categories()


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


@pytest.mark.parametrize(
    ("town", "categories", "alike"),
    [
        ("弥生町", ["びん・缶・ペットボトル"], True),  # 土曜日 in every 丁目
        ("白鷺", ["燃やすごみ"], True),
        ("白鷺", ["燃やすごみ", "陶器・ガラス・金属ごみ"], False),  # 第1・第3 / 第2・第4
        ("鷺宮", ["資源プラスチック"], False),  # 月曜日, but 火曜日 in 2丁目
        ("中野", ["燃やすごみ"], False),  # 月曜日・木曜日, but part of the town daily
        ("白鷺", [], False),  # nothing asked: the whole table differs
    ],
)
def test_a_towns_chome_alike_for_the_categories_asked(
    directory: AreaDirectory, town: str, categories: list[str], alike: bool
) -> None:
    assert alike_for(directory.lookup(town).options, categories) is alike


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
        ("ペットボトルとプラの日", ["資源プラスチック", "びん・缶・ペットボトル"]),
        ("ごみの日", []),
        ("粗大ごみの収集日はいつ", []),  # no collection days: given at application
        ("ゴミだし　じかん", []),  # the かん of じかん is no 缶
        ("空き缶の日", ["びん・缶・ペットボトル"]),  # 缶 inside a word, by its normal form
    ],
)
def test_category_words(shipped: CategoryGuide, text: str, categories: list[str]) -> None:
    assert categories_in(text, shipped) == categories


def test_the_shipped_catalog_collects_four_categories_two_of_them_resources(
    shipped: CategoryGuide,
) -> None:
    """What the collection-day table and the seeded marks give, in the seeded order."""
    assert shipped.collected() == [
        "燃やすごみ",
        "陶器・ガラス・金属ごみ",
        "資源プラスチック",
        "びん・缶・ペットボトル",
    ]
    assert shipped.resources() == ["資源プラスチック", "びん・缶・ペットボトル"]


def guide(*categories: CategoryInfo) -> CategoryGuide:
    return CategoryGuide(categories)


BURNABLE = CategoryInfo("燃やすごみ", 1, collected=True)
PLASTIC = CategoryInfo("資源プラスチック", 3, collected=True, resource=True)
BOTTLES = CategoryInfo("びん・缶・ペットボトル", 4, collected=True, resource=True)


def test_a_category_staff_give_days_is_named_by_its_name_and_bracketless_name() -> None:
    """A category no words file knows, once it has collection days."""
    batteries = CategoryInfo("乾電池（拠点回収）", 2, collected=True)
    categories = guide(BURNABLE, batteries, PLASTIC)
    assert categories_in("乾電池の日はいつ？", categories) == ["乾電池（拠点回収）"]
    assert categories_in("乾電池（拠点回収）は何曜日", categories) == ["乾電池（拠点回収）"]
    assert categories_in("燃えるごみと乾電池", categories) == ["燃やすごみ", "乾電池（拠点回収）"]


def test_a_category_without_collection_days_is_not_a_day_question() -> None:
    batteries = CategoryInfo("乾電池（拠点回収）", 2)
    assert categories_in("乾電池の日はいつ？", guide(BURNABLE, batteries)) == []


def test_a_renamed_category_is_named_by_its_new_name() -> None:
    renamed = CategoryInfo("可燃ごみ（週2回）", 1, collected=True)
    assert categories_in("可燃ごみ（週2回）は何曜日", guide(renamed, PLASTIC)) == [
        "可燃ごみ（週2回）"
    ]


def test_the_order_is_the_tables() -> None:
    """Not the order of a list in the code: staff put びん・缶・ペットボトル first."""
    bottles_first = CategoryInfo("びん・缶・ペットボトル", 0, collected=True, resource=True)
    categories = guide(BURNABLE, PLASTIC, bottles_first)
    assert categories_in("プラとビンと燃えるごみ", categories) == [
        "びん・缶・ペットボトル",
        "燃やすごみ",
        "資源プラスチック",
    ]


def test_resources_are_the_marked_categories_with_days() -> None:
    metal = CategoryInfo("陶器・ガラス・金属ごみ", 2, collected=True, resource=True)
    paper = CategoryInfo("古紙（集団回収）", 6, resource=True)  # no days: not a day answer
    categories = guide(BURNABLE, metal, PLASTIC, paper)
    resources = ["陶器・ガラス・金属ごみ", "資源プラスチック"]
    assert categories_in("資源の日はいつ", categories) == resources
    assert categories_in("資源の日はいつ", guide(BURNABLE)) == []


def test_a_category_word_inside_an_item_name_is_the_items() -> None:
    categories = guide(BURNABLE, PLASTIC, BOTTLES)
    assert categories_in("スプレー缶は何曜日", categories, ["スプレー缶"]) == []
    assert categories_in("酒びん", categories, ["酒びん"]) == []  # normalised 酒瓶, still its
    assert categories_in("ペットボトルは何曜日", categories, ["ペットボトル"]) == [
        "びん・缶・ペットボトル"
    ]


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
