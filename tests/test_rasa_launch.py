"""``bot.rasa_launch``, run in the Rasa environment with the real Rasa: its changes keep
Rasa's behaviour (the same validation errors, a tracker store that keeps every event)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bot.settings import ROOT, get_settings

SCRIPT = r"""
import asyncio, json, sys, tempfile
from jsonschema import ValidationError, validate
from bot import rasa_launch

rasa_launch.apply()
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

action = RemoteAction("action_answer_item", None)
out = {"valid": action._validate_action_result(
    {"events": [{"event": "slot", "name": "area_id", "value": "3"}],
     "responses": [{"text": "t", "buttons": [{"title": "a", "payload": "/b"}]}]})}
errors = []
for bad in json.loads(sys.argv[1]):
    try:
        validate(bad, RemoteAction.action_response_format_spec())
        expected = None
    except ValidationError as e:
        expected = e.message
    try:
        action._validate_action_result(bad)
        got = None
    except ValidationError as e:
        got = e.message
    errors.append([expected, got])
out["errors"] = errors

domain = Domain.from_dict({"slots": {"area_id": {"type": "any", "mappings": []}}})
store = SQLTrackerStore(domain, db=tempfile.mkdtemp() + "/tracker.sqlite3")
out["pool"] = type(store.engine.pool).__name__

async def conversation():
    tracker = await store.get_or_create_tracker("web:a")
    tracker.update(UserUttered("野方3丁目"))
    tracker.update(SlotSet("area_id", "12"))
    await store.save(tracker)
    tracker = await store.retrieve("web:a")
    tracker.update(UserUttered("スプレー缶"))
    await store.save(tracker)
    again = await store.retrieve("web:a")
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    return again.get_slot("area_id"), len(again.events), mode

out["slot"], out["events"], out["journal"] = asyncio.run(conversation())

from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore

class Unreachable(TrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("database restarting")
    async def save(self, tracker):
        raise ConnectionError("database restarting")
    async def keys(self):
        return []

from rasa.shared.core.trackers import DialogueStateTracker

async def outage():
    failsafe = FailSafeTrackerStore(Unreachable(domain))
    seen = []
    for call in (failsafe.retrieve("web:a"), failsafe.save(DialogueStateTracker("web:a", []))):
        try:
            await call
            seen.append("answered from memory")
        except ConnectionError:
            seen.append("failed")
    return seen

out["outage"] = asyncio.run(outage())
print(json.dumps(out, ensure_ascii=False))
"""

BAD_RESPONSES = [
    {"events": "nope"},
    {"events": [{"no_event": 1}]},
    {"responses": 3},
]


def test_rasa_with_the_launcher_patches() -> None:
    python = get_settings().rasa_venv / "bin" / "python"
    if not python.exists():
        pytest.fail(f"the Rasa environment is missing ({python}); run `make test`")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    result = subprocess.run(
        [str(python), "-c", SCRIPT, json.dumps(BAD_RESPONSES)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["valid"] is True
    for expected, got in out["errors"]:
        # The same error as jsonschema.validate, with Rasa's pointer to its docs added.
        assert expected is not None
        assert got.startswith(expected)
        assert "custom-actions" in got
    assert out["pool"] == "QueuePool"
    assert out["journal"] == "wal"
    assert out["slot"] == "12"
    assert out["events"] >= 4
    # A database outage fails the message (the resident gets the apology and sends again)
    # instead of answering from an empty conversation and saving into memory.
    assert out["outage"] == ["failed", "failed"]
