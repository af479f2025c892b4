"""LINE reminders the evening before a collection day, sent (``bot.reminders``): exactly once
(real SQLite, PostgreSQL for two senders at once, the fake LINE API on loopback), unfollow,
the time staff set, the staff's figures. Asking for them in the conversation is
tests/actions/test_reminders.py.

The conversation through the real Rasa model and signed LINE webhook events, then the
command, is at the end (``e2e``)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time as clock
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.catalog.calendar import TOKYO
from bot.catalog.db import get_sessionmaker
from bot.catalog.importer import CatalogFiles, import_into
from bot.catalog.models import (
    Area,
    Category,
    Notice,
    ReminderDelivery,
    ReminderSettings,
    ReminderSubscription,
)
from bot.cli import app as cli
from bot.line.fake_api import FakeLineApi
from bot.reminders.sender import ReminderSender
from bot.reminders.subscriptions import subscribe
from bot.reminders.timer import SEND_WINDOW, due_date
from bot.server.app import create_app
from bot.services import Service
from bot.settings import ROOT, Settings
from bot.staff import analytics
from tests.support.line import FAKE_LINE_PORT, SECRET, TOKEN, event, post, reply_texts, user
from tests.support.line import text as line_text
from tests.support.reminders import BURNABLE, CERAMICS, area_named, category_id, stored

#: 2026-12-29 is a Tuesday, before the New Year break (12/31–1/3): 燃やすごみ and
#: びん・缶・ペットボトル in 野方3丁目, 資源プラスチック and びん・缶・ペットボトル in 野方4丁目.
TUESDAY = date(2026, 12, 29)
#: 2027-01-01 is a Friday in the New Year break: no collection anywhere.
NEW_YEAR = date(2027, 1, 1)
#: The Friday after: 燃やすごみ in 野方3丁目 again.
FRIDAY = date(2027, 1, 8)

# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def catalog(actions_catalog: str) -> str:
    """A fresh catalog of the test's own, which the sender uses."""
    return actions_catalog


@pytest.fixture
def catalog_sessions(catalog: str) -> sessionmaker[Session]:
    return get_sessionmaker(catalog)


@pytest.fixture
def settings(catalog: str, fake_line: FakeLineApi) -> Settings:
    fake_line.clear()
    return Settings(
        database_url=catalog,
        line_channel_secret=SecretStr(SECRET),
        line_channel_access_token=SecretStr(TOKEN),
        line_api_base_url=f"http://127.0.0.1:{FAKE_LINE_PORT}",
        fixed_today=TUESDAY - timedelta(days=1),
        reminders_in_app=False,
    )


def sender(settings: Settings, **options: Any) -> ReminderSender:
    """A sender as the command and the app make it, with short waits between attempts."""
    options.setdefault("first_wait", 0.01)
    return ReminderSender.from_settings(
        settings, get_sessionmaker(settings.database_url), **options
    )


def send(settings: Settings, day: date = TUESDAY, **options: Any) -> Any:
    return asyncio.run(sender(settings, **options).send(day))


def deliveries(catalog_sessions: sessionmaker[Session]) -> list[ReminderDelivery]:
    with catalog_sessions() as session:
        return list(session.scalars(select(ReminderDelivery).order_by(ReminderDelivery.id)))


def add_subscriber(
    catalog_sessions: sessionmaker[Session],
    user_id: str,
    town: str = "野方",
    chome: int = 3,
    categories: tuple[str, ...] = (),
    language: str = "ja",
) -> None:
    area = area_named(catalog_sessions, town, chome)
    ids = [category_id(catalog_sessions, name) for name in categories]
    with catalog_sessions() as session:
        subscribe(session, user_id, area.id, ids, language)


def pushed_to(fake: FakeLineApi) -> list[str]:
    return sorted(push["to"] for push in fake.pushes())


def push_text(push: dict[str, Any]) -> str:
    [message] = push["messages"]
    return message["text"]


# --- sending exactly once --------------------------------------------------------------------


def test_one_push_to_each_subscriber_whose_area_collects_that_day(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-nogata3")
    add_subscriber(catalog_sessions, "U-nogata4", chome=4)
    add_subscriber(catalog_sessions, "U-ceramics", categories=(CERAMICS,))  # Saturdays only

    report = send(settings)

    assert (report.sent, report.skipped, report.failed) == (2, 0, 0)
    assert pushed_to(fake_line) == ["U-nogata3", "U-nogata4"]
    nogata3 = next(p for p in fake_line.pushes() if p["to"] == "U-nogata3")
    assert push_text(nogata3).splitlines() == [
        "明日（12月29日（火））は、野方3丁目の「燃やすごみ」・「びん・缶・ペットボトル」の収集日です。"
        "朝8時までにお出しください。",
        "通知をやめるときは「通知を解除」と送ってください。",
    ]
    nogata4 = next(p for p in fake_line.pushes() if p["to"] == "U-nogata4")
    assert "「資源プラスチック」・「びん・缶・ペットボトル」" in push_text(nogata4)
    assert BURNABLE not in push_text(nogata4)
    assert {d.status for d in deliveries(catalog_sessions)} == {"sent"}


def test_a_second_run_sends_nothing_more(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-once")
    assert send(settings).sent == 1
    again = send(settings)
    assert (again.sent, again.skipped, again.failed) == (0, 1, 0)
    assert len(fake_line.push_attempts()) == 1


def test_nothing_in_the_new_year_break(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-newyear")  # 燃やすごみ on Fridays, but not on 1/1
    report = send(settings, NEW_YEAR)
    assert (report.sent, report.skipped, report.failed) == (0, 0, 0)
    assert fake_line.push_attempts() == []


def test_staff_notices_cancel_and_move_reminders(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    """A notice cancelling 燃やすごみ on the Tuesday in 野方3丁目: that reminder names only
    what is still collected; one moving the Friday's to the Saturday: no reminder for the
    Friday, one for the Saturday saying from which day, with the notice's text."""
    add_subscriber(catalog_sessions, "U-notices", categories=(BURNABLE,))
    nogata3 = area_named(catalog_sessions, "野方", 3)
    saturday = FRIDAY + timedelta(days=1)
    with catalog_sessions() as session:
        burnable = session.get(Category, category_id(catalog_sessions, BURNABLE))
        area = session.get(Area, nogata3.id)
        session.add_all(
            [
                Notice(kind="cancelled", starts_on=TUESDAY, ends_on=TUESDAY, text="台風のため",
                       areas=[area], categories=[burnable]),
                Notice(kind="moved", starts_on=FRIDAY, ends_on=FRIDAY, moved_to=saturday,
                       text="清掃工場の点検のため", areas=[area], categories=[burnable]),
            ]
        )  # fmt: skip
        session.commit()

    assert send(settings, TUESDAY).sent == 0
    assert send(settings, FRIDAY).sent == 0
    assert send(settings, saturday).sent == 1
    [push] = fake_line.pushes()
    assert push_text(push).splitlines()[:3] == [
        "1月9日（土）は、野方3丁目の「燃やすごみ」の収集日です。朝8時までにお出しください。",
        "1月8日（金）の収集が、この日に変更になりました。",
        "清掃工場の点検のため",
    ]


def test_429_then_success_is_one_push_with_the_same_retry_key(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-busy")
    fake_line.fail_next(429, retry_after=0)
    fake_line.fail_next(503)

    report = send(settings)

    attempts = fake_line.push_attempts()
    assert [a.status for a in attempts] == [429, 503, 200]
    assert len({a.retry_key for a in attempts}) == 1
    [row] = deliveries(catalog_sessions)
    assert attempts[0].retry_key == row.retry_key
    assert str(uuid.UUID(row.retry_key)) == row.retry_key
    assert (report.sent, row.status, row.attempts) == (1, "sent", 3)


def test_a_push_that_keeps_failing_is_given_up_and_counted(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-down")
    fake_line.fail_next(500, times=3, message="Internal server error")
    report = send(settings, max_attempts=3)
    assert (report.sent, report.failed) == (0, 1)
    [row] = deliveries(catalog_sessions)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.error.startswith("HTTP 500")
    assert TOKEN not in row.error
    assert fake_line.pushes() == []


def test_a_sender_that_died_mid_push_is_taken_over_without_a_second_message(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    """A run wrote its row and pushed, and died before recording it: the next run takes
    the row over after the lease and pushes with its retry key, which LINE refuses (409)
    because it had accepted it; the reminder is recorded as sent, and went once."""
    add_subscriber(catalog_sessions, "U-crash")
    key = "0b2c4d6e-8f90-4a1b-8c2d-3e4f5a6b7c8d"
    with catalog_sessions() as session:
        session.add(
            ReminderDelivery(
                line_user_id="U-crash", collection_date=TUESDAY, retry_key=key, status="sending",
                claimed_at=datetime.now(timezone.utc) - timedelta(minutes=30),
            )
        )  # fmt: skip
        session.commit()
    body = {"to": "U-crash", "messages": [{"type": "text", "text": "明日は燃やすごみの日です"}]}
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Line-Retry-Key": key}
    first = httpx.post(
        f"{settings.line_api_base_url}/v2/bot/message/push", json=body, headers=headers
    )
    assert first.status_code == 200

    report = send(settings)

    assert [a.status for a in fake_line.push_attempts()] == [200, 409]
    assert {a.retry_key for a in fake_line.push_attempts()} == {key}
    assert len(fake_line.pushes()) == 1
    assert report.sent == 1
    assert deliveries(catalog_sessions)[0].status == "sent"


def test_a_row_being_sent_by_a_live_sender_is_left_to_it(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-busy-sender")
    with catalog_sessions() as session:
        session.add(
            ReminderDelivery(
                line_user_id="U-busy-sender", collection_date=TUESDAY,
                retry_key="11111111-2222-4333-8444-555555555555", status="sending",
            )
        )  # fmt: skip
        session.commit()
    report = send(settings)
    assert (report.sent, report.skipped) == (0, 1)
    assert fake_line.push_attempts() == []


def test_a_blocked_user_is_marked_and_skipped_until_they_follow_again(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-blocker")
    fake_line.block("U-blocker")
    report = send(settings)
    assert (report.sent, report.failed, report.blocked) == (0, 1, 1)
    assert deliveries(catalog_sessions)[0].status == "blocked"
    assert stored(catalog_sessions, "U-blocker").blocked_at is not None

    later = send(settings, FRIDAY)
    assert (later.sent, later.skipped) == (0, 1)
    assert [a.status for a in fake_line.push_attempts()] == [403]

    with TestClient(create_app(settings)) as app:  # they follow the account again
        assert (
            post(app, event("follow", user("U-blocker"), follow={"isUnblocked": True})).status_code
            == 200
        )
    assert stored(catalog_sessions, "U-blocker").blocked_at is None


def test_the_monthly_limit_stops_the_run(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    for n in range(3):
        add_subscriber(catalog_sessions, f"U-quota-{n}")
    fake_line.fail_next(429, times=3, message="You have reached your monthly limit.")
    report = send(settings)
    assert (report.sent, report.failed) == (0, 3)
    assert len(fake_line.push_attempts()) <= 3  # no retries of a push no wait could help
    assert all("monthly limit" in error for error in report.errors)


def test_two_senders_at_once_push_each_reminder_once(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    """Two app workers starting the same run at the same moment (threads on one SQLite
    catalog here; processes on PostgreSQL below)."""
    users = [f"U-pair-{n:02d}" for n in range(20)]
    for user_id in users:
        add_subscriber(catalog_sessions, user_id)
    fake_line.push_latency = 0.05  # so that the two runs overlap
    start = threading.Barrier(2)
    reports: list[Any] = []

    def worker() -> None:
        start.wait()
        reports.append(send(settings))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert pushed_to(fake_line) == users
    assert sum(r.sent for r in reports) == len(users)
    assert sum(r.skipped for r in reports) == len(users)


def test_unfollow_deletes_the_subscription_and_the_user_id(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-leaving")
    send(settings)
    unfollow = event("unfollow", user("U-leaving"))
    del unfollow["replyToken"]
    with TestClient(create_app(settings)) as app:
        assert post(app, unfollow).status_code == 200
    assert stored(catalog_sessions, "U-leaving") is None
    [row] = deliveries(catalog_sessions)
    assert (row.line_user_id, row.status) == (None, "sent")  # kept, nameless, for the figures
    fake_line.clear()
    assert send(settings, FRIDAY).sent == 0
    assert fake_line.pushes() == []


def test_the_command_sends_and_prints_the_counts(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    add_subscriber(catalog_sessions, "U-command")
    for name, value in {
        "NAKANO_BOT_DATABASE_URL": settings.database_url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": settings.line_api_base_url,
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    first = runner.invoke(cli, ["reminders", "send", "--for", TUESDAY.isoformat()])
    assert first.exit_code == 0, first.output
    assert "reminders for 2026-12-29: sent 1, skipped 0, failed 0" in first.output
    second = runner.invoke(cli, ["reminders", "send", "--for", TUESDAY.isoformat()])
    assert "sent 0, skipped 1, failed 0" in second.output
    assert pushed_to(fake_line) == ["U-command"]

    fake_line.block("U-command")
    friday = runner.invoke(cli, ["reminders", "send", "--for", FRIDAY.isoformat()])
    assert friday.exit_code == 1  # a failure an operator's cron should see
    assert "failed 1 (blocked 1)" in friday.output


def test_the_command_without_a_token_says_what_is_missing(
    catalog: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", catalog)
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["reminders", "send"])
    assert result.exit_code == 1
    assert "LINE_CHANNEL_ACCESS_TOKEN" in result.output


# --- when: the time staff set, and the app sending by itself -------------------------------


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 28, 18, 59, tzinfo=TOKYO), None),
        (datetime(2026, 12, 28, 19, 0, tzinfo=TOKYO), TUESDAY),
        (datetime(2026, 12, 28, 21, 59, tzinfo=TOKYO), TUESDAY),
        (datetime(2026, 12, 28, 22, 0, tzinfo=TOKYO), None),
        (datetime(2026, 12, 28, 8, 0, tzinfo=TOKYO), None),
    ],
)
def test_due_from_the_set_time_for_a_few_hours(now: datetime, due: date | None) -> None:
    assert due_date(now, time(19, 0)) == due
    assert timedelta(hours=3) == SEND_WINDOW


def test_the_window_never_runs_past_midnight() -> None:
    late = time(22, 30)
    assert due_date(datetime(2026, 12, 28, 23, 59, tzinfo=TOKYO), late) == TUESDAY
    assert due_date(datetime(2026, 12, 29, 0, 10, tzinfo=TOKYO), late) is None


def test_the_app_sends_by_itself_at_the_set_time(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    """The app checks at start and once a minute: with the set time just passed, it sends
    tomorrow's reminders (the day is frozen on the 28th; tomorrow is Tuesday the 29th)."""
    add_subscriber(catalog_sessions, "U-timer")
    now = datetime.now(TOKYO)
    just_passed = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0, second=0))
    with catalog_sessions() as session:
        session.get(ReminderSettings, 1).send_time = just_passed.time().replace(microsecond=0)
        session.commit()
    in_app = settings.model_copy(update={"reminders_in_app": True})
    with TestClient(create_app(in_app)):
        deadline = clock.monotonic() + 20
        while not fake_line.pushes() and clock.monotonic() < deadline:
            clock.sleep(0.1)
    assert pushed_to(fake_line) == ["U-timer"]
    assert "燃やすごみ" in push_text(fake_line.pushes()[0])


def test_the_app_does_not_send_before_the_set_time(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-early")
    now = datetime.now(TOKYO)
    if now.hour >= 23:
        pytest.skip("no later time today to set")
    with catalog_sessions() as session:
        session.get(ReminderSettings, 1).send_time = time(now.hour + 1, 0)
        session.commit()
    with TestClient(create_app(settings.model_copy(update={"reminders_in_app": True}))):
        clock.sleep(1)
    assert fake_line.push_attempts() == []


# --- the staff's figures -----------------------------------------------------------------------


def test_subscribers_by_area_and_reminders_per_day(
    settings: Settings, catalog_sessions: sessionmaker[Session], fake_line: FakeLineApi
) -> None:
    add_subscriber(catalog_sessions, "U-fig-1")
    add_subscriber(catalog_sessions, "U-fig-2")
    add_subscriber(catalog_sessions, "U-fig-3", chome=4)
    fake_line.block("U-fig-2")
    send(settings)

    with catalog_sessions() as session:
        assert analytics.subscribers_by_area(session) == [("野方3丁目", 2), ("野方4丁目", 1)]
        assert analytics.reminders_per_day(session, date(2026, 12, 1), date(2027, 1, 1)) == [
            (TUESDAY, 2, 1)
        ]
        report = analytics.monthly_report(session, 2026, 12)
    rows = analytics.report_csv(report).splitlines()
    assert "LINE通知の登録者（地域別・現在）,野方3丁目,2," in rows
    assert "LINE通知を送った数（収集日別）,2026-12-29,2," in rows
    assert "LINE通知を送れなかった数（収集日別）,2026-12-29,1," in rows


# --- two processes on PostgreSQL ----------------------------------------------------------------


def test_two_commands_at_once_on_postgresql_push_each_reminder_once(
    postgres_database: str, fake_line: FakeLineApi
) -> None:
    """Two ``nakano-bot reminders send`` started together against one PostgreSQL catalog,
    as two app workers or two cron hosts would: one push per subscriber."""
    import_into(postgres_database, CatalogFiles.shipped(ROOT / "data"))
    pg = get_sessionmaker(postgres_database)
    users = [f"U-pg-{n:02d}" for n in range(30)]
    for user_id in users:
        add_subscriber(pg, user_id)
    fake_line.clear()
    fake_line.push_latency = 0.1  # so that the two runs overlap
    env = {
        **os.environ,
        "NAKANO_BOT_DATABASE_URL": postgres_database,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": f"http://127.0.0.1:{FAKE_LINE_PORT}",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "bot.cli", "reminders", "send", "--for", TUESDAY.isoformat()]
    runs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0]
    assert pushed_to(fake_line) == users
    counts = [re.search(r"sent (\d+), skipped (\d+)", out).groups() for out in outputs]
    assert sum(int(sent) for sent, _ in counts) == len(users)
    assert sum(int(skipped) for _, skipped in counts) == len(users)
    with pg() as session:
        statuses = session.execute(
            select(ReminderDelivery.status, func.count()).group_by(ReminderDelivery.status)
        )
        assert dict(list(statuses.tuples())) == {"sent": len(users)}


# --- end to end: signed LINE events, the real model, the command ---------------------------


@pytest.fixture
def line_app(
    e2e_settings: Settings, fake_line: FakeLineApi, backend: dict[str, Service]
) -> Iterator[tuple[TestClient, Settings]]:
    """The app with LINE configured in front of the real Rasa and action servers; the
    subscriptions this test makes are removed after it."""
    settings = e2e_settings.model_copy(
        update={
            "line_channel_secret": SecretStr(SECRET),
            "line_channel_access_token": SecretStr(TOKEN),
            "line_api_base_url": f"http://127.0.0.1:{FAKE_LINE_PORT}",
            "reminders_in_app": False,
        }
    )
    fake_line.clear()
    with TestClient(create_app(settings)) as client:
        yield client, settings
    with get_sessionmaker(settings.database_url)() as session:
        session.query(ReminderSubscription).delete()
        session.query(ReminderDelivery).delete()
        session.commit()


def talk(client: TestClient, fake: FakeLineApi, said: str, user_id: str) -> list[str]:
    """A signed text event from ``user_id``; the texts of the bot's reply."""
    fake.clear()
    assert post(client, line_text(said, user(user_id))).status_code == 200
    [reply] = fake.replies()
    return reply_texts(reply)


def run_command(settings: Settings, day: date) -> str:
    env = {
        **os.environ,
        "NAKANO_BOT_DATABASE_URL": settings.database_url,
        "NAKANO_BOT_FIXED_TODAY": settings.fixed_today.isoformat(),
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": settings.line_api_base_url,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "bot.cli", "reminders", "send", "--for", day.isoformat()]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_subscribe_on_line_then_the_command_pushes_once_and_never_after_stopping(
    line_app: tuple[TestClient, Settings], fake_line: FakeLineApi
) -> None:
    """Issue #15's test: 「通知を登録」 then 「野方3丁目」 from one user; the command for a
    Tuesday pushes once, naming 燃やすごみ; a second run pushes nothing; after 「通知を解除」
    a run for the next collection day pushes nothing either."""
    client, settings = line_app
    [asked] = talk(client, fake_line, "通知を登録", "U-e2e")
    assert asked == "通知する地域の町名と丁目を教えてください。（例：野方3丁目）"
    [confirmed] = talk(client, fake_line, "野方3丁目", "U-e2e")
    assert confirmed.startswith("通知を登録しました。野方3丁目で")

    fake_line.clear()
    first = run_command(settings, TUESDAY)
    assert "sent 1, skipped 0, failed 0" in first
    [push] = fake_line.pushes()
    assert push["to"] == "U-e2e"
    assert "「燃やすごみ」" in push_text(push)
    assert push_text(push).startswith("12月29日（火）は、野方3丁目の")

    fake_line.clear()
    assert "sent 0, skipped 1, failed 0" in run_command(settings, TUESDAY)
    assert fake_line.push_attempts() == []

    [stopped] = talk(client, fake_line, "通知を解除", "U-e2e")
    assert stopped.startswith("通知を解除しました。")
    fake_line.clear()
    assert "sent 0, skipped 0, failed 0" in run_command(settings, FRIDAY)
    assert fake_line.push_attempts() == []


@pytest.mark.parametrize(
    "said", ["ごみの日の前の日に教えて", "リマインダー", "remind me the day before collection"]
)
def test_reminders_asked_in_a_residents_own_words(
    line_app: tuple[TestClient, Settings], fake_line: FakeLineApi, said: str
) -> None:
    client, _ = line_app
    talk(client, fake_line, "野方3丁目の燃やすごみは何曜日？", "U-words")
    [confirmed] = talk(client, fake_line, said, "U-words")
    assert confirmed.startswith(("通知を登録しました。野方3丁目で", "Your reminders are on."))


def test_only_one_category_and_what_is_stored_on_line(
    line_app: tuple[TestClient, Settings], fake_line: FakeLineApi
) -> None:
    client, settings = line_app
    talk(client, fake_line, "野方3丁目の通知を登録", "U-ceramics")
    talk(client, fake_line, "陶器・ガラス・金属ごみだけ", "U-ceramics")
    status = talk(client, fake_line, "登録内容", "U-ceramics")[0].splitlines()
    assert f"・種類：{CERAMICS}" in status
    with get_sessionmaker(settings.database_url)() as session:
        row = session.get(ReminderSubscription, "U-ceramics")
        ceramics = session.scalars(select(Category.id).where(Category.name == CERAMICS)).one()
    assert row.category_ids == [ceramics]
    fake_line.clear()
    assert "sent 0" in run_command(settings, TUESDAY)  # a Tuesday has no 陶器・ガラス・金属ごみ


def test_the_button_under_a_schedule_answer_subscribes(
    line_app: tuple[TestClient, Settings], fake_line: FakeLineApi
) -> None:
    client, settings = line_app
    fake_line.clear()
    post(client, line_text("野方3丁目の燃やすごみは何曜日？", user("U-button")))
    [answer] = fake_line.replies()
    [offer] = answer["messages"][-1]["quickReply"]["items"]
    assert offer["action"]["type"] == "postback"
    assert offer["action"]["label"] == "前の日に通知を受け取る"
    fake_line.clear()
    post(client, event("postback", user("U-button"), postback={"data": offer["action"]["data"]}))
    [confirmed] = fake_line.replies()
    assert reply_texts(confirmed)[0].startswith("通知を登録しました。野方3丁目で")
    with get_sessionmaker(settings.database_url)() as session:
        assert session.get(ReminderSubscription, "U-button") is not None


def test_on_the_web_the_same_words_point_to_line(
    line_app: tuple[TestClient, Settings], fake_line: FakeLineApi
) -> None:
    client, settings = line_app
    response = client.post("/api/chat", json={"sender_id": "web-reminder", "text": "通知を登録"})
    [message] = response.json()["messages"]
    assert "LINE公式アカウント" in message["text"]
    with get_sessionmaker(settings.database_url)() as session:
        assert session.scalars(select(ReminderSubscription)).all() == []
