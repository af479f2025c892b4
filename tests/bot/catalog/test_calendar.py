"""Collection dates with a frozen clock: year end, fifth weeks, month boundaries. The
calendar feed residents subscribe to is tests/bot/server/test_calendar_feed.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalog.calendar import (
    collection_dates,
    is_collection_day,
    japanese_date,
    next_collection,
    today_in_tokyo,
    week_of_month,
)

TUE_FRI = ([1, 4], [])
SECOND_FOURTH_SAT = ([5], [2, 4])
FIRST_THIRD_SAT = ([5], [1, 3])


def test_japanese_date() -> None:
    assert japanese_date(date(2026, 12, 2)) == "12月2日（水）"
    assert japanese_date(date(2027, 1, 4)) == "1月4日（月）"


@pytest.mark.parametrize(("day", "n"), [(1, 1), (7, 1), (8, 2), (28, 4), (29, 5), (31, 5)])
def test_week_of_month(day: int, n: int) -> None:
    assert week_of_month(date(2026, 8, day)) == n


def test_weekly_rule_moves_to_the_next_weekday() -> None:
    assert next_collection(date(2026, 11, 26), *TUE_FRI) == date(2026, 11, 27)  # Thu → Fri
    assert next_collection(date(2026, 11, 27), *TUE_FRI) == date(2026, 11, 27)  # today counts
    assert next_collection(date(2026, 11, 27), *TUE_FRI, include_start=False) == date(2026, 12, 1)


def test_nth_weekday_across_a_month_boundary() -> None:
    # 2026-11-28 is the 4th Saturday; next 2nd/4th Saturday after it is 12/12.
    assert next_collection(date(2026, 11, 28), *SECOND_FOURTH_SAT) == date(2026, 11, 28)
    assert next_collection(date(2026, 11, 29), *SECOND_FOURTH_SAT) == date(2026, 12, 12)


def test_fifth_week_is_not_collected_by_nth_rules() -> None:
    # August 2026 has five Saturdays: the 29th is the 5th, collected by neither rule.
    fifth = date(2026, 8, 29)
    assert week_of_month(fifth) == 5
    assert not is_collection_day(fifth, *FIRST_THIRD_SAT)
    assert not is_collection_day(fifth, *SECOND_FOURTH_SAT)
    assert next_collection(fifth, *FIRST_THIRD_SAT) == date(2026, 9, 5)


def test_year_end_break() -> None:
    # Tue/Fri: 12/29 (Tue) collected, 12/31–1/3 not, then 1/5 (Tue).
    assert next_collection(date(2026, 12, 29), *TUE_FRI) == date(2026, 12, 29)
    assert next_collection(date(2026, 12, 30), *TUE_FRI) == date(2027, 1, 5)
    assert not is_collection_day(date(2027, 1, 1), [4], [])  # a Friday, but New Year
    # 1st/3rd Saturday: 2027-01-02 is the 1st Saturday, inside the break.
    assert next_collection(date(2026, 12, 27), *FIRST_THIRD_SAT) == date(2027, 1, 16)


def test_frozen_clock() -> None:
    assert today_in_tokyo(date(2026, 12, 31)) == date(2026, 12, 31)
    assert isinstance(today_in_tokyo(), date)


def test_collection_dates_end_before_the_end_day() -> None:
    assert list(collection_dates(date(2026, 12, 28), date(2027, 1, 8), *TUE_FRI)) == [
        date(2026, 12, 29),
        date(2027, 1, 5),
    ]
