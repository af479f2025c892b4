"""The public chat contract stays what clients were promised: ``links`` is an optional
field on a message, added so that a client written against the contract before it
(``{"messages": [{"text", "buttons": [{"title", "payload"}]}]}``) still reads every
answer; and the links a message carries through Rasa come out as addresses on the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.server.app import create_app
from bot.server.conversation import on_the_app
from bot.server.rasa_client import messages_of
from bot.server.schemas import ChatMessage, ChatResponse, Link
from bot.settings import Settings
from tests.support.chat_contract import FEED, OldResponse


def test_an_answer_with_links_still_reads_as_the_old_contract() -> None:
    answer = ChatResponse(
        messages=[
            ChatMessage(
                text="野方3丁目の収集日です。",
                links=[Link(title="カレンダーに登録", url=f"https://chat.example.jp{FEED}")],
            )
        ]
    )
    sent = answer.model_dump(mode="json")
    old = OldResponse.model_validate(sent)
    assert old.messages[0].text == "野方3丁目の収集日です。"
    assert old.messages[0].buttons == []
    assert sent["messages"][0]["links"] == [
        {"title": "カレンダーに登録", "url": f"https://chat.example.jp{FEED}"}
    ]


def test_links_are_always_there_and_empty_when_there_are_none() -> None:
    assert ChatMessage(text="はい").model_dump() == {"text": "はい", "buttons": [], "links": []}


def test_the_openapi_description_keeps_text_required_and_links_optional(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/catalog.sqlite3"))
    with TestClient(app) as client:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
    message = schemas["ChatMessage"]
    assert message["required"] == ["text"]
    assert set(message["properties"]) == {"text", "buttons", "links"}
    assert schemas["Button"]["required"] == ["title", "payload"]
    assert schemas["Link"]["required"] == ["title", "url"]
    assert message["properties"]["links"]["description"]


def test_rasas_custom_json_gives_its_links_to_the_text_before_it() -> None:
    """Rasa's REST channel sends an action's message with custom JSON as two: the text
    (with its buttons), then the custom JSON alone."""
    payload = [
        {"recipient_id": "web:1", "text": "「スプレー缶」は…"},
        {"recipient_id": "web:1", "text": "野方3丁目の収集日です。", "buttons": [
            {"title": "2丁目", "payload": "野方2丁目"}]},
        {"recipient_id": "web:1", "custom": {"links": [
            {"title": "カレンダーに登録", "url": FEED},
            {"title": "iPhone", "url": f"webcal:{FEED}"}]}},
    ]  # fmt: skip
    first, second = messages_of(payload)
    assert first.links == []
    assert second.buttons[0].payload == "野方2丁目"
    assert [link.url for link in second.links] == [FEED, f"webcal:{FEED}"]
    assert messages_of([{"custom": {"links": [{"title": "x", "url": FEED}]}}]) == []


@pytest.mark.parametrize(
    ("url", "base", "address"),
    [
        (FEED, "http://testserver/", f"http://testserver{FEED}"),
        (FEED, "https://chat.example.jp", f"https://chat.example.jp{FEED}"),
        (f"webcal:{FEED}", "https://chat.example.jp/", f"webcal://chat.example.jp{FEED}"),
        # The app behind the ward's proxy at a path of its own.
        (FEED, "https://www.example.jp/gomi/", f"https://www.example.jp/gomi{FEED}"),
        ("https://www.city.tokyo-nakano.lg.jp/", "http://testserver/",
         "https://www.city.tokyo-nakano.lg.jp/"),
    ],
)  # fmt: skip
def test_a_link_without_a_host_is_on_the_app(url: str, base: str, address: str) -> None:
    assert on_the_app(url, base) == address
