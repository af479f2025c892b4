"""Residents' text is never read as a Rasa command: ``/restart`` typed into the chat is
words, only the bot's own (signed) buttons may carry intent syntax, and tapping them still
works. Checked against Rasa's own parser in the Rasa environment and end to end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.server.conversation import (
    UNAVAILABLE_TEXT,
    ButtonPayloads,
    button_secret,
)
from bot.settings import Settings

PAYLOAD = '/ask_item{"item_id": 12}'
#: What residents might type to command Rasa, in the forms a phone keyboard makes.
TYPED = [
    "/restart",
    "/session_start",
    " /restart",
    "\u3000/restart",  # a full-width space first: Rasa's strip() removes it
    "\n/back",
    "／restart",  # the full-width slash of a Japanese keyboard
    PAYLOAD,  # a button's payload without the bot's signature
    '/ask_item{"item_id": 12}@1.0',
]


@pytest.fixture
def payloads() -> ButtonPayloads:
    return ButtonPayloads(b"test-secret")


def test_a_signed_payload_comes_back_as_it_was(payloads: ButtonPayloads) -> None:
    signed = payloads.sign(PAYLOAD)
    assert signed.startswith(PAYLOAD)
    assert signed != PAYLOAD
    assert payloads.read(signed) == PAYLOAD


def test_plain_questions_are_not_signed(payloads: ButtonPayloads) -> None:
    assert payloads.sign("野方3丁目") == "野方3丁目"
    assert payloads.read("野方3丁目") == "野方3丁目"


@pytest.mark.parametrize(
    "forged",
    [
        lambda signed: signed[:-1] + ("A" if signed[-1] != "A" else "B"),  # tampered
        lambda signed: signed.replace("12", "13", 1),  # another item, same signature
        lambda signed: ButtonPayloads(b"another-secret").sign(PAYLOAD),
        lambda signed: "/restart" + signed[len(PAYLOAD) :],  # a signature moved over
    ],
)
def test_a_forged_payload_is_plain_text(payloads: ButtonPayloads, forged) -> None:
    text = forged(payloads.sign(PAYLOAD))
    read = payloads.read(text)
    assert read.startswith("／")
    assert read[1:] == text.strip()[1:]


@pytest.mark.parametrize("text", TYPED)
def test_typed_commands_become_words(payloads: ButtonPayloads, text: str) -> None:
    read = payloads.read(text)
    assert read.startswith("／")
    assert not read.strip().startswith("/")


@pytest.mark.parametrize("text", ["スプレー缶は何ごみ？", "1/2の大きさの箱", "ｗ/"])
def test_ordinary_text_is_untouched(payloads: ButtonPayloads, text: str) -> None:
    assert payloads.read(text) == text


def test_rasa_reads_the_typed_commands_as_words_and_the_payload_as_an_intent(
    payloads: ButtonPayloads,
) -> None:
    """Rasa 3.6's own parser of ``/intent{entities}`` (what its RegexMessageHandler runs),
    in the Rasa environment: the truth about what Rasa would obey."""
    texts = [payloads.read(text) for text in TYPED] + [payloads.read(payloads.sign(PAYLOAD))]
    program = (
        "import json, sys\n"
        "from rasa.shared.core.training_data.story_reader.yaml_story_reader import"
        " YAMLStoryReader\n"
        "from rasa.shared.nlu.training_data.message import Message\n"
        "for text in json.loads(sys.stdin.read()):\n"
        "    parsed = YAMLStoryReader.unpack_regex_message(Message(data={'text': text}))\n"
        "    print(json.dumps((parsed.get('intent') or {}).get('name')))\n"
    )
    rasa_python = Settings().rasa_venv / "bin" / "python"
    result = subprocess.run(
        [str(rasa_python), "-c", program],
        input=json.dumps(texts), capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    intents = [json.loads(line) for line in result.stdout.splitlines()]
    assert intents == [None] * len(TYPED) + ["ask_item"]
    # Without the app in front, Rasa would have obeyed them.
    raw = subprocess.run(
        [str(rasa_python), "-c", program],
        input=json.dumps(["/restart", "\u3000/session_start"]),
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert [json.loads(line) for line in raw.stdout.splitlines()] == ["restart", "session_start"]


def test_the_secret_is_shared_through_its_file(tmp_path: Path) -> None:
    """Workers started without BUTTON_SECRET agree on one key, kept in a private file."""
    settings = Settings(button_secret_file=tmp_path / "var" / "button_secret")
    first = button_secret(settings)
    assert len(first) >= 32
    assert button_secret(settings) == first
    assert (settings.button_secret_file.stat().st_mode & 0o777) == 0o600
    assert list(settings.button_secret_file.parent.iterdir()) == [settings.button_secret_file]
    given = Settings(button_secret=SecretStr("from-the-environment"))
    assert button_secret(given) == b"from-the-environment"


# --- end to end: the app, the real Rasa model and action server --------------------------


def ask(client: TestClient, text: str, sender: str) -> list[dict]:
    response = client.post("/api/chat", json={"sender_id": sender, "text": text})
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    assert messages
    assert not any(UNAVAILABLE_TEXT in m["text"] for m in messages)
    return messages


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["/restart", "/session_start", "\u3000/restart", "／restart"])
def test_a_typed_command_is_answered_and_the_conversation_goes_on(
    client: TestClient, command: str
) -> None:
    sender = f"cmd-{abs(hash(command))}"
    ask(client, "野方3丁目に住んでいます", sender)
    ask(client, command, sender)
    [answer] = ask(client, "燃やすごみは何曜日？", sender)
    assert "野方3丁目" in answer["text"]  # the area was not forgotten: no restart happened


@pytest.mark.e2e
def test_only_the_bots_own_button_answers_an_item(client: TestClient) -> None:
    [question] = ask(client, "ざるってどうやって捨てる？", "cmd-zaru")
    wood = next(b for b in question["buttons"] if "木製" in b["title"])
    assert wood["payload"].startswith("/ask_item")
    unsigned = wood["payload"].rpartition("~")[0]
    typed = ask(client, unsigned, "cmd-zaru-forged")
    # read as words (what the model makes of them may change with its training data)
    assert typed
    assert not any("「ざる（木製）」は" in message["text"] for message in typed)
    [tapped] = ask(client, wood["payload"], "cmd-zaru")
    assert tapped["text"].startswith("「ざる（木製）」は「燃やすごみ」です。")
