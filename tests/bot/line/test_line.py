"""The LINE channel end to end: signed webhook requests into the app, the real Rasa model
and action server behind it, and a fake LINE Messaging API on loopback that records the
replies and refuses what the real one refuses."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.catalog.db import get_sessionmaker
from bot.catalog.models import Category, Item, LineSeenEvent, Translation, WardText
from bot.i18n.voice import template
from bot.line.fake_api import FakeLineApi
from bot.line.messages import MAX_LABEL, MAX_QUICK_REPLIES, MAX_TEXT, split_text, to_line
from bot.server.app import create_app
from bot.server.rate_limit import TOO_MANY_TEXT
from bot.server.schemas import Button, ChatMessage, Link
from bot.services import Service
from bot.settings import Settings
from tests.support.line import (
    FAKE_LINE_PORT,
    SECRET,
    TOKEN,
    event,
    group,
    new_id,
    post,
    quick_replies,
    reply_texts,
    sign,
    text,
    user,
)


def category_of(settings: Settings, item_name: str) -> str:
    with get_sessionmaker(settings.database_url)() as session:
        return session.scalars(select(Category.name).join(Item).where(Item.name == item_name)).one()


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def line_settings(e2e_settings: Settings, fake_line: FakeLineApi) -> Settings:
    return e2e_settings.model_copy(
        update={
            "line_channel_secret": SecretStr(SECRET),
            "line_channel_access_token": SecretStr(TOKEN),
            "line_api_base_url": f"http://127.0.0.1:{FAKE_LINE_PORT}",
            # tests/bot/reminders/test_reminders.py pushes reminders when it means to
            "reminders_in_app": False,
        }
    )


@pytest.fixture
def line(
    line_settings: Settings, fake_line: FakeLineApi, backend: dict[str, Service]
) -> Iterator[TestClient]:
    """The app with LINE configured. TestClient returns after the background tasks ran,
    so the fake's record is complete when ``post`` returns."""
    fake_line.clear()
    with TestClient(create_app(line_settings)) as client:
        yield client


# --- the webhook ---------------------------------------------------------------------


def test_text_message_gets_the_same_answer_as_the_web_chat(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings
) -> None:
    question = "スプレー缶って何ごみですか"
    response = post(line, text(question))
    assert response.status_code == 200

    [reply] = fake_line.replies()
    category = category_of(line_settings, "スプレー缶")
    assert reply_texts(reply)[0].startswith(f"「スプレー缶」は「{category}」です。")
    web = line.post("/api/chat", json={"sender_id": "line-compare", "text": question})
    assert reply_texts(reply) == [m["text"] for m in web.json()["messages"]]


def test_ambiguous_item_gets_quick_replies_and_a_postback_answers(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings
) -> None:
    post(line, text("ざるを捨てたいんですが", user("U-zaru")))
    [question] = fake_line.replies()
    actions = quick_replies(question)
    assert len(actions) == 3
    assert all(a["type"] == "postback" and a["data"].startswith("/ask_item") for a in actions)
    assert all(len(a["label"]) <= MAX_LABEL for a in actions)
    wood = next(a for a in actions if "木製" in a["displayText"])

    fake_line.clear()
    postback = event("postback", user("U-zaru"), postback={"data": wood["data"]})
    post(line, postback)
    [answer] = fake_line.replies()
    category = category_of(line_settings, "ざる（木製）")
    assert reply_texts(answer)[0].startswith(f"「ざる（木製）」は「{category}」です。")


@pytest.mark.parametrize(
    "signature",
    [None, "", "forged", sign(b"another body"), sign(b"{}", secret="someone-elses-secret")],
)
def test_unsigned_and_forged_requests_are_refused_before_anything_is_done(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings, signature: str | None
) -> None:
    forged = text("スプレー缶")
    response = post(line, forged, signature=signature)
    assert response.status_code == 400
    assert fake_line.requests == []
    with get_sessionmaker(line_settings.database_url)() as session:
        assert session.get(LineSeenEvent, forged["webhookEventId"]) is None


def test_signed_garbage_is_refused(line: TestClient, fake_line: FakeLineApi) -> None:
    body = b"not json at all"
    response = line.post("/line/webhook", content=body, headers={"X-Line-Signature": sign(body)})
    assert response.status_code == 400
    assert fake_line.requests == []


def test_console_verify_request_with_no_events_is_ok(line: TestClient) -> None:
    assert post(line).status_code == 200


def test_redelivered_event_is_answered_once_even_after_a_restart(
    line_settings: Settings, fake_line: FakeLineApi, line: TestClient
) -> None:
    first = text("電池の捨て方を教えて")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert post(line, first).status_code == 200
    assert post(line, again).status_code == 200
    assert len(fake_line.replies()) == 1

    with TestClient(create_app(line_settings)) as restarted:
        assert post(restarted, again).status_code == 200
    assert len(fake_line.requests) == 1

    both = [text("アイロンは？"), text("アイロンは？")]
    both[1]["webhookEventId"] = both[0]["webhookEventId"]
    post(line, *both)
    assert len(fake_line.replies()) == 2


def test_follow_greets_with_example_questions(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings
) -> None:
    post(line, event("follow", user("U-new"), follow={"isUnblocked": False}))
    [reply] = fake_line.replies()
    with get_sessionmaker(line_settings.database_url)() as session:
        greeting = session.get(WardText, "greet").body
        examples = session.get(WardText, "examples").body.splitlines()
    assert reply_texts(reply) == [greeting, english_greeting(line_settings)]
    actions = quick_replies(reply)
    assert [a["text"] for a in actions] == examples
    assert {a["type"] for a in actions} == {"message"}

    fake_line.clear()  # tapping an example sends it as text, which the bot answers
    post(line, text(actions[0]["text"], user("U-new")))
    assert "」は「" in reply_texts(fake_line.replies()[0])[0]


def english_greeting(settings: Settings) -> str:
    with get_sessionmaker(settings.database_url)() as session:
        return session.scalars(
            select(Translation.body).where(
                Translation.kind == "text",
                Translation.key == "greet",
                Translation.field == "body",
                Translation.language == "en",
            )
        ).one()


def test_a_new_friend_is_greeted_in_english_too(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings
) -> None:
    """Under the Japanese greeting, the English one: a resident who does not read Japanese
    learns they may write in English; the example buttons stay under the last message."""
    post(line, event("follow", user("U-en-new"), follow={"isUnblocked": False}))
    [reply] = fake_line.replies()
    japanese, english = reply_texts(reply)
    assert "中野区" in japanese
    assert english.startswith("Hello.")
    assert english == english_greeting(line_settings)
    assert "quickReply" not in reply["messages"][0]
    assert quick_replies(reply)


def test_without_a_current_translation_the_english_greeting_is_the_replies_line(
    line: TestClient, fake_line: FakeLineApi, line_settings: Settings
) -> None:
    """Staff changed the Japanese greeting after it was translated: its old English would
    say something else, so the English line is the general one of replies.yml."""
    sessions = get_sessionmaker(line_settings.database_url)
    with sessions() as session:
        greet = session.get(WardText, "greet")
        before = greet.body
        changed = greet.body = before + "（年末年始は休みます）"
        session.commit()
    try:
        post(line, event("join", group("G-en", "U-1")))
    finally:
        with sessions() as session:
            session.get(WardText, "greet").body = before
            session.commit()
    [reply] = fake_line.replies()
    assert reply_texts(reply) == [changed, template("line_greeting", "en")]


def test_an_english_message_gets_an_english_reply(line: TestClient, fake_line: FakeLineApi) -> None:
    question = "What kind of garbage is a spray can?"
    post(line, text(question, user("U-english")))
    [reply] = fake_line.replies()
    answer = reply_texts(reply)[0]
    assert answer.startswith("“Spray can” (スプレー缶) is ")
    assert "(陶器・ガラス・金属ごみ)" in answer
    web = line.post("/api/chat", json={"sender_id": "line-compare-en", "text": question})
    assert reply_texts(reply) == [m["text"] for m in web.json()["messages"]]


STICKER = {"type": "sticker", "packageId": "446", "stickerId": "1988", "quoteToken": "q"}
IMAGE = {"type": "image", "contentProvider": {"type": "line"}, "quoteToken": "q"}
AUDIO = {"type": "audio", "duration": 1000, "contentProvider": {"type": "line"}}
LOCATION = {"type": "location", "latitude": 35.7, "longitude": 139.66, "address": "東京都中野区"}


@pytest.mark.parametrize(
    ("message", "ward_text"),
    [
        ({**STICKER, "stickerResourceType": "STATIC"}, "line_unsupported"),
        (IMAGE, "line_unsupported"),
        (AUDIO, "line_unsupported"),
        (LOCATION, "line_location"),
    ],
)
def test_what_is_not_text_gets_a_polite_guide(
    line: TestClient,
    fake_line: FakeLineApi,
    line_settings: Settings,
    message: dict[str, Any],
    ward_text: str,
) -> None:
    post(line, event("message", user(), message={"id": str(new_id()), **message}))
    [reply] = fake_line.replies()
    with get_sessionmaker(line_settings.database_url)() as session:
        assert reply_texts(reply) == [session.get(WardText, ward_text).body]
    assert quick_replies(reply)


def test_a_group_is_one_conversation_and_groups_are_apart(
    line: TestClient, fake_line: FakeLineApi
) -> None:
    post(line, text("野方3丁目に住んでいます", group("C-family", "U-mother")))
    fake_line.clear()
    post(line, text("燃やすごみは何曜日？", group("C-family", "U-son")))
    [reply] = fake_line.replies()
    assert "野方3丁目の収集日です" in reply_texts(reply)[0]
    assert "・燃やすごみ：" in reply_texts(reply)[0]

    fake_line.clear()
    post(line, text("燃やすごみは何曜日？", group("C-neighbours", "U-son")))
    [other] = fake_line.replies()
    assert "収集日です" not in "".join(reply_texts(other))
    assert "町名" in "".join(reply_texts(other))


def test_unfollow_and_standby_are_not_answered(line: TestClient, fake_line: FakeLineApi) -> None:
    unfollow = event("unfollow", user())
    del unfollow["replyToken"]
    standby = {**text("スプレー缶"), "mode": "standby"}
    assert post(line, unfollow, standby).status_code == 200
    assert fake_line.requests == []


def test_expired_reply_token_is_logged_not_retried_and_not_pushed(
    line: TestClient, fake_line: FakeLineApi, caplog: pytest.LogCaptureFixture
) -> None:
    late = text("スプレー缶は？")
    fake_line.expire(late["replyToken"])
    with caplog.at_level(logging.INFO):
        assert post(line, late).status_code == 200
    assert [(r.path, r.status) for r in fake_line.requests] == [("/v2/bot/message/reply", 400)]
    assert fake_line.pushes() == []
    assert "Invalid reply token" in caplog.text
    assert TOKEN not in caplog.text
    assert SECRET not in caplog.text


def test_push_instead_of_an_expired_reply_only_when_configured(
    line_settings: Settings, fake_line: FakeLineApi, backend: dict[str, Service]
) -> None:
    pushing = line_settings.model_copy(update={"line_push_when_reply_fails": True})
    fake_line.clear()
    late = text("スプレー缶は？", user("U-late"))
    fake_line.expire(late["replyToken"])
    with TestClient(create_app(pushing)) as client:
        post(client, late)
    [push] = fake_line.pushes()
    assert push["to"] == "U-late"
    assert reply_texts(push)[0].startswith("「スプレー缶」は")


def test_line_api_unreachable_is_survived(
    line_settings: Settings, backend: dict[str, Service], caplog: pytest.LogCaptureFixture
) -> None:
    nowhere = line_settings.model_copy(update={"line_api_base_url": "http://127.0.0.1:9"})
    with TestClient(create_app(nowhere)) as client, caplog.at_level(logging.WARNING):
        assert post(client, text("スプレー缶は？")).status_code == 200
        assert post(client, text("アイロンは？")).status_code == 200
    assert "LINE API did not answer" in caplog.text


def test_wrong_access_token_is_reported(
    line_settings: Settings,
    fake_line: FakeLineApi,
    backend: dict[str, Service],
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = line_settings.model_copy(
        update={"line_channel_access_token": SecretStr("revoked-token")}
    )
    fake_line.clear()
    with TestClient(create_app(wrong)) as client, caplog.at_level(logging.WARNING):
        post(client, text("スプレー缶は？"))
    assert [r.status for r in fake_line.requests] == [401]
    assert "HTTP 401" in caplog.text
    assert "revoked-token" not in caplog.text


def test_not_configured_says_so(e2e_settings: Settings) -> None:
    with TestClient(create_app(e2e_settings)) as client:
        response = client.post("/line/webhook", content=b"{}", headers={"X-Line-Signature": "x"})
    assert response.status_code == 503
    assert "LINE_CHANNEL_SECRET" in response.json()["detail"]


def test_oversized_body_is_refused(line: TestClient, fake_line: FakeLineApi) -> None:
    body = b"{" + b" " * 1_100_000 + b"}"
    response = line.post("/line/webhook", content=body, headers={"X-Line-Signature": sign(body)})
    assert response.status_code == 413
    assert fake_line.requests == []


def test_oversized_chunked_body_is_refused(line_settings: Settings, fake_line: FakeLineApi) -> None:
    """Sent in chunks, without a Content-Length to refuse it by (refused before Rasa could
    be asked anything, so no backend here)."""
    body = b"{" + b" " * 1_100_000 + b"}"

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64_000):
            yield body[start : start + 64_000]

    fake_line.clear()
    with TestClient(create_app(line_settings)) as client:
        response = client.post(
            "/line/webhook", content=chunks(), headers={"X-Line-Signature": sign(body)}
        )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert fake_line.requests == []


def test_seen_event_ids_are_kept_in_the_database(line: TestClient, line_settings: Settings) -> None:
    sessions = get_sessionmaker(line_settings.database_url)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(LineSeenEvent))
    post(line, text("ラップは？"), text("ホイルは？"))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(LineSeenEvent)) == before + 2


# --- the shape of replies (no servers) ------------------------------------------------


def test_long_text_is_split_at_line_ends_below_the_limit() -> None:
    lines = [f"{i:04d} " + "あ" * 95 for i in range(120)]  # 120 lines of 100 characters
    pieces = split_text("\n".join(lines))
    assert len(pieces) == 3
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert "\n".join(pieces).splitlines() == lines


def test_a_line_longer_than_a_message_is_cut_hard() -> None:
    pieces = split_text("い" * (MAX_TEXT * 2 + 10))
    assert [len(p) for p in pieces] == [MAX_TEXT, MAX_TEXT, 10]


def test_at_most_five_messages_and_thirteen_quick_replies() -> None:
    def payload(i: int) -> str:
        return f'/ask_item{{"item_id": {i}}}'

    answers = [ChatMessage(text=f"答え{i}") for i in range(7)]
    answers[-1].buttons = [
        Button(title=f"{i}番目のとても長いボタンの名前のテストです", payload=payload(i))
        for i in range(20)
    ]
    messages = to_line(answers)
    assert len(messages) == 5
    assert messages[-1].text == "答え4\n\n答え5\n\n答え6"
    items = messages[-1].quick_reply.items
    assert len(items) == MAX_QUICK_REPLIES
    assert all(len(item.action.label) <= MAX_LABEL for item in items)
    assert items[0].action.label.endswith("…")
    assert items[0].action.data == '/ask_item{"item_id": 0}'
    assert items[0].action.display_text == answers[-1].buttons[0].title


def test_a_links_https_address_is_a_line_of_its_text_and_webcal_is_left_out() -> None:
    """LINE makes an address in a text tappable; a quick reply cannot open a page, and LINE
    does not open webcal addresses."""
    url = "https://chat.example.jp/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE"
    answer = ChatMessage(
        text="野方3丁目の収集日です。",
        links=[
            Link(title="カレンダーに登録（Google カレンダーなど）", url=url),
            Link(title="カレンダーに登録（iPhone・Mac）", url=url.replace("https", "webcal")),
        ],
    )
    [message] = to_line([answer])
    assert (
        message.text
        == f"野方3丁目の収集日です。\n\nカレンダーに登録（Google カレンダーなど）\n{url}"
    )


def test_a_schedule_answer_on_line_carries_the_calendar_address(
    line: TestClient, fake_line: FakeLineApi
) -> None:
    post(line, text("野方3丁目の燃やすごみは何曜日？", user("U-calendar")))
    [reply] = fake_line.replies()
    [answer] = reply_texts(reply)
    assert "・燃やすごみ：火曜日・金曜日" in answer
    assert answer.endswith(
        "カレンダーに登録（Google カレンダーなど）\n"
        "http://testserver/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE"
    )
    assert "webcal" not in answer


def test_a_flood_from_one_conversation_is_told_to_wait(
    line_settings: Settings, fake_line: FakeLineApi, backend: dict[str, Service]
) -> None:
    strict = line_settings.model_copy(update={"rate_limit_per_sender": "2/minute"})
    fake_line.clear()
    with TestClient(create_app(strict)) as client:
        for _ in range(3):
            post(client, text("スプレー缶は？", user("U-flood")))
    answers = [reply_texts(reply)[0] for reply in fake_line.replies()]
    assert answers[0].startswith("「スプレー缶」は")
    assert answers[2] == TOO_MANY_TEXT


def test_a_flood_in_english_is_told_to_wait_in_english(
    line_settings: Settings, fake_line: FakeLineApi, backend: dict[str, Service]
) -> None:
    strict = line_settings.model_copy(update={"rate_limit_per_sender": "1/minute"})
    fake_line.clear()
    with TestClient(create_app(strict)) as client:
        for _ in range(2):
            post(client, text("Where do batteries go?", user("U-flood-en")))
    answers = [reply_texts(reply)[0] for reply in fake_line.replies()]
    assert answers[1] == template("too_fast", "en")
    assert answers[1].startswith("You are sending messages too quickly.")
