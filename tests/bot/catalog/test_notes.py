"""The cases an item's notes give another category for, read from the ward's own notes
with the real SudachiPy."""

from __future__ import annotations

import csv

import pytest

from bot.catalog.notes import cases_in, met_case, size_limit, under_limit_category
from bot.settings import ROOT


def _rows() -> dict[str, dict[str, str]]:
    with (ROOT / "data" / "nakano" / "items.csv").open(encoding="utf-8-sig") as file:
        return {row["ごみの品目"]: row for row in csv.DictReader(file)}


ROWS = _rows()
CATEGORIES = {row["種別"] for row in ROWS.values()}


def _cases(name: str):
    return cases_in(ROWS[name]["説明"], CATEGORIES)


def test_cases_said_together_are_each_a_case() -> None:
    """「集団回収に出せない場合や汚れている場合は燃やすごみへ」 is two cases."""
    cases = _cases("衣類")
    assert [(c.condition, c.category) for c in cases] == [
        ("集団回収に出せない場合", "燃やすごみ"),
        ("汚れている場合", "燃やすごみ"),
    ]


def test_cases_said_one_after_another() -> None:
    """「汚れている場合、汚れが落ちない場合は燃やすごみへ」 is two cases too."""
    cases = _cases("段ボール")
    assert [(c.condition, c.category) for c in cases] == [
        ("汚れている場合", "燃やすごみ"),
        ("汚れが落ちない場合", "燃やすごみ"),
    ]


@pytest.mark.parametrize(
    ("item", "message", "part", "category"),
    [
        ("ラップ", "芯は？", "芯", "古紙（集団回収）"),
        ("ペットボトル", "キャップは？", "ラベルとキャップ", "資源プラスチック"),
        ("ティッシュペーパーの箱", "取り出し口のビニールは？", "ビニール部分", "資源プラスチック"),
    ],
)
def test_a_part_the_notes_give_a_category_for(
    item: str, message: str, part: str, category: str
) -> None:
    met = met_case(_cases(item), message)
    assert met is not None
    assert (met.condition, met.category) == (part, category)


def test_a_size_case_is_left_to_the_sizes() -> None:
    notes = "一辺が30㎝を超える場合は粗大ごみです。一辺が30㎝以下の場合は燃やすごみです。"
    assert cases_in(notes, CATEGORIES) == []
    assert size_limit([notes]) == 30
    assert under_limit_category([notes]) == "燃やすごみ"


@pytest.mark.parametrize(
    ("message", "condition"),
    [
        ("汚れてるやつは？", "汚れている場合"),
        ("油で汚れていたらどうする", "汚れている場合"),
        ("集団回収がない地域なんだけど", "集団回収に出せない場合"),
        ("汚れてないやつは？", None),  # said the other way round
        ("割れていたら？", None),
    ],
)
def test_a_message_meets_the_case_it_describes(message: str, condition: str | None) -> None:
    met = met_case(_cases("衣類"), message)
    assert (met.condition if met else None) == condition


def test_a_case_with_a_place_of_its_own() -> None:
    cases = [c for name, row in ROWS.items() if "回収ボックス" in row["説明"] for c in _cases(name)]
    met = met_case(cases, "回収ボックスに持っていけないときは？")
    assert met is not None
    assert met.category == "陶器・ガラス・金属ごみ"


def test_a_residents_word_for_a_cases_word_meets_it() -> None:
    """「内側」 is the 「中」 of 紙パック's 「中にアルミの貼ってある場合」."""
    met = met_case(_cases("紙パック"), "内側がアルミのやつは？")
    assert met is not None
    assert (met.condition, met.category) == ("中にアルミの貼ってある場合", "燃やすごみ")
