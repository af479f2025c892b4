"""LINE reminders asked for in the conversation (``actions/reminders.py``): the real action
on a real catalog, each message as Rasa hands it over; the reminders' sentences in every
language; and which messages the router gives to reminders. Sending them is
tests/bot/reminders/test_reminders.py."""

from __future__ import annotations

import json
import re
from datetime import time
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import answers
from actions.memory import AREA_SLOT, PENDING_REMINDER_SLOT, Context
from actions.reading import read
from actions.routing import Route, route
from bot.catalog.db import get_sessionmaker
from bot.catalog.loader import LiveCatalog
from bot.catalog.models import ReminderSettings, ReminderSubscription
from bot.i18n import DATA_DIR
from tests.support.actions import run
from tests.support.reminders import BURNABLE, CERAMICS, area_named, category_id, stored

# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def catalog(actions_catalog: str) -> str:
    """A fresh catalog the actions, run in this process, read and write."""
    return actions_catalog


@pytest.fixture
def catalog_sessions(catalog: str) -> sessionmaker[Session]:
    return get_sessionmaker(catalog)


@pytest.fixture(scope="module")
def shipped(sessions: sessionmaker[Session]) -> LiveCatalog:
    """The shared catalog of the shipped data, for the tests that only read it: its index is
    built once for them all."""
    return LiveCatalog(sessions)


def say(
    text_: str,
    intent: str,
    *,
    sender_id: str = "line:user:U-nogata",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One message through the real action, as Rasa hands it over, in a LINE friend's chat
    unless told otherwise; the messages and the slots as the conversation remembers them."""
    messages, events = run(
        answers.ActionRespond(), text_, intent, slots=slots, entities=entities,
        sender_id=sender_id,
    )  # fmt: skip
    remembered = dict(slots or {})
    remembered.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return messages, remembered


# --- the words ---------------------------------------------------------------------------


def test_every_reminder_sentence_is_in_every_language_with_the_same_fields() -> None:
    replies = yaml.safe_load((DATA_DIR / "replies.yml").read_text(encoding="utf-8"))["replies"]
    keys = [key for key in replies if key.startswith("reminder_")]
    assert len(keys) >= 10
    for key in keys:
        assert set(replies[key]) == {"ja", "en", "zh", "ko"}, key
        fields = {lang: set(re.findall(r"{(\w+)}", said)) for lang, said in replies[key].items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)


# --- the conversation: the real action on a real catalog -------------------------------------


def test_asking_with_the_area_subscribes_and_says_what_and_when(
    catalog_sessions: sessionmaker[Session],
) -> None:
    [message], slots = say("野方3丁目で通知を登録", "subscribe_reminder")
    lines = message["text"].splitlines()
    assert lines[0] == (
        "通知を登録しました。野方3丁目で次の種類を収集する日の前の日、19:00ごろにLINEでお知らせします。"
    )
    assert f"・{BURNABLE}：火曜日・金曜日" in lines
    assert lines[-1] == "通知をやめるときは「通知を解除」と送ってください。"
    row = stored(catalog_sessions, "U-nogata")
    assert row is not None
    assert (row.area_id, row.category_ids, row.language, row.blocked_at) == (
        area_named(catalog_sessions, "野方", 3).id, [], "ja", None,
    )  # fmt: skip
    assert slots[AREA_SLOT] == str(row.area_id)
    # one button per category to be reminded of it alone
    titles = [b["title"] for b in message["buttons"]]
    assert f"{CERAMICS}だけ" in titles
    assert "すべての種類" not in titles


def test_without_an_area_it_is_asked_and_the_next_message_gives_it(
    catalog_sessions: sessionmaker[Session],
) -> None:
    [question], slots = say("通知を登録", "subscribe_reminder")
    assert question["text"] == "通知する地域の町名と丁目を教えてください。（例：野方3丁目）"
    assert stored(catalog_sessions, "U-nogata") is None
    assert json.loads(slots[PENDING_REMINDER_SLOT]) == []

    [confirmation], slots = say("野方3丁目", "inform_area", slots=slots)
    assert confirmation["text"].startswith("通知を登録しました。野方3丁目で")
    assert stored(catalog_sessions, "U-nogata") is not None
    assert json.loads(slots[PENDING_REMINDER_SLOT]) == []  # the next message may change it


def test_a_town_without_its_chome_is_asked_back_and_the_request_still_waits(
    catalog_sessions: sessionmaker[Session],
) -> None:
    _, slots = say("陶器・ガラス・金属ごみだけ通知して", "subscribe_reminder")
    [which], slots = say("野方", "inform_area", slots=slots)
    assert which["text"] == "野方の何丁目ですか？"
    assert json.loads(slots[PENDING_REMINDER_SLOT]) == [CERAMICS]
    tapped = next(b["payload"] for b in which["buttons"] if b["title"] == "野方3丁目")
    [confirmation], _ = say(tapped, "inform_area", slots=slots)
    assert f"・{CERAMICS}：" in confirmation["text"]
    assert f"・{BURNABLE}：" not in confirmation["text"]
    row = stored(catalog_sessions, "U-nogata")
    assert row.category_ids == [category_id(catalog_sessions, CERAMICS)]


def test_asking_about_something_else_drops_the_waiting_request(
    catalog_sessions: sessionmaker[Session],
) -> None:
    _, slots = say("通知を登録", "subscribe_reminder")
    [answer], slots = say("スプレー缶は何ごみ？", "ask_item", slots=slots)
    assert answer["text"].startswith("「スプレー缶」は")
    assert slots[PENDING_REMINDER_SLOT] is None
    # 「野方3丁目」 now is the place of a schedule question, not the reminders' area
    [schedule], _ = say("野方3丁目", "inform_area", slots=slots)
    assert schedule["text"].startswith("野方3丁目の収集日です。")
    assert stored(catalog_sessions, "U-nogata") is None


def test_only_some_categories_by_name_or_by_button_and_all_again(
    catalog_sessions: sessionmaker[Session],
) -> None:
    [first], slots = say("野方3丁目の通知を登録", "subscribe_reminder")
    only = next(b for b in first["buttons"] if b["title"] == f"{CERAMICS}だけ")
    assert only["payload"] == f'/subscribe_reminder{{"category": "{CERAMICS}"}}'
    [chosen], slots = say(
        only["payload"], "subscribe_reminder", slots=slots,
        entities=[{"entity": "category", "value": CERAMICS}],
    )  # fmt: skip
    assert [line for line in chosen["text"].splitlines() if line.startswith("・")] == [
        f"・{CERAMICS}：第1・第3土曜日"
    ]
    assert stored(catalog_sessions, "U-nogata").category_ids == [
        category_id(catalog_sessions, CERAMICS)
    ]
    every = next(b for b in chosen["buttons"] if b["title"] == "すべての種類")

    # typed right after the confirmation, whatever the model took it for
    [typed], slots = say("燃やすごみだけ", "ask_schedule", slots=slots)
    assert stored(catalog_sessions, "U-nogata").category_ids == [
        category_id(catalog_sessions, BURNABLE)
    ]
    assert f"・{BURNABLE}：火曜日・金曜日" in typed["text"]

    say(every["payload"], "subscribe_reminder", slots=slots)
    assert stored(catalog_sessions, "U-nogata").category_ids == []


def test_what_is_stored_and_stopping(catalog_sessions: sessionmaker[Session]) -> None:
    [none], _ = say("登録内容", "show_reminder")
    assert none["text"].startswith("通知は登録されていません。")

    _, slots = say("野方3丁目の陶器・ガラス・金属ごみだけ通知して", "subscribe_reminder")
    [status], _ = say("登録内容", "show_reminder", slots=slots)
    assert status["text"].splitlines()[1:5] == [
        "・地域：野方3丁目",
        f"・種類：{CERAMICS}",
        "・通知：収集日の前の日の19:00ごろ",
        "・言語：日本語",
    ]

    [stopped], _ = say("通知を解除", "unsubscribe_reminder", slots=slots)
    assert stopped["text"].startswith("通知を解除しました。")
    assert stored(catalog_sessions, "U-nogata") is None
    [again], _ = say("通知を解除", "unsubscribe_reminder", slots=slots)
    assert again["text"].startswith("通知は登録されていません。")


def test_the_time_staff_set_is_the_time_said(catalog_sessions: sessionmaker[Session]) -> None:
    with catalog_sessions() as session:
        session.get(ReminderSettings, 1).send_time = time(18, 30)
        session.commit()
    [message], _ = say("野方3丁目で通知を登録", "subscribe_reminder")
    assert "18:30ごろ" in message["text"]


def test_in_english_the_confirmation_and_the_stored_language_are_english(
    catalog_sessions: sessionmaker[Session],
) -> None:
    [message], _ = say(
        "remind me the day before collection in Nogata 3-chome", "subscribe_reminder"
    )
    assert message["text"].startswith(
        "Your reminders are on. The evening before each collection day in "
        "Nogata 3-chome (野方3丁目), at about 19:00,"
    )
    assert "(燃やすごみ)" in message["text"]
    assert stored(catalog_sessions, "U-nogata").language == "en"


@pytest.mark.parametrize(
    ("sender_id", "key"),
    [("web:resident-1", "reminder_line_only"), ("line:group:C-1", "reminder_one_to_one")],
)
def test_where_reminders_cannot_be_pushed_they_are_explained_not_stored(
    catalog_sessions: sessionmaker[Session], sender_id: str, key: str
) -> None:
    [message], _ = say("野方3丁目で通知を登録", "subscribe_reminder", sender_id=sender_id)
    replies = yaml.safe_load((DATA_DIR / "replies.yml").read_text(encoding="utf-8"))["replies"]
    assert message["text"] == replies[key]["ja"]
    with catalog_sessions() as session:
        assert session.scalars(select(ReminderSubscription)).all() == []


def test_a_schedule_answer_on_line_offers_reminders_until_subscribed(
    catalog_sessions: sessionmaker[Session],
) -> None:
    question = "野方3丁目の燃やすごみは何曜日？"
    [web], _ = say(question, "ask_schedule", sender_id="web:resident-1")
    assert web["buttons"] == []
    [line], _ = say(question, "ask_schedule")
    [offer] = line["buttons"]
    assert (offer["title"], offer["payload"]) == ("前の日に通知を受け取る", "/subscribe_reminder")
    say(
        "通知を登録",
        "subscribe_reminder",
        slots={AREA_SLOT: str(area_named(catalog_sessions, "野方", 3).id)},
    )
    [again], _ = say(question, "ask_schedule")
    assert again["buttons"] == []


@pytest.mark.parametrize(
    ("said", "intent", "confidence", "setting_up", "expected"),
    [
        ("通知を登録", "subscribe_reminder", 0.99, False, Route.REMINDER),
        ("陶器・ガラス・金属ごみだけ通知して", "subscribe_reminder", 0.99, False, Route.REMINDER),
        # the model unsure: a question, answered as one
        ("お知らせ", "subscribe_reminder", 0.69, False, None),
        # naming an item: about the item, whatever the model says
        ("和室の畳を1枚だけ処分したいです", "subscribe_reminder", 0.99, False, Route.ITEM),
        # while reminders are being set up: a place, or categories without a day asked
        ("野方3丁目", "inform_area", 0.99, True, Route.REMINDER),
        ("陶器・ガラス・金属ごみだけ", "ask_schedule", 0.99, True, Route.REMINDER),
        ("燃やすごみは何曜日？", "ask_schedule", 0.99, True, Route.SCHEDULE),
        ("スプレー缶は何ごみ？", "ask_item", 0.99, True, Route.ITEM),
        # and otherwise not
        ("野方3丁目", "inform_area", 0.99, False, Route.SCHEDULE),
        ("燃やすごみだけ", "ask_schedule", 0.99, False, Route.SCHEDULE),
    ],
)
def test_which_messages_are_about_reminders(
    shipped: LiveCatalog,
    said: str,
    intent: str,
    confidence: float,
    setting_up: bool,
    expected: Route | None,
) -> None:
    """Row 0 of the router (actions/routing.py), on the real reading of each message
    (``None``: anything but reminders)."""
    tracker = Tracker(
        "line:user:U-routing", {PENDING_REMINDER_SLOT: "[]" if setting_up else None},
        {"text": said, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        [], False, None, {}, "action_listen",
    )  # fmt: skip
    context = Context.from_tracker(tracker)
    routed = route(read(tracker, shipped, context), context)
    assert routed is expected if expected else routed is not Route.REMINDER
