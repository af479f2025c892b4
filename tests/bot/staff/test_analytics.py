"""The staff's analytics figures against a real database, and the chat events the real
actions write for them.

The figures run on SQLite here; set ``NAKANO_BOT_TEST_POSTGRES_URL`` (a scratch database:
its tables are dropped) to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from actions import answers
from bot.catalog.calendar import TOKYO, today_in_tokyo
from bot.catalog.chat_events import OUTCOMES, record_chat_event
from bot.catalog.db import create_schema, get_engine, get_sessionmaker
from bot.catalog.models import Base, ChatEvent, UnansweredQuestion
from bot.staff import analytics
from tests.support.actions import run
from tests.support.catalog import make_catalog

POSTGRES_URL = os.environ.get("NAKANO_BOT_TEST_POSTGRES_URL")


def jst(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Tokyo wall-clock time, as the aware UTC datetime the bot stores (``utcnow``)."""
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO).astimezone(timezone.utc)


POSTGRESQL = pytest.param("postgresql", marks=pytest.mark.postgres)


@pytest.fixture(params=["sqlite", *([POSTGRESQL] if POSTGRES_URL else [])])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    if request.param == "sqlite":
        url = make_catalog(tmp_path / "catalog.sqlite3")
    else:
        url = POSTGRES_URL
        Base.metadata.drop_all(get_engine(url))
        create_schema(url)
    with get_sessionmaker(url)() as session:
        yield session


def add_events(session: Session, *events: tuple[datetime, str, str | None]) -> None:
    session.add_all(
        ChatEvent(at=at, outcome=outcome, item_name=name) for at, outcome, name in events
    )
    session.commit()


def add_unanswered(session: Session, text_: str, count: int, first: datetime, last: datetime):
    session.add(
        UnansweredQuestion(
            text=text_, normalized=text_, count=count, first_seen=first, last_seen=last
        )
    )
    session.commit()


# --- Days --------------------------------------------------------------------------------


def test_days_are_tokyo_days_across_midnight(db: Session) -> None:
    add_events(
        db,
        (jst(2026, 4, 30, 23, 59), "other", None),  # the day before the range
        (jst(2026, 5, 1, 0, 0), "other", None),  # the range's first instant
        (jst(2026, 5, 1, 23, 30), "answered", "スプレー缶"),  # 14:30 UTC on 5/1
        (jst(2026, 5, 2, 0, 30), "answered", "スプレー缶"),  # 15:30 UTC, also on 5/1 in UTC
        (jst(2026, 5, 4, 0, 0), "other", None),  # the end is not in the range
    )
    assert analytics.questions_per_day(db, date(2026, 5, 1), date(2026, 5, 4)) == [
        (date(2026, 5, 1), 2),
        (date(2026, 5, 2), 1),
        (date(2026, 5, 3), 0),
    ]
    assert analytics.questions_per_day(db, date(2026, 5, 2), date(2026, 5, 2)) == []


def test_an_event_recorded_now_counts_today_in_tokyo(db: Session) -> None:
    assert record_chat_event(db, "schedule")
    today = today_in_tokyo()
    tomorrow = date.fromordinal(today.toordinal() + 1)
    assert analytics.questions_per_day(db, today, tomorrow) == [(today, 1)]


def test_month_range() -> None:
    assert analytics.month_range(2026, 12) == (date(2026, 12, 1), date(2027, 1, 1))
    assert analytics.month_range(2028, 2) == (date(2028, 2, 1), date(2028, 3, 1))
    with pytest.raises(ValueError, match="month"):
        analytics.month_range(2026, 13)


# --- Outcomes and items ------------------------------------------------------------------


def test_outcome_shares_count_every_outcome_and_add_up_to_one(db: Session) -> None:
    day = (2026, 5, 10)
    add_events(
        db,
        *[(jst(*day, 9), "answered", "スプレー缶")] * 5,
        (jst(*day, 10), "asked_back", "ざる"),
        (jst(*day, 11), "not_found", None),
        (jst(*day, 11), "not_found", None),
        (jst(*day, 12), "general", None),
        (jst(*day, 13), "follow_up", "フライパン"),
        (jst(2026, 5, 11, 0, 10), "schedule", None),  # the next Tokyo day: not counted
    )
    shares = analytics.outcome_shares(db, date(*day), date(2026, 5, 11))
    assert list(shares) == list(OUTCOMES)
    assert {k: count for k, (count, _) in shares.items()} == {
        "answered": 5,
        "asked_back": 1,
        "not_found": 2,
        "schedule": 0,
        "general": 1,
        "follow_up": 1,
        "other": 0,
    }
    assert shares["answered"][1] == pytest.approx(5 / 10)
    assert sum(share for _, share in shares.values()) == pytest.approx(1.0)
    empty = analytics.outcome_shares(db, date(2026, 6, 1), date(2026, 6, 2))
    assert empty == dict.fromkeys(OUTCOMES, (0, 0.0))


def test_top_items_most_answered_first(db: Session) -> None:
    add_events(
        db,
        *[(jst(2026, 5, 3), "answered", "ペットボトル")] * 3,
        *[(jst(2026, 5, 4), "answered", "スプレー缶")] * 4,
        *[(jst(2026, 5, 5), "answered", "乾電池")] * 3,
        (jst(2026, 5, 5), "answered", "傘"),
        # Asked back, not found, or outside the range: not counted.
        *[(jst(2026, 5, 5), "asked_back", "傘")] * 9,
        (jst(2026, 5, 5), "not_found", None),
        *[(jst(2026, 6, 1, 0, 30), "answered", "傘")] * 9,
    )
    start, end = date(2026, 5, 1), date(2026, 6, 1)
    assert analytics.top_items(db, start, end) == [
        ("スプレー缶", 4),
        ("ペットボトル", 3),
        ("乾電池", 3),
        ("傘", 1),
    ]
    assert analytics.top_items(db, start, end, limit=2) == [("スプレー缶", 4), ("ペットボトル", 3)]


# --- Unanswered questions ----------------------------------------------------------------


def test_top_unanswered_ranked_by_count(db: Session) -> None:
    may = jst(2026, 5, 10)
    add_unanswered(db, "ヨガマットはどうやって捨てるの", 3, may, may)
    add_unanswered(db, "華道で使う剣山は何ゴミですか？", 7, may, may)
    add_unanswered(db, "ゴミ袋はどこで買えますか", 1, may, may)
    add_unanswered(db, "去年の質問", 50, jst(2025, 1, 1), jst(2025, 2, 1))
    ranked = analytics.top_unanswered(db)
    assert [(q.text, q.count) for q in ranked] == [
        ("去年の質問", 50),
        ("華道で使う剣山は何ゴミですか？", 7),
        ("ヨガマットはどうやって捨てるの", 3),
        ("ゴミ袋はどこで買えますか", 1),
    ]
    assert len(analytics.top_unanswered(db, limit=2)) == 2
    in_may = analytics.top_unanswered(db, start=date(2026, 5, 1), end=date(2026, 6, 1))
    assert [q.count for q in in_may] == [7, 3, 1]


def test_top_unanswered_words_are_weighted_nouns(db: Session) -> None:
    may = jst(2026, 5, 10)
    add_unanswered(db, "ヨガマットはどうやって捨てるの", 3, may, may)
    add_unanswered(db, "ヨガマットの捨て方", 2, may, may)
    add_unanswered(db, "華道で使う剣山は何ゴミですか？", 4, may, may)
    add_unanswered(db, "ゴミ袋はどこで買えますか", 1, may, may)
    add_unanswered(db, "ごみ袋を買いたい", 1, may, may)
    words = analytics.top_unanswered_words(db)
    # ゴミ袋 and ごみ袋 are one word (Sudachi's normalised form); no particle, verb,
    # pronoun (何, どこ), symbol, or generic word (ごみ, 捨て方) among them.
    assert words == [("ヨガマット", 5), ("剣山", 4), ("華道", 4), ("ごみ袋", 2)]
    assert analytics.top_unanswered_words(db, limit=1) == [("ヨガマット", 5)]


# --- The monthly report ------------------------------------------------------------------


def test_monthly_report_and_its_csv(db: Session) -> None:
    add_events(
        db,
        (jst(2026, 4, 30, 23, 30), "answered", "傘"),  # April in Tokyo
        (jst(2026, 5, 1, 0, 30), "answered", "スプレー缶"),
        (jst(2026, 5, 1, 9), "asked_back", "ざる"),
        (jst(2026, 5, 31, 23, 30), "not_found", None),
        (jst(2026, 6, 1, 0, 30), "answered", "傘"),  # June in Tokyo, still May in UTC
    )
    last_day = jst(2026, 5, 31)
    add_unanswered(db, '=HYPERLINK("http://x")のヨガマット', 2, last_day, last_day)
    report = analytics.monthly_report(db, 2026, 5)
    assert (report.start, report.end, report.total) == (date(2026, 5, 1), date(2026, 6, 1), 3)
    assert len(report.per_day) == 31
    assert report.per_day[0] == (date(2026, 5, 1), 2)
    assert report.per_day[-1] == (date(2026, 5, 31), 1)
    assert report.outcomes["answered"][0] == 1
    assert report.top_items == [("スプレー缶", 1)]
    assert [(r.text[:10], r.count) for r in report.top_unanswered] == [("=HYPERLINK", 2)]
    assert ("ヨガマット", 2) in report.top_unanswered_words

    rows = list(csv.reader(io.StringIO(analytics.report_csv(report))))
    assert rows[0] == ["区分", "項目", "件数", "割合"]
    assert ["集計期間", "2026年5月（2026-05-01〜2026-05-31）", "", ""] in rows
    assert ["質問数", "合計", "3", ""] in rows
    assert ["日別の質問数", "2026-05-01", "2", ""] in rows
    assert ["日別の質問数", "2026-05-02", "0", ""] in rows
    assert ["結果の内訳", "回答した", "1", "33.3%"] in rows
    assert ["結果の内訳", "一覧になかった", "1", "33.3%"] in rows
    assert ["よく聞かれた品目", "スプレー缶", "1", ""] in rows
    # A resident's text is never a formula when the file is opened in Excel.
    [question] = [r for r in rows if r[0] == "答えられなかった質問"]
    assert question[1].startswith("'=HYPERLINK")


# --- The actions record what became of each message ---------------------------------------


@pytest.fixture
def catalog(actions_catalog: str) -> str:
    return actions_catalog


def events_of(url: str) -> list[tuple[str, str | None]]:
    with get_sessionmaker(url)() as session:
        rows = session.execute(
            select(ChatEvent.outcome, ChatEvent.item_name).order_by(ChatEvent.id)
        ).tuples()
        return list(rows)


def test_actions_record_one_event_per_message(catalog: str) -> None:
    [answer], _ = run(answers.ActionRespond(), "スプレー缶は何ごみ？")
    assert answer["text"].startswith("「スプレー缶」は")
    [ask_back], _ = run(answers.ActionRespond(), "ざるは何ごみ？")
    payload = ask_back["buttons"][1]["payload"]
    item_id = int(payload.split(":")[1].strip(" }"))
    run(answers.ActionRespond(), payload, entities=[{"entity": "item_id", "value": item_id}])
    [unknown], _ = run(answers.ActionRespond(), "ヨガマットはどうやって捨てるの")
    assert "見つかりませんでした" in unknown["text"]
    run(answers.ActionRespond(), "野方3丁目の燃やすごみは何曜日？", intent="ask_schedule")
    run(answers.ActionRespond(), "粗大ごみの出し方を教えて", intent="ask_bulky")
    run(answers.ActionRespond(), "こんにちは", intent="greet")
    run(answers.ActionRespond(), "今日の天気は？", intent="nlu_fallback")

    assert events_of(catalog) == [
        ("answered", "スプレー缶"),
        ("asked_back", "ざる"),
        ("answered", "ざる（プラスチック製）"),
        ("not_found", None),
        ("schedule", None),
        ("general", None),  # the bulky-waste procedure is a knowledge entry
        ("other", None),
        ("other", None),
    ]
    with get_sessionmaker(catalog)() as session:
        today = today_in_tokyo()
        shares = analytics.outcome_shares(session, today, date.fromordinal(today.toordinal() + 1))
        assert shares["answered"] == (2, 0.25)
        # The not-found question is kept for staff as before; the event holds no text.
        assert session.scalar(select(UnansweredQuestion.text)) == "ヨガマットはどうやって捨てるの"


def test_an_item_in_another_action_is_counted_as_an_item(catalog: str) -> None:
    run(answers.ActionRespond(), "ざる", intent="greet")
    run(answers.ActionRespond(), "ソファは粗大ごみ？", intent="ask_bulky")
    [(outcome, _), (bulky, name)] = events_of(catalog)
    assert outcome == "asked_back"
    assert bulky == "answered"
    assert name is not None
    assert "ソファ" in name


def test_a_failed_recording_never_breaks_the_answer(
    catalog: str, caplog: pytest.LogCaptureFixture
) -> None:
    with get_engine(catalog).begin() as connection:
        connection.execute(text("DROP TABLE chat_events"))
    with caplog.at_level(logging.ERROR):
        messages, _ = run(answers.ActionRespond(), "スプレー缶は何曜日に出せばいい？")
    # The answer, and the question about the area that follows it on the same session.
    assert messages[0]["text"].startswith("「スプレー缶」は「陶器・ガラス・金属ごみ」です。")
    assert "町名と丁目" in messages[1]["text"]
    assert "could not record a chat event" in caplog.text


def test_an_unknown_outcome_is_a_programming_error(db: Session) -> None:
    with pytest.raises(ValueError, match="outcome"):
        record_chat_event(db, "answerd")
