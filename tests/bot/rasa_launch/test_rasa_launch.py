"""``bot.rasa_launch``, run in the Rasa environment with the real Rasa: its changes keep
Rasa's behaviour (the same validation errors, a tracker store that keeps every event), Rasa
loads its classes from the configuration ``bot.services`` writes, and a Rasa that changed
what a patch relies on does not start."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from bot.rasa_launch.patching import RasaChangedError, expect, parameters
from bot.services import write_endpoints
from bot.settings import ROOT, Settings, get_settings
from tests.support.rasa_python import RasaPython

SCRIPT = r"""
import asyncio, json, sys
from jsonschema import ValidationError, validate
from bot import rasa_launch

rasa_launch.apply()
from rasa.core.actions.action import RemoteAction
from rasa.core.lock_store import LockStore
from rasa.core.run import create_http_input_channels
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

embedded, production, credentials, conversation_id = sys.argv[2:]

def name(obj):
    return f"{type(obj).__module__}.{type(obj).__qualname__}"

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
# The stores as Rasa makes them from the endpoints files bot.services writes.
endpoints = AvailableEndpoints.read_endpoints(embedded)
store = TrackerStore.create(endpoints.tracker_store, domain=domain)
locks = LockStore.create(endpoints.lock_store)
redis_locks = LockStore.create(AvailableEndpoints.read_endpoints(production).lock_store)
out["stores"] = [name(store), name(locks), name(redis_locks), redis_locks.key_prefix]
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

import time

async def double_tap(locks):
    # A second message of one conversation while the first is answered for 0.1 s.
    order = []
    async def message(name, seconds):
        started = time.perf_counter()
        async with locks.lock(conversation_id):
            order.append([name, round(time.perf_counter() - started, 3)])
            await asyncio.sleep(seconds)
    first = asyncio.create_task(message("first", 0.1))
    await asyncio.sleep(0.01)
    await asyncio.gather(first, message("second", 0))
    return order

out["lock"] = [asyncio.run(double_tap(locks)), asyncio.run(double_tap(redis_locks))]
out["redis_left"] = redis_locks.red.get(redis_locks.key_prefix + conversation_id)

[channel] = create_http_input_channels(None, credentials)
out["channel"] = [name(channel), channel.url_prefix()]

class Request:
    json = {"sender": "web:a", "message": "スプレー缶"}
    args = {}

async def rest(fails):
    async def on_new_message(message):
        await message.output_channel.send_text_message("web:a", "「スプレー缶」は…")
        if fails:
            raise ConnectionError("tracker not saved")
    blueprint = channel.blueprint(on_new_message)
    route = next(r for r in blueprint._future_routes if r.uri == "/webhook")
    return json.loads((await route.handler(Request())).body)

out["rest"] = [asyncio.run(rest(False)), asyncio.run(rest(True))]
print(json.dumps(out, ensure_ascii=False))
"""

BAD_RESPONSES = [
    {"events": "nope"},
    {"events": [{"no_event": 1}]},
    {"responses": 3},
]


def test_rasa_with_the_launcher_patches(tmp_path: Path, rasa_python: RasaPython) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    embedded = Settings(tracker_store_path=tmp_path / "tracker.sqlite3")
    production = Settings(
        profile="production",
        tracker_store_url="postgresql://127.0.0.1:5432/unused",
        lock_store_url="redis://127.0.0.1:6379/1",
    )
    conversation = f"web:{uuid.uuid4().hex}"
    result = rasa_python.run(
        SCRIPT, json.dumps(BAD_RESPONSES),
        str(write_endpoints(embedded, tmp_path / "embedded.yml")),
        str(write_endpoints(production, tmp_path / "production.yml")),
        str(ROOT / "credentials.yml"), conversation,
        env=env, check=True,
    )  # fmt: skip
    out = json.loads(result.stdout.strip().splitlines()[-1])
    # Rasa loads the project's stores and channel from its own configuration files.
    assert out["stores"] == [
        "bot.rasa_launch.tracker_store.SQLTrackerStore",
        "bot.rasa_launch.lock_store.InMemoryLockStore",
        "bot.rasa_launch.lock_store.RedisLockStore",
        "nakano:lock:",
    ]
    assert out["channel"] == ["bot.rasa_launch.rest_channel.RestInput", "rest"]
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
    # A second message waits for the first (order kept), but not Rasa's full second; in
    # memory (one Rasa) and in Redis (replicas), which holds no lock afterwards.
    for (first, first_wait), (second, second_wait) in out["lock"]:
        assert (first, second) == ("first", "second")
        assert first_wait < 0.05
        assert 0.05 < second_wait < 0.6
    assert out["redis_left"] is None
    # A turn whose handling failed after the answer was made (tracker not saved) answers
    # nothing; the app shows the apology instead of an answer the conversation forgot.
    answered, failed = out["rest"]
    assert [m["text"] for m in answered] == ["「スプレー缶」は…"]
    assert failed == []


TRACKER_SCRIPT = r"""
import asyncio, json, sys, tempfile
from bot import rasa_launch
rasa_launch.apply()
from rasa.core.tracker_store import SQLTrackerStore as Plain
from bot.rasa_launch.tracker_store import SQLTrackerStore
from sqlalchemy import event
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered,
)

domain = Domain.from_dict({"slots": {"area_id": {"type": "any", "mappings": []}}})
folder = tempfile.mkdtemp()

def turns(t0):
    # Three turns, then a new session (as Rasa starts one after the expiry time), one more.
    out = []
    for n, text in enumerate(["野方3丁目", "スプレー缶", "何曜日？"]):
        out.append([UserUttered(text, timestamp=t0 + 10 * n),
                    ActionExecuted("action_answer_item", timestamp=t0 + 10 * n + 1),
                    BotUttered(f"答え{n}", timestamp=t0 + 10 * n + 2),
                    SlotSet("area_id", str(n), timestamp=t0 + 10 * n + 3),
                    ActionExecuted("action_listen", timestamp=t0 + 10 * n + 4)])
    out.append([ActionExecuted("action_session_start", timestamp=t0 + 100),
                SessionStarted(timestamp=t0 + 100.5),
                SlotSet("area_id", "2", timestamp=t0 + 100.7),  # carried over, as Rasa does
                ActionExecuted("action_listen", timestamp=t0 + 101),
                UserUttered("電池", timestamp=t0 + 102),
                BotUttered("答え3", timestamp=t0 + 103)])
    return out

async def talk(store):
    selects = []
    def count(connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)
    event.listen(store.engine, "before_cursor_execute", count)
    per_turn = []
    for turn in turns(1_700_000_000.0):
        before = len(selects)
        tracker = await store.get_or_create_tracker("web:a", append_action_listen=False)
        for e in turn:
            tracker.update(e)
        await store.save(tracker)
        per_turn.append(len(selects) - before)
    with store.engine.connect() as connection:
        rows = [list(r) for r in connection.exec_driver_sql(
            "SELECT type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id")]
    latest = await store.retrieve("web:a")
    return rows, per_turn, [e.as_dict() for e in latest.events]

plain_rows, plain_selects, plain_latest = asyncio.run(talk(Plain(domain, db=folder + "/p.db")))
ours = SQLTrackerStore(domain, db=folder + "/o.db")
ours_rows, ours_selects, ours_latest = asyncio.run(talk(ours))
# A restarted Rasa (an empty memory) reads the same conversation from the file.
again = asyncio.run(SQLTrackerStore(domain, db=folder + "/o.db").retrieve("web:a"))
print(json.dumps({
    "same_rows": plain_rows == ours_rows, "rows": len(ours_rows),
    "plain_selects": plain_selects, "ours_selects": ours_selects,
    "same_latest": plain_latest == ours_latest, "latest": len(ours_latest),
    "restart_same": [e.as_dict() for e in again.events] == plain_latest,
    "area": again.get_slot("area_id"),
}, ensure_ascii=False))
"""


def test_tracker_store_writes_what_rasa_writes_with_fewer_queries(rasa_python: RasaPython) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    result = rasa_python.run(TRACKER_SCRIPT, env=env, check=True)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    # The same rows as Rasa's own store, and the same conversation read back — from memory,
    # and from the file after a restart (the new session only, as Rasa reads it).
    assert out["same_rows"]
    assert out["rows"] == 21
    assert out["same_latest"]
    assert out["restart_same"]
    assert out["latest"] == 5  # from session_started on, as Rasa's query reads
    assert out["area"] == "2"
    # Rasa reads the conversation and counts its events at every turn; here the file is
    # read once (the first load) and only written after that.
    assert all(n >= 2 for n in out["plain_selects"][1:])
    assert out["ours_selects"][1:] == [0, 0, 0]


PARSE_SCRIPT = r"""
import asyncio, json, sys
from bot import rasa_launch
rasa_launch.apply()
from rasa.core.agent import load_agent

async def main():
    agent = await load_agent(model_path=sys.argv[1])
    runner = agent.processor.graph_runner
    runs = []
    real_run = runner.run
    def run(*args, **kwargs):  # the real graph, counted
        runs.append(1)
        return real_run(*args, **kwargs)
    runner.run = run

    async def parse(text):
        before = len(runs)
        data = await agent.parse_message(text)
        return data, len(runs) - before

    first, first_runs = await parse("スプレー缶は何ごみですか")
    first["intent"]["name"] = "changed by the caller"
    again, again_runs = await parse("スプレー缶は何ごみですか")
    other, other_runs = await parse("粗大ごみの申し込み方法")
    button, button_runs = await parse("/greet")
    button2, button2_runs = await parse("/greet")
    return {
        "runs": [first_runs, again_runs, other_runs, button_runs, button2_runs],
        "again_intent": again["intent"]["name"], "other_intent": other["intent"]["name"],
        "again_text": again["text"],
    }

print(json.dumps(asyncio.run(main()), ensure_ascii=False))
"""


@pytest.mark.e2e  # the trained model
def test_a_text_read_before_is_not_parsed_again() -> None:
    settings = get_settings()
    models = sorted(settings.models_dir.glob("nakano-*.tar.gz"))
    if not models:
        pytest.fail("no trained model; run `make test`, which trains it")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    env.pop("NAKANO_BOT_RASA_PARSE_CACHE", None)
    result = subprocess.run(
        [str(settings.rasa_venv / "bin" / "python"), "-c", PARSE_SCRIPT, str(models[-1])],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    out = json.loads(result.stdout.strip().splitlines()[-1])
    # The NLU graph runs for a new text, not for the same text again; a button's payload
    # is always read by Rasa (it is cheap, and its entities are in the payload).
    assert out["runs"] == [1, 0, 1, 1, 1]
    # The same reading as the first time, untouched by what the caller did to its copy.
    assert out["again_intent"] not in (None, "changed by the caller")
    assert out["again_text"] == "スプレー缶は何ごみですか"
    assert out["other_intent"] != "changed by the caller"


ACTION_SERVERS_SCRIPT = r"""
import asyncio, json, socket, sys, tempfile, time
from pathlib import Path
from bot import rasa_launch
rasa_launch.apply()
from bot.rasa_launch.action_servers import ActionServers
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

ANSWER = {"events": [{"event": "slot", "name": "area_id", "value": "3"}],
          "responses": [{"text": "はい"}]}
domain = Domain.from_dict({"slots": {"area_id": {"type": "any", "mappings": []}},
                           "actions": ["action_answer_item"]})
folder = Path(tempfile.mkdtemp())


class Server:
    # An action server on loopback that, as Sanic does, asks for a call's body when the
    # call expects it (100 Continue), records every call it reads, then answers (200),
    # fails (500, after running the action) or crashes (closes the connection after
    # reading the call, as a server that dies in the middle of an action). A dying one
    # resets the connection before it asks for the body, as the kernel does for a server
    # killed a moment ago whose listening socket was not closed yet.
    def __init__(self, behaviour):
        self.behaviour, self.calls, self.expected = behaviour, [], []

    async def start(self, port=0):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/webhook"

    async def handle(self, reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        if self.behaviour == "dying":
            writer.transport.abort()
            return
        lines = head.lower().split(b"\r\n")
        length = next(int(line.split(b":")[1]) for line in lines
                      if line.startswith(b"content-length"))
        self.expected.append(b"expect: 100-continue" in lines)
        if self.expected[-1]:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.calls.append(json.loads(await reader.readexactly(length))["sender_id"])
        if self.behaviour == "crash":
            writer.transport.abort()
            return
        status, body = (200, ANSWER) if self.behaviour == "answer" else (500, {"e": 1})
        data = json.dumps(body).encode()
        writer.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: "
                     b"%d\r\nConnection: close\r\n\r\n%s" % (status, len(data), data))
        await writer.drain()
        writer.close()


def nobody():
    # A loopback URL where nothing listens: the connection is refused.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/webhook"


def endpoint(*urls):
    # As Rasa reads it from the endpoints file bot.services writes.
    lines = [f"action_endpoint:", f"  url: {urls[0]}"]
    if len(urls) > 1:
        lines += ["  urls:"] + [f"    - {u}" for u in urls]
    path = folder / f"endpoints-{len(list(folder.iterdir()))}.yml"
    path.write_text("\n".join(lines) + "\n")
    return AvailableEndpoints.read_endpoints(str(path)).action


async def run(action_endpoint, sender):
    tracker = DialogueStateTracker(sender, domain.slots)
    try:
        events = await RemoteAction("action_answer_item", action_endpoint).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain)
    except RasaException as e:
        return "failed: " + type(e).__name__
    return [e.as_dict().get("text") or e.as_dict().get("value") for e in events]


async def main():
    out = {}
    one = await Server("answer").start()
    out["one_type"] = type(endpoint(one.url)).__name__

    a, b = await Server("answer").start(), await Server("answer").start()
    both = endpoint(a.url, b.url)
    out["two_type"] = type(both).__name__
    out["spread"] = [await run(both, f"s{n}") for n in range(4)]
    out["spread_calls"] = [a.calls, b.calls]
    out["expected"] = a.expected + b.expected

    down, up = nobody(), await Server("answer").start()
    refused = endpoint(down, up.url)
    out["refused"] = [await run(refused, f"r{n}") for n in range(3)]
    out["refused_calls"] = up.calls
    out["refused_skipped"] = refused.down_until[0] > time.monotonic() and not refused.down_until[1]

    for behaviour in ("fail", "crash", "dying"):
        first, second = await Server(behaviour).start(), await Server("answer").start()
        pair = endpoint(first.url, second.url)
        pair._turn = iter([0])  # this call goes to the first server
        out[behaviour] = [await run(pair, "x"), first.calls, second.calls]
        out[behaviour + "_skipped"] = pair.down_until[0] > time.monotonic()

    out["all_down"] = await run(endpoint(nobody(), nobody()), "d")

    # A server that was down is used again once its skip time is over.
    gone = nobody()
    other = await Server("answer").start()
    back = ActionServers(endpoint(gone, other.url), [gone, other.url], down_seconds=0.3)
    await run(back, "b0")
    returned = await Server("answer").start(int(gone.rsplit(":", 1)[1].split("/")[0]))
    await asyncio.gather(*(run(back, f"b{n}") for n in range(1, 3)))
    skipped_while_down = list(returned.calls)
    await asyncio.sleep(0.35)
    await asyncio.gather(*(run(back, f"c{n}") for n in range(4)))
    out["back"] = [skipped_while_down, len(returned.calls), back.down_until[0]]
    return out

print(json.dumps(asyncio.run(main()), ensure_ascii=False))
"""


def test_action_calls_fail_over_only_when_the_server_never_got_them(
    rasa_python: RasaPython,
) -> None:
    """Rasa's real action call (``RemoteAction.run``) over several real HTTP servers: the
    calls are spread, a refused connection or one lost before the server asked for the
    call goes to the next server, and a call a server received is never sent to another
    one, whatever happened to it after."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    result = rasa_python.run(ACTION_SERVERS_SCRIPT, env=env, check=True, timeout=120)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    answered = ["はい", "3"]  # the bot's text and the slot the action set
    # One server (the embedded profile): Rasa's own endpoint, untouched.
    assert out["one_type"] == "EndpointConfig"
    assert out["two_type"] == "ActionServers"
    # Both in service: the calls alternate.
    assert out["spread"] == [answered] * 4
    assert out["spread_calls"] == [["s0", "s2"], ["s1", "s3"]]
    # Each call sends its body only when the server asks for it.
    assert out["expected"] == [True] * 4
    # The first refuses: every call is answered by the other, and the first is skipped.
    assert out["refused"] == [answered] * 3
    assert out["refused_calls"] == ["r0", "r1", "r2"]
    assert out["refused_skipped"]
    # The first server got the call: it ran the action once, and it is not sent again,
    # whether the server answered with an error or died before answering.
    assert out["fail"] == ["failed: RasaException", ["x"], []]
    assert out["crash"] == ["failed: RasaException", ["x"], []]
    assert not out["fail_skipped"]
    assert not out["crash_skipped"]
    # The first server lost the connection before it asked for the call (a server killed
    # a moment ago): it never had the call, so the other runs it, and the first is skipped.
    assert out["dying"] == [answered, [], ["x"]]
    assert out["dying_skipped"]
    # None accepts the connection: the action fails as Rasa's own call does.
    assert out["all_down"] == "failed: RasaException"
    # A restarted server is skipped for its short skip time, then used again.
    skipped_while_down, used_after, down_until = out["back"]
    assert skipped_while_down == []
    assert used_after == 2
    assert down_until == 0.0


class _Rasa:
    """Stands in for a Rasa class whose method a patch relies on."""

    def parse(self, message: str, tracker: object, only_output_properties: bool = True) -> None:
        """As written for: the patch expects these parameters."""

    @classmethod
    def read(cls, endpoint_file: str) -> None:
        """A classmethod: checked, and returned, as its function."""


class _ChangedRasa:
    """The same class in a later Rasa: a parameter renamed, one added, one gone."""

    def parse(self, message: str, *, tracker: object, context: object = None) -> None:
        """Changed."""


def test_the_check_passes_what_is_as_expected_and_returns_it() -> None:
    expected = "(self, message, tracker, only_output_properties)"
    assert expect("patch", _Rasa, "parse", expected) is _Rasa.parse
    assert expect("patch", _Rasa, "read", "(cls, endpoint_file)") is _Rasa.read.__func__


def test_a_changed_signature_stops_with_the_patch_and_the_change_named() -> None:
    expected = "(self, message, tracker, only_output_properties)"
    assert parameters(_ChangedRasa.parse) == "(self, message, *, tracker, context)"
    with pytest.raises(RasaChangedError) as error:
        expect("bot.rasa_launch.parse_cache", _ChangedRasa, "parse", expected)
    message = str(error.value)
    assert message.startswith("bot.rasa_launch.parse_cache relies on Rasa's ")
    assert f"test_rasa_launch._ChangedRasa.parse{expected}" in message
    assert "this Rasa's takes (self, message, *, tracker, context)" in message


def test_a_missing_function_stops_with_the_patch_named() -> None:
    with pytest.raises(RasaChangedError, match=r"^bot.rasa_launch.actions relies on .*_Rasa.gone"):
        expect("bot.rasa_launch.actions", _Rasa, "gone", "(self)")


CHANGED_RASA_SCRIPT = r"""
import sys
from rasa.core.processor import MessageProcessor

def parse(self, message, tracker, context):  # as a later Rasa might have it
    raise AssertionError("never called")

MessageProcessor._parse_message_with_graph = parse
sys.argv = ["python -m bot.rasa_launch", "--version"]  # Rasa would print its version
from bot.rasa_launch import main
main()
"""


def test_a_changed_rasa_does_not_start(rasa_python: RasaPython) -> None:
    """``python -m bot.rasa_launch`` exits before Rasa runs when a patched function is not
    the one the patch was written for (here ``--version``, which Rasa would answer)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    result = rasa_python.run(CHANGED_RASA_SCRIPT, env=env, timeout=120)
    assert result.returncode == 1
    assert "3.6.21" not in result.stdout  # Rasa did not run
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("bot.rasa_launch: Rasa not started: bot.rasa_launch.parse_cache ")
    assert "MessageProcessor._parse_message_with_graph" in last
    assert "(self, message, tracker, only_output_properties)" in last
    assert "this Rasa's takes (self, message, tracker, context)" in last
