"""Staff notices (お知らせ) with a frozen clock, against real catalogs of the shipped data:
the one function every date goes through, the calendar feed, the chat answers (the actions
run in this process, through rasa-sdk's own objects), the audit trail and translations.

野方3丁目 has 燃やすごみ on Tuesdays and Fridays, びん・缶・ペットボトル on Tuesdays and
資源プラスチック on Thursdays; the frozen day is Thursday 24 December 2026, so the next
燃やすごみ days are 12/25 (Fri), 12/29 (Tue), then 1/5 (Tue) after the year-end break.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import answers, replies
from bot import settings as settings_module
from bot.catalog.models import Area, AuditLog, Category, Notice, Translation
from bot.catalog.notices import (
    CollectionNotice,
    NoticeKind,
    collections_with_notices,
    notices_for,
)
from bot.catalog.schedule import AreaDirectory
from bot.catalog.translations import NOTICE, Translations
from bot.i18n.voice import Voice
from bot.server.app import create_app
from bot.server.calendar import feed_today
from bot.settings import Settings
from bot.staff import operations as ops
from bot.staff.audit import acting_as, staff_sessionmaker
from bot.staff.translations import JapaneseNow
from tests.support.actions import run
from tests.support.catalog import make_catalog
from tests.support.stack import FROZEN_TODAY

BURNABLE = "燃やすごみ"
BOTTLES = "びん・缶・ペットボトル"
FRIDAY, TUESDAY, NEXT_TUESDAY = date(2026, 12, 25), date(2026, 12, 29), date(2027, 1, 5)
WEDNESDAY_AFTER = date(2027, 1, 6)
TEXT = "清掃工場の点検のため、この日は収集しません。"


def area(sessions: sessionmaker[Session], place: str) -> Area:
    with sessions() as session:
        found = AreaDirectory.load(session).lookup(place).area
    assert found is not None, place
    return found


@pytest.fixture(scope="module")
def nogata3(sessions: sessionmaker[Session]) -> Area:
    return area(sessions, "野方3丁目")


def notice(
    kind: NoticeKind,
    starts_on: date,
    ends_on: date | None = None,
    *,
    where: Area | None = None,
    categories: tuple[str, ...] = (BURNABLE,),
    moved_to: date | None = None,
    text: str = TEXT,
    id: int = 1,
) -> CollectionNotice:
    return CollectionNotice(
        id=id,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        moved_to=moved_to,
        all_areas=where is None,
        area_ids=frozenset([where.id] if where is not None else []),
        categories=frozenset(categories),
        text=text,
    )


def days(area: Area, notices: list[CollectionNotice], category: str = BURNABLE) -> list[date]:
    found = collections_with_notices(area, FROZEN_TODAY, date(2027, 1, 9), notices, [category])
    return [c.day for c in found]


# --- the one function: which days, with the notices applied ---------------------------------


def test_without_notices_the_weekday_rules_give_the_days(nogata3: Area) -> None:
    assert days(nogata3, []) == [FRIDAY, TUESDAY, NEXT_TUESDAY, date(2027, 1, 8)]


def test_a_cancelled_tuesday_is_gone_and_only_for_its_category(nogata3: Area) -> None:
    cancelled = [notice(NoticeKind.CANCELLED, TUESDAY, where=nogata3)]
    assert days(nogata3, cancelled) == [FRIDAY, NEXT_TUESDAY, date(2027, 1, 8)]
    assert TUESDAY in days(nogata3, cancelled, BOTTLES)  # びん on Tuesdays: not named


def test_a_notice_for_every_category_and_area_cancels_everything_that_day(
    nogata3: Area,
) -> None:
    everything = [notice(NoticeKind.CANCELLED, TUESDAY, categories=())]
    found = collections_with_notices(nogata3, TUESDAY, date(2026, 12, 30), everything)
    assert found == []
    without = collections_with_notices(nogata3, TUESDAY, date(2026, 12, 30), [])
    assert {c.category for c in without} == {BURNABLE, BOTTLES}


def test_a_notice_for_another_area_changes_nothing_here(
    nogata3: Area, sessions: sessionmaker[Session]
) -> None:
    elsewhere = [notice(NoticeKind.CANCELLED, TUESDAY, where=area(sessions, "野方4丁目"))]
    assert days(nogata3, elsewhere) == days(nogata3, [])


def test_a_moved_day_is_on_its_new_day_with_the_notice(nogata3: Area) -> None:
    moved = notice(NoticeKind.MOVED, NEXT_TUESDAY, where=nogata3, moved_to=WEDNESDAY_AFTER)
    assert days(nogata3, [moved]) == [FRIDAY, TUESDAY, WEDNESDAY_AFTER, date(2027, 1, 8)]
    [collection] = [
        c
        for c in collections_with_notices(nogata3, FROZEN_TODAY, date(2027, 1, 9), [moved])
        if c.day == WEDNESDAY_AFTER
    ]
    assert collection.moved_from == NEXT_TUESDAY
    assert collection.notices == (moved,)


def test_a_day_moved_across_the_edge_of_the_window(nogata3: Area) -> None:
    """A collection moved from before the window into it is there; one moved out of it is
    not: the window holds the days collection is really made."""
    moved = notice(NoticeKind.MOVED, TUESDAY, where=nogata3, moved_to=date(2026, 12, 30))
    after = collections_with_notices(nogata3, date(2026, 12, 30), date(2027, 1, 2), [moved])
    assert [(c.day, c.category, c.moved_from) for c in after] == [
        (date(2026, 12, 30), BURNABLE, TUESDAY)
    ]
    before = collections_with_notices(
        nogata3, FROZEN_TODAY, date(2026, 12, 30), [moved], [BURNABLE]
    )
    assert [c.day for c in before] == [FRIDAY]


def test_cancelling_wins_over_moving(nogata3: Area) -> None:
    both = [
        notice(NoticeKind.MOVED, TUESDAY, where=nogata3, moved_to=date(2026, 12, 30), id=1),
        notice(NoticeKind.CANCELLED, TUESDAY, where=nogata3, id=2),
    ]
    assert days(nogata3, both) == [FRIDAY, NEXT_TUESDAY, date(2027, 1, 8)]


def test_information_rides_along_without_changing_a_day(nogata3: Area) -> None:
    info = notice(NoticeKind.INFO, FRIDAY, TUESDAY, categories=(), text="袋は口を縛って。")
    found = collections_with_notices(nogata3, FROZEN_TODAY, date(2027, 1, 9), [info])
    assert [c.day for c in found if c.category == BURNABLE] == days(nogata3, [])
    assert {c.day for c in found if c.notices == (info,)} == {FRIDAY, TUESDAY}


def test_the_notices_an_answer_tells(nogata3: Area, sessions: sessionmaker[Session]) -> None:
    cancelled = notice(NoticeKind.CANCELLED, TUESDAY, where=nogata3, id=1)
    bottles = notice(NoticeKind.CANCELLED, TUESDAY, where=nogata3, categories=(BOTTLES,), id=2)
    moved_in = notice(NoticeKind.MOVED, date(2026, 12, 1), where=nogata3, moved_to=FRIDAY, id=3)
    elsewhere = notice(NoticeKind.CANCELLED, TUESDAY, where=area(sessions, "江原町"), id=4)
    every = [cancelled, bottles, moved_in, elsewhere]
    assert notices_for(nogata3, [BURNABLE], FROZEN_TODAY, date(2027, 1, 1), every) == [
        cancelled,
        moved_in,
    ]
    assert notices_for(nogata3, [BURNABLE], date(2027, 1, 1), date(2027, 2, 1), every) == []


# --- the calendar feed -----------------------------------------------------------------------


@pytest.fixture
def catalog(tmp_path: Path) -> str:
    """A catalog of its own, since the tests write notices to it."""
    return make_catalog(tmp_path / "catalog.sqlite3")


@pytest.fixture
def staff(catalog: str) -> sessionmaker[Session]:
    return staff_sessionmaker(catalog)


def add_notice(
    staff: sessionmaker[Session],
    kind: NoticeKind,
    starts_on: date,
    *,
    places: tuple[str, ...] = ("野方3丁目",),
    categories: tuple[str, ...] = (BURNABLE,),
    **fields: object,
) -> int:
    with staff() as session, acting_as("test"):
        created = ops.create_notice(
            session,
            kind.value,
            starts_on,
            fields.pop("ends_on", starts_on),  # type: ignore[arg-type]
            area_ids=[a.id for a in ops.areas_named(session, places)],
            category_ids=[c.id for c in ops.categories_named(session, categories)],
            **fields,  # type: ignore[arg-type]
        )
        session.commit()
        return created.id


@pytest.fixture
def feed(catalog: str) -> Iterator[TestClient]:
    app: FastAPI = create_app(Settings(database_url=catalog))
    app.dependency_overrides[feed_today] = lambda: FROZEN_TODAY
    with TestClient(app) as client:
        yield client


def feed_events(feed: TestClient, **params: str) -> list:
    response = feed.get("/api/calendar.ics", params={"area": "野方3丁目", "months": "1", **params})
    assert response.status_code == 200, response.text
    return list(Calendar.from_ical(response.content).events)


def burnable_days(events: list) -> list[date]:
    return [e.start for e in events if str(e["SUMMARY"]).endswith(("燃やすごみ", "(燃やすごみ)"))]


def test_the_feed_drops_a_cancelled_tuesday_and_shows_a_moved_day(
    feed: TestClient, staff: sessionmaker[Session]
) -> None:
    before = feed.get("/api/calendar.ics", params={"area": "野方3丁目", "months": "1"})
    assert burnable_days(feed_events(feed))[:3] == [FRIDAY, TUESDAY, NEXT_TUESDAY]
    add_notice(staff, NoticeKind.CANCELLED, TUESDAY, text=TEXT)
    add_notice(
        staff,
        NoticeKind.MOVED,
        NEXT_TUESDAY,
        moved_to=WEDNESDAY_AFTER,
        text="祝日の振替です。",
    )
    events = feed_events(feed)
    assert burnable_days(events)[:3] == [FRIDAY, WEDNESDAY_AFTER, date(2027, 1, 8)]
    # びん・缶・ペットボトル on the same Tuesday is not named by the notice: still there.
    assert any(e.start == TUESDAY and BOTTLES in str(e["SUMMARY"]) for e in events)
    [moved] = [e for e in events if e.start == WEDNESDAY_AFTER]
    description = str(moved["DESCRIPTION"])
    assert description.startswith(
        "1月5日（火）の収集が、この日に変更になりました。\n祝日の振替です。"
    )
    assert "朝8時" in description  # the put-out rule follows
    after = feed.get("/api/calendar.ics", params={"area": "野方3丁目", "months": "1"})
    assert after.headers["etag"] != before.headers["etag"]
    # Another area is not named by the notices.
    other = feed_events(feed, area="野方1丁目")
    assert TUESDAY in burnable_days(other)


def test_the_feed_tells_information_in_the_description(
    feed: TestClient, staff: sessionmaker[Session]
) -> None:
    add_notice(
        staff, NoticeKind.INFO, FRIDAY, places=(), categories=(), all_areas=True,
        text="年末は収集が混み合います。",
    )  # fmt: skip
    events = feed_events(feed)
    on_friday = [e for e in events if e.start == FRIDAY]
    assert on_friday
    assert all(str(e["DESCRIPTION"]).startswith("年末は収集が混み合います。") for e in on_friday)
    assert not any("年末は" in str(e["DESCRIPTION"]) for e in events if e.start != FRIDAY)
    english = [e for e in feed_events(feed, lang="en") if e.start == FRIDAY]
    # No English yet: the resident is told so, and reads the Japanese.
    assert all("Not yet translated" in str(e["DESCRIPTION"]) for e in english)


# --- the chat answers (the action, in this process) ------------------------------------------


@pytest.fixture
def actions_staff(actions_catalog: str, monkeypatch: pytest.MonkeyPatch) -> sessionmaker[Session]:
    """The actions' catalog with the day frozen, and audited sessions to write notices."""
    monkeypatch.setenv("NAKANO_BOT_FIXED_TODAY", FROZEN_TODAY.isoformat())
    settings_module.get_settings.cache_clear()
    return staff_sessionmaker(actions_catalog)


def ask(text: str) -> dict:
    [message], _ = run(answers.ActionRespond(), text, intent="ask_schedule")
    return message


def test_the_next_date_answer_skips_a_cancelled_day_and_says_why(
    actions_staff: sessionmaker[Session],
) -> None:
    assert (
        "・燃やすごみ：火曜日・金曜日（次は12月25日（金））"
        in ask("野方3丁目の次の燃やすごみはいつ？")["text"]
    )
    add_notice(actions_staff, NoticeKind.CANCELLED, FRIDAY, text=TEXT)
    add_notice(actions_staff, NoticeKind.CANCELLED, TUESDAY, text="")
    lines = ask("野方3丁目の次の燃やすごみはいつ？")["text"].splitlines()
    assert "・燃やすごみ：火曜日・金曜日（次は1月5日（火））" in lines
    assert "【お知らせ】12月25日（金）は、「燃やすごみ」の収集はありません。" in lines
    assert TEXT in lines
    assert "【お知らせ】12月29日（火）は、「燃やすごみ」の収集はありません。" in lines
    assert not any("12月25日（金）" in line for line in lines if line.startswith("・"))


def test_a_moved_day_is_the_next_date_and_tomorrow_answers_so(
    actions_staff: sessionmaker[Session],
) -> None:
    add_notice(actions_staff, NoticeKind.MOVED, FRIDAY, moved_to=date(2026, 12, 26), text="")
    text = ask("野方3丁目の次の燃やすごみはいつ？")["text"]
    assert "（次は12月26日（土））" in text
    assert (
        "【お知らせ】12月25日（金）の「燃やすごみ」の収集は、12月26日（土）に変わります。" in text
    )
    tomorrow = ask("野方3丁目、明日は何ごみの日？")["text"]
    assert tomorrow.startswith("明日（12月25日（金））は、野方3丁目では収集日ではありません。")
    saturday = ask("野方3丁目、12月26日は何ごみの日？")["text"]
    assert "出せるのは「燃やすごみ」" in saturday


def test_a_schedule_answer_tells_the_coming_notices_and_offers_the_calendar(
    actions_staff: sessionmaker[Session],
) -> None:
    message = ask("野方3丁目の燃やすごみは何曜日？")
    assert "お知らせ" not in message["text"]
    add_notice(actions_staff, NoticeKind.CANCELLED, TUESDAY, text=TEXT)
    add_notice(actions_staff, NoticeKind.CANCELLED, date(2027, 3, 2), text="まだ先の話")
    message = ask("野方3丁目の燃やすごみは何曜日？")
    assert "・燃やすごみ：火曜日・金曜日" in message["text"]
    assert TEXT in message["text"]
    assert "まだ先の話" not in message["text"]  # more than a month ahead
    links = message["custom"]["links"]
    assert [link["url"] for link in links] == [
        "/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE",
        "webcal:/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE",
    ]
    assert [link["title"] for link in links] == [
        "カレンダーに登録（Google カレンダーなど）",
        "カレンダーに登録（iPhone・Mac）",
    ]


def test_a_notice_said_in_english_with_its_translation(nogata3: Area) -> None:
    moved = notice(NoticeKind.MOVED, FRIDAY, where=nogata3, moved_to=date(2026, 12, 26), id=7)
    rows = [(NOTICE, "7", "text", "en", TEXT, "No collection that day: the plant is inspected.")]
    voice = Voice("en", Translations(rows))
    lines = replies.notice_lines(voice, [moved], [BURNABLE])
    assert lines[0] == (
        "Notice: the collection of “燃やすごみ” on Friday, December 25 "
        "moves to Saturday, December 26."
    )
    assert lines[1] == "No collection that day: the plant is inspected."
    links = replies.calendar_links(voice, nogata3)
    assert all(link["url"].endswith("&lang=en") for link in links)


# --- the audit trail and translations --------------------------------------------------------


def test_notices_are_audited_with_their_areas_and_categories(
    staff: sessionmaker[Session],
) -> None:
    notice_id = add_notice(staff, NoticeKind.CANCELLED, TUESDAY, text=TEXT)
    with staff() as session, acting_as("test"):
        areas = ops.areas_named(session, ["野方3丁目", "江原町"])
        ops.update_notice(session, notice_id, area_ids=[a.id for a in areas])
        session.commit()
    with staff() as session, acting_as("test"):
        session.add(
            Translation(kind=NOTICE, key=str(notice_id), field="text", language="en",
                        source=TEXT, body="No collection.")
        )  # fmt: skip
        session.commit()
        now = JapaneseNow(session)
        assert now.original(NOTICE, str(notice_id), "text").japanese == TEXT
        assert any(target == (NOTICE, str(notice_id), "text") for target, _ in now.targets())
        ops.delete_notice(session, notice_id)
        session.commit()
    with staff() as session:
        rows = list(
            session.scalars(
                select(AuditLog).where(AuditLog.table == "notices").order_by(AuditLog.id)
            )
        )
        assert session.get(Notice, notice_id) is None
        assert session.scalars(select(Translation).where(Translation.kind == NOTICE)).all() == []
        burnable = session.scalar(select(Category).where(Category.name == BURNABLE))
        assert burnable is not None
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.actor == "test" for r in rows)
    assert rows[0].summary == "2026年12月29日（火） 収集なし"
    assert rows[0].changes["areas"] == [None, ["野方3丁目"]]
    assert rows[0].changes["categories"] == [None, [BURNABLE]]
    assert rows[0].changes["text"] == [None, TEXT]
    assert rows[1].changes == {"areas": [["野方3丁目"], ["江原町", "野方3丁目"]]}
    assert rows[2].changes["areas"] == [["江原町", "野方3丁目"], None]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "sometimes"}, "種類は"),
        ({"ends_on": date(2026, 12, 28)}, "終了日は開始日"),
        ({"ends_on": date(9999, 12, 31)}, "2000年から2099年"),
        ({"kind": "moved"}, "振替先の日を入力"),
        ({"kind": "moved", "moved_to": TUESDAY}, "期間の外"),
        ({"moved_to": date(2026, 12, 30)}, "「別の日に振替」のときだけ"),
        ({"area_ids": []}, "地域を選ぶか"),
        ({"kind": "info", "text": " "}, "本文を入力"),
    ],
)
def test_a_notice_that_makes_no_sense_is_refused_in_japanese(
    staff: sessionmaker[Session], fields: dict, message: str
) -> None:
    with staff() as session, acting_as("test"):
        [nogata] = ops.areas_named(session, ["野方3丁目"])
        values = {
            "kind": "cancelled", "starts_on": TUESDAY, "ends_on": TUESDAY, "text": TEXT,
            "area_ids": [nogata.id], **fields,
        }  # fmt: skip
        with pytest.raises(ops.OperationError, match=message):
            ops.create_notice(
                session, values.pop("kind"), values.pop("starts_on"), values.pop("ends_on"),
                values.pop("text"), **values,
            )  # fmt: skip
        session.rollback()
    with staff() as session:
        assert session.scalars(select(Notice)).all() == []


def test_a_place_is_named_as_residents_write_it(staff: sessionmaker[Session]) -> None:
    with staff() as session:
        assert [a.town for a in ops.areas_named(session, ["野方三丁目", "江原町"])] == [
            "野方",
            "江原町",
        ]
        with pytest.raises(ops.OperationError, match="丁目まで指定"):
            ops.areas_named(session, ["野方"])
        with pytest.raises(ops.OperationError, match="収集日の表にありません"):
            ops.areas_named(session, ["高円寺3丁目"])
        with pytest.raises(ops.OperationError, match="種別「燃えるゴミ」はありません"):
            ops.categories_named(session, ["燃えるゴミ"])
