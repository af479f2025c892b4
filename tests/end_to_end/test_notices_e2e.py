"""Staff notices and the calendar link end to end: a notice written through the staff API
changes the next ``POST /api/chat`` answer (the real Rasa model and action server) and the
calendar feed, with the stack's day frozen on Thursday 24 December 2026; and a schedule
answer carries the area's calendar as links an old client still reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from bot.catalog.models import Notice
from bot.settings import Settings
from bot.staff.accounts import Role, create_token
from bot.staff.audit import acting_as, staff_sessionmaker
from tests.support.chat_contract import FEED, OldResponse

NEXT_BURNABLE = "野方3丁目の次の燃やすごみはいつ？"


def ask(client: TestClient, text: str, sender: str) -> dict:
    response = client.post("/api/chat", json={"sender_id": sender, "text": text})
    assert response.status_code == 200, response.text
    [message] = response.json()["messages"]
    return message


@pytest.fixture
def editor(client: TestClient, e2e_settings: Settings) -> Iterator[dict[str, str]]:
    """A staff API token's header; the notices made with it are deleted afterwards, since
    the stack's catalog is shared by the other end-to-end tests."""
    staff = staff_sessionmaker(e2e_settings.database_url)
    with staff() as session, acting_as("test"):
        value = create_token(session, "e2e-notices", Role.EDITOR, "test")
        session.commit()
    header = {"Authorization": f"Bearer {value}"}
    yield header
    with staff() as session:
        ids = list(session.scalars(select(Notice.id)))
    for notice_id in ids:
        client.delete(f"/api/staff/notices/{notice_id}", headers=header)


def add_notice(client: TestClient, editor: dict[str, str], **body: object) -> None:
    nogata = client.get("/api/staff/areas", headers=editor, params={"town": "野方"}).json()
    [area_id] = [a["id"] for a in nogata if 3 in a["chome"]]
    categories = client.get("/api/staff/categories", headers=editor).json()
    [burnable] = [c["id"] for c in categories if c["name"] == "燃やすごみ"]
    body = {"area_ids": [area_id], "category_ids": [burnable], **body}
    response = client.post("/api/staff/notices", headers=editor, json=body)
    assert response.status_code == 201, response.text


def burnable_days(client: TestClient) -> list[date]:
    response = client.get("/api/calendar.ics", params={"area": "野方3丁目", "months": 1})
    assert response.status_code == 200, response.text
    return [
        event.start
        for event in Calendar.from_ical(response.content).events
        if str(event["SUMMARY"]) == "燃やすごみ"
    ]


def test_a_cancelled_tuesday_leaves_the_answer_and_the_feed_and_a_moved_day_appears(
    client: TestClient, editor: dict[str, str], e2e_settings: Settings
) -> None:
    assert "（次は12月25日（金））" in ask(client, NEXT_BURNABLE, "e2e-notice")["text"]
    assert burnable_days(client)[:3] == [date(2026, 12, 25), date(2026, 12, 29), date(2027, 1, 5)]

    add_notice(client, editor, kind="cancelled", starts_on="2026-12-25", ends_on="2026-12-29",
               text="清掃工場の点検のため、収集しません。")  # fmt: skip
    lines = ask(client, NEXT_BURNABLE, "e2e-notice")["text"].splitlines()
    assert "・燃やすごみ：火曜日・金曜日（次は1月5日（火））" in lines
    assert (
        "【お知らせ】12月25日（金）から12月29日（火）までは、「燃やすごみ」の収集はありません。"
        in lines
    )
    assert "清掃工場の点検のため、収集しません。" in lines
    assert burnable_days(client)[:2] == [date(2027, 1, 5), date(2027, 1, 8)]

    add_notice(client, editor, kind="moved", starts_on="2027-01-05", moved_to="2027-01-06")
    lines = ask(client, NEXT_BURNABLE, "e2e-notice")["text"].splitlines()
    assert "・燃やすごみ：火曜日・金曜日（次は1月6日（水））" in lines
    assert burnable_days(client)[:2] == [date(2027, 1, 6), date(2027, 1, 8)]
    # Other areas are not named by the notices.
    other = ask(client, "野方1丁目の次の燃やすごみはいつ？", "e2e-notice-other")["text"]
    assert "（次は12月25日（金））" in other
    assert "お知らせ" not in other


def test_a_schedule_answer_offers_the_calendar_and_old_clients_still_read_it(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/chat", json={"sender_id": "e2e-links", "text": "野方3丁目の燃やすごみはいつ？"}
    )
    assert response.status_code == 200
    [message] = response.json()["messages"]
    assert [link["url"] for link in message["links"]] == [
        f"http://testserver{FEED}",
        f"webcal://testserver{FEED}",
    ]
    assert message["links"][0]["title"] == "カレンダーに登録（Google カレンダーなど）"
    feed = client.get(message["links"][0]["url"].removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert OldResponse.model_validate(response.json()).messages[0].text == message["text"]
    # An answer that names no area offers no calendar.
    [item] = client.post(
        "/api/chat", json={"sender_id": "e2e-links", "text": "スプレー缶は何ごみ？"}
    ).json()["messages"]
    assert item["links"] == []
