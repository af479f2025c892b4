"""The calendar feed residents subscribe to (``GET /api/calendar.ics``), with the real catalog
and a frozen day, read back with icalendar; and how far ahead it reaches."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from icalendar import Calendar, Event
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import WardText
from bot.server.app import create_app
from bot.server.calendar import feed_today, months_after
from bot.settings import ROOT, Settings
from tests.support.stack import FROZEN_TODAY


@pytest.mark.parametrize(
    ("day", "months", "end"),
    [
        (date(2026, 12, 24), 3, date(2027, 3, 24)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2026, 1, 1), 12, date(2027, 1, 1)),
    ],
)
def test_months_after(day: date, months: int, end: date) -> None:
    assert months_after(day, months) == end


# --- GET /api/calendar.ics, with the real catalog and a frozen day ------------------------

#: The catalog's name of each category column of the ward's collection-day table.
CSV_CATEGORIES = {
    "燃やすごみ": "燃やすごみ",
    "陶器,ガラス,金属ごみ": "陶器・ガラス・金属ごみ",
    "資源プラスチック": "資源プラスチック",
    "びん,ペットボトル": "びん・缶・ペットボトル",
}
WEEKDAYS = "月火水木金土日"
FEED = "/api/calendar.ics"


@pytest.fixture(scope="module")
def app(catalog_url: str) -> FastAPI:
    """The app with its day frozen: Thursday 24 December 2026, a week before the break."""
    app = create_app(Settings(database_url=catalog_url))
    app.dependency_overrides[feed_today] = lambda: FROZEN_TODAY
    return app


@pytest.fixture(scope="module")
def feed(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def events(response: Response) -> list[Event]:
    assert response.status_code == 200, response.text
    return list(Calendar.from_ical(response.content).events)


def days_by_category(response: Response) -> dict[str, list[date]]:
    found: dict[str, list[date]] = {}
    for event in events(response):
        found.setdefault(str(event["SUMMARY"]), []).append(event.start)
    return found


def table_days(town: str, chome: str, start: date, end: date) -> dict[str, list[date]]:
    """The days the ward's table gives the row (``data/nakano/collection_days.csv``), read
    here on their own: 「火曜日;金曜日」 every week, 「第1;第3土曜日」 those weeks, none from
    12/31 to 1/3."""
    with (ROOT / "data" / "nakano" / "collection_days.csv").open(encoding="utf-8-sig") as f:
        row = next(r for r in csv.DictReader(f) if r["町名"] == town and r["丁目"] == chome)
    found: dict[str, list[date]] = {}
    for column, category in CSV_CATEGORIES.items():
        weeks = {int(n) for n in re.findall(r"第(\d)", row[column])}
        weekdays = {WEEKDAYS.index(d) for d in re.findall(r"(.)曜日", row[column])}
        day = start
        while day < end:
            if (
                day.weekday() in weekdays
                and (not weeks or (day.day - 1) // 7 + 1 in weeks)
                and not ((day.month, day.day) >= (12, 31) or (day.month, day.day) <= (1, 3))
            ):
                found.setdefault(category, []).append(day)
            day += timedelta(days=1)
    return found


def test_nogata_3_has_exactly_the_days_of_the_table(feed: TestClient) -> None:
    response = feed.get(FEED, params={"area": "野方3丁目"})
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    found = days_by_category(response)
    assert found == table_days("野方", "3", FROZEN_TODAY, date(2027, 3, 24))
    # What the table says, spelt out: 燃やすごみ on Tuesdays and Fridays (12/25 is the day
    # after the frozen Thursday; nothing on 1/1), 陶器・ガラス・金属ごみ on the 1st and 3rd
    # Saturdays (1/2 is the 1st, but in the break).
    assert found["燃やすごみ"][:4] == [date(2026, 12, 25), date(2026, 12, 29), date(2027, 1, 5),
                                       date(2027, 1, 8)]  # fmt: skip
    assert found["陶器・ガラス・金属ごみ"] == [date(2027, 1, 16), date(2027, 2, 6),
                                               date(2027, 2, 20), date(2027, 3, 6),
                                               date(2027, 3, 20)]  # fmt: skip


def test_events_are_whole_days_with_the_put_out_rule(
    feed: TestClient, sessions: sessionmaker[Session]
) -> None:
    response = feed.get(FEED, params={"area": "野方3丁目", "months": 1})
    lines = response.content.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 and b"\n" not in line for line in lines)  # RFC 5545 3.1
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "nakano-gomi-bot" in str(calendar["PRODID"])
    assert "野方3丁目" in str(calendar["X-WR-CALNAME"])
    with sessions() as session:
        rule = session.get(WardText, "collection_rules")
        assert rule is not None
    assert "朝8時" in rule.body
    for event in calendar.events:
        assert type(event.start) is date
        assert event.end == event.start + timedelta(days=1)
        assert event["DESCRIPTION"] == rule.body
        assert "DTSTAMP" in event


@pytest.mark.parametrize("area", ["野方3丁目", "江原町", "中野4丁目", "上高田3丁目"])
def test_nothing_from_december_31_to_january_3(feed: TestClient, area: str) -> None:
    response = feed.get(FEED, params={"area": area, "months": 12})
    starts = {event.start for event in events(response)}
    assert min(starts) < date(2026, 12, 31)
    assert max(starts) > date(2027, 12, 1)
    assert not starts & {date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}


def uids(response: Response) -> dict[tuple[date, str], str]:
    """Each event's UID by (date, Japanese category)."""
    found = {}
    for event in events(response):
        category = re.sub(r".*[（(](.+)[）)]$", r"\1", str(event["SUMMARY"]))
        found[event.start, category] = str(event["UID"])
    return found


def test_uids_are_stable_and_unique(app: FastAPI, feed: TestClient) -> None:
    first = uids(feed.get(FEED, params={"area": "野方3丁目", "months": 2}))
    assert len(set(first.values())) == len(first)
    again = uids(feed.get(FEED, params={"area": "野方三丁目", "months": 2}))
    english = uids(feed.get(FEED, params={"area": "Nogata 3-chome", "lang": "en"}))
    app.dependency_overrides[feed_today] = lambda: date(2027, 1, 20)
    try:
        later = uids(feed.get(FEED, params={"area": "野方3丁目", "months": 1}))
    finally:
        app.dependency_overrides[feed_today] = lambda: FROZEN_TODAY
    assert again == first
    assert {k: english[k] for k in first} == first
    shared = first.keys() & later.keys()
    assert shared
    assert {k: later[k] for k in shared} == {k: first[k] for k in shared}
    other = uids(feed.get(FEED, params={"area": "野方4丁目", "months": 2}))
    assert not set(other.values()) & set(first.values())


@pytest.mark.parametrize(
    "written",
    ["野方三丁目", "中野区野方3丁目", "のがた3丁目", "Nogata 3-chome", "nogata 3", "노가타 3초메"],
)
def test_the_area_as_residents_write_it(feed: TestClient, written: str) -> None:
    expected = feed.get(FEED, params={"area": "野方3丁目"})
    response = feed.get(FEED, params={"area": written})
    assert response.status_code == 200, response.text
    assert response.content == expected.content


def test_english_names_with_the_japanese_beside(feed: TestClient) -> None:
    response = feed.get(FEED, params={"area": "Nogata 3-chome", "lang": "en", "months": 1})
    calendar = Calendar.from_ical(response.content)
    assert "Nogata 3-chome (野方3丁目)" in str(calendar["X-WR-CALNAME"])
    summaries = {str(event["SUMMARY"]) for event in calendar.events}
    assert "Burnable waste (燃やすごみ)" in summaries
    assert all(s.endswith(tuple(f"({c})" for c in CSV_CATEGORIES.values())) for s in summaries)
    assert all("8:00" in str(event["DESCRIPTION"]) for event in calendar.events)


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_chinese_and_korean_keep_the_japanese_name(feed: TestClient, lang: str) -> None:
    response = feed.get(FEED, params={"area": "野方3丁目", "lang": lang, "months": 1})
    for event in events(response):
        summary = str(event["SUMMARY"])
        japanese = re.search(r"[（(](.+)[）)]$", summary)
        assert japanese is not None
        assert japanese[1] in CSV_CATEGORIES.values()
        assert not summary.startswith(tuple(CSV_CATEGORIES.values()))


def test_daily_collection_areas_say_so(feed: TestClient, sessions: sessionmaker[Session]) -> None:
    """The table's row 「2;3;5（毎日収集地域は除く）」 gives the days outside the daily-
    collection streets; its feed says so in every event, as the schedule answer does."""
    with sessions() as session:
        daily = session.get(WardText, "daily_collection")
        assert daily is not None
    nakano_2 = events(feed.get(FEED, params={"area": "中野2丁目", "months": 1}))
    nakano_4 = events(feed.get(FEED, params={"area": "中野4丁目", "months": 1}))
    assert all(daily.body in str(event["DESCRIPTION"]) for event in nakano_2)
    assert not any(daily.body in str(event["DESCRIPTION"]) for event in nakano_4)


def test_an_unknown_area_is_404(feed: TestClient) -> None:
    response = feed.get(FEED, params={"area": "高円寺3丁目"})
    assert response.status_code == 404
    assert "高円寺3丁目" in response.json()["detail"]


def test_a_town_without_its_chome_is_422_with_the_choices(feed: TestClient) -> None:
    response = feed.get(FEED, params={"area": "野方"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "area"]
    assert error["choices"] == [f"野方{n}丁目" for n in range(1, 7)]
    for choice in error["choices"]:
        assert feed.get(FEED, params={"area": choice, "months": 1}).status_code == 200
    assert feed.get(FEED, params={"area": "野方7丁目"}).status_code == 422
    # A town collected alike in every 丁目 needs none.
    assert feed.get(FEED, params={"area": "江原町", "months": 1}).status_code == 200


@pytest.mark.parametrize("months", ["0", "13", "-1", "three"])
def test_months_out_of_range_is_422(feed: TestClient, months: str) -> None:
    response = feed.get(FEED, params={"area": "野方3丁目", "months": months})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "months"]


def test_an_unchanged_feed_is_304(feed: TestClient) -> None:
    params = {"area": "野方3丁目"}
    first = feed.get(FEED, params=params)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert int(first.headers["cache-control"].rsplit("=", 1)[1]) >= 3600
    assert parsedate_to_datetime(first.headers["last-modified"]).tzinfo is not None
    again = feed.get(FEED, params=params)
    assert again.headers["etag"] == etag
    assert again.headers["last-modified"] == first.headers["last-modified"]
    for sent in (etag, f"W/{etag}", f'"other", {etag}'):
        unchanged = feed.get(FEED, params=params, headers={"If-None-Match": sent})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged.headers["etag"] == etag
    changed = feed.get(FEED, params=params, headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200
    assert feed.get(FEED, params={**params, "lang": "en"}).headers["etag"] != etag
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert feed.get(FEED, params=params, headers=since).status_code == 304


def test_the_day_comes_from_the_settings_when_not_overridden(catalog_url: str) -> None:
    app = create_app(Settings(database_url=catalog_url, fixed_today=date(2027, 2, 1)))
    with TestClient(app) as client:
        response = client.get(FEED, params={"area": "野方3丁目", "months": 1})
    starts = [event.start for event in events(response)]
    assert min(starts) >= date(2027, 2, 1)
    assert max(starts) < date(2027, 3, 1)
