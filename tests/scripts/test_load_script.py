"""scripts/measure/load.py against a fake chat server on loopback that answers after a known
time."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.scripts import load_script

load = load_script("measure/load")

DELAY = 0.05  # what the fake server takes for an ordinary message


@dataclass
class Fake:
    """What the fake server saw."""

    bodies: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    async def handle(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.bodies.append(body)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            text = body.get("text") or body.get("message") or ""
            if text == "slow":
                await asyncio.sleep(5)  # longer than the client's timeout
            await asyncio.sleep(DELAY)
            if text == "boom":
                return JSONResponse({"messages": [{"text": "sorry"}]}, status_code=503)
            if text == "silent":
                return JSONResponse({"messages": []})
            if request.url.path == "/webhooks/rest/webhook":
                return JSONResponse([{"recipient_id": body["sender"], "text": "ok"}])
            return JSONResponse({"messages": [{"text": "ok", "buttons": []}]})
        finally:
            self.in_flight -= 1


def _free_socket() -> socket.socket:
    for port in range(31400, 31500):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        return sock
    raise RuntimeError("no free port in 31400-31499")


@pytest.fixture
def fake() -> Iterator[tuple[Fake, str]]:
    state = Fake()
    app = Starlette(
        routes=[
            Route("/api/chat", state.handle, methods=["POST"]),
            Route("/webhooks/rest/webhook", state.handle, methods=["POST"]),
        ]
    )
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the fake server did not start"
        time.sleep(0.02)
    yield state, f"http://127.0.0.1:{sock.getsockname()[1]}"
    # Without waiting for a request still being answered (the "slow" one sleeps 5 s).
    server.should_exit = server.force_exit = True
    thread.join(10)
    sock.close()


def test_percentiles_interpolate_between_ranks() -> None:
    values = list(range(100, 0, -1))  # 1..100, unsorted
    assert load.percentile(values, 50) == pytest.approx(50.5)
    assert load.percentile(values, 95) == pytest.approx(95.05)
    assert load.percentile(values, 99) == pytest.approx(99.01)
    assert load.percentile(values, 0) == 1
    assert load.percentile(values, 100) == 100
    assert load.percentile([7.0], 95) == 7.0
    assert load.percentile([], 50) != load.percentile([], 50)  # NaN


def test_arrival_times() -> None:
    fixed = load.arrival_times(20, 1.0, "fixed", seed=1)
    assert len(fixed) == 20
    assert fixed[:3] == pytest.approx([0, 0.05, 0.10])
    poisson = load.arrival_times(100, 10.0, "poisson", seed=3)
    assert 900 <= len(poisson) <= 1100
    assert all(0 < t < 10 for t in poisson)
    assert poisson == sorted(poisson)


def test_open_loop_sends_at_the_rate_whatever_the_answers(fake: tuple[Fake, str]) -> None:
    state, base = fake
    target = load.Target.make("chat", base)
    result = asyncio.run(load.open_loop(target, 20, 1.0, arrivals="fixed", questions=["q"]))
    assert result.sent == 20
    assert len(state.bodies) == 20
    assert result.ok == 20
    assert not result.errors
    # Sent over one second, each answered after DELAY: about 20 answered per second.
    assert 0.95 + DELAY <= result.elapsed_s < 2.5  # generous: the machine may be busy
    assert 8 < result.throughput <= 20
    assert DELAY * 1000 <= result.p(50) < DELAY * 1000 + 400
    # Five messages a conversation: four senders, each its own.
    assert len({b["sender_id"] for b in state.bodies}) == 4


def test_open_loop_poisson(fake: tuple[Fake, str]) -> None:
    state, base = fake
    target = load.Target.make("chat", base)
    expected = len(load.arrival_times(20, 1.0, "poisson", seed=5))
    result = asyncio.run(load.open_loop(target, 20, 1.0, seed=5, questions=["q"]))
    assert result.sent == len(state.bodies) == expected
    assert 8 <= expected <= 35


def test_closed_loop_waits_for_each_answer(fake: tuple[Fake, str]) -> None:
    state, base = fake
    target = load.Target.make("chat", base)
    result = asyncio.run(
        load.closed_loop(target, 3, per_resident=6, questions=["a", "b", "c"], seed=2)
    )
    assert result.sent == result.ok == len(state.bodies) == 18
    # Never more than one message per resident in flight, and all three at once.
    assert state.max_in_flight == 3
    # Each resident sends six, one after the other: about 6 * DELAY in all.
    assert 6 * DELAY <= result.elapsed_s < 6 * DELAY + 1.0
    senders = Counter(b["sender_id"] for b in state.bodies)
    assert sorted(senders.values()) == [1, 1, 1, 5, 5, 5]  # conversations of five


def test_closed_loop_stops_at_the_duration(fake: tuple[Fake, str]) -> None:
    _, base = fake
    target = load.Target.make("chat", base)
    result = asyncio.run(load.closed_loop(target, 2, duration=0.5, questions=["q"]))
    # 2 residents * 0.5 s / DELAY = about 20 messages; none starts after the deadline.
    assert 2 <= result.sent <= 22
    assert result.elapsed_s < 0.5 + DELAY + 1.0


def test_errors_are_counted_by_kind(fake: tuple[Fake, str]) -> None:
    _, base = fake
    target = load.Target.make("chat", base)
    questions = ["ok", "boom", "slow", "silent"]
    result = asyncio.run(
        load.closed_loop(target, 1, per_resident=8, questions=questions, shuffle=False, timeout=0.5)
    )
    assert result.sent == 8
    assert result.ok == 2
    assert result.errors == {"HTTP 503": 2, "timeout": 2, "empty answer": 2}
    assert result.error_count == 6
    closed = load.Target.make("chat", "http://127.0.0.1:1")  # nothing listens on port 1
    refused = asyncio.run(load.closed_loop(closed, 1, per_resident=2, questions=["q"]))
    assert refused.errors == {"connect": 2}
    assert "HTTP 503 x2" in load.format_table([result])


def test_rasa_target_and_json_output(
    fake: tuple[Fake, str], capsys: pytest.CaptureFixture[str]
) -> None:
    state, base = fake
    exit_code = load.main(
        ["--chat", base, "--rasa", base, "--mode", "open", "--rate", "10", "--duration", "0.5",
         "--arrivals", "fixed", "--warmup", "0", "--json"]
    )  # fmt: skip
    assert exit_code == 0
    out = json.loads(capsys.readouterr().out)
    assert [run["target"] for run in out["runs"]] == ["chat", "rasa"]
    assert [run["sent"] for run in out["runs"]] == [5, 5]
    assert all(run["error_count"] == 0 for run in out["runs"])
    assert set(out["ratio_chat_over_rasa"]) == {"throughput", "p50", "p95", "p99"}
    # The same questions in the same order, in each API's shape.
    chat = [b["text"] for b in state.bodies if "sender_id" in b]
    rasa = [b["message"] for b in state.bodies if "sender" in b]
    assert chat == rasa
    assert len(chat) == 5
