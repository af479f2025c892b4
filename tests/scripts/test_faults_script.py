"""scripts/measure/faults.py without servers: what counts as what, recovery time, the rules,
and its recorder watching scripts/measure/load.py's messages through a mock transport."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.server.conversation import UNAVAILABLE_TEXT
from tests.support.scripts import load_script

faults = load_script("measure/faults")

APOLOGY = f"{UNAVAILABLE_TEXT}\nごみの出し方のご相談は、中野区清掃事務所（電話 03-3387-5353）へ"


@pytest.mark.parametrize(
    ("error", "status", "body", "kind"),
    [
        (None, 200, '{"messages": [{"text": "「スプレー缶」は…"}]}', "ok"),
        ("HTTP 503", 503, APOLOGY, "apology"),
        ("HTTP 503", 503, "Service Unavailable", "5xx"),
        ("HTTP 500", 500, "Internal Server Error", "leak"),
        (None, 200, "Traceback (most recent call last):", "leak"),
        ("HTTP 502", 502, "Bad Gateway", "5xx"),
        ("timeout", None, "", "no answer"),
        ("HTTP 429", 429, "{}", "HTTP 429"),
    ],
)
def test_classify(error: str | None, status: int | None, body: str, kind: str) -> None:
    assert faults.classify(error, status, body) == kind


def _sample(sent: float, done: float, kind: str) -> object:
    return faults.Sample(sender="s", sent=sent, done=done, kind=kind)


def test_recovery_is_the_first_normal_answer_after_the_last_failure() -> None:
    samples = [
        _sample(0, 1, "ok"),
        _sample(10, 11, "apology"),
        _sample(11, 12, "ok"),  # a normal answer between failures does not count
        _sample(12, 15, "apology"),
        _sample(15, 16.5, "ok"),
    ]
    assert faults.recovery(samples, fault_at=10.0) == {
        "first_failure_s": 1.0, "last_failure_s": 5.0, "back_s": 6.5,
    }  # fmt: skip
    assert faults.recovery([*samples[:1], _sample(10, 10.4, "ok")], 10.0)["back_s"] == 0.4
    assert faults.recovery(samples[:2], 10.0)["back_s"] is None


def test_rules() -> None:
    result = faults.FaultResult(fault="rasa", residents=1, duration_s=1, apology=5)
    result.answers_after_load_ok = True
    result.data_before = {"conversations": 3, "events": 10, "items": 9, "aliases": 4}
    result.data_after = {"conversations": 5, "events": 20, "items": 9, "aliases": 4}
    assert faults.check_rules(result) == []  # apologies are allowed; growth is allowed
    result.bad_5xx, result.data_after["aliases"] = 1, 3
    broken = faults.check_rules(result)
    assert len(broken) == 2
    assert "aliases" in broken[1]


def test_recorder_sees_what_load_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if b"boom" in request.content:
            return httpx.Response(503, json={"messages": [{"text": APOLOGY}]})
        return httpx.Response(200, json={"messages": [{"text": "はい"}]})

    monkeypatch.setattr(
        faults.load,
        "_new_client",
        lambda timeout: httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    recorder = faults.Recorder()
    target = faults.load.Target.make("chat", "http://app.invalid")
    with recorder.attached():
        run = asyncio.run(
            faults.load.closed_loop(target, 2, per_resident=2, questions=["はい", "boom"])
        )
    assert faults.load.send_one.__name__ == "send_one"
    assert faults.load.send_one.__module__ != "faults_script"  # put back on the way out
    assert run.sent == 4
    assert sorted(s.kind for s in recorder.samples) == ["apology"] * 2 + ["ok"] * 2
    assert all(s.phone for s in recorder.samples if s.kind == "apology")


def test_the_summary_gives_the_apologies_share() -> None:
    """The action-server fault is judged by its share of apologies (issue #17: under 1 %)."""
    result = faults.FaultResult(fault="actions", residents=10, duration_s=25, sent=2400)
    result.answered, result.apology = 2388, 12
    assert faults.apology_share(result) == 0.5
    assert "= 0.5 %" in faults.describe(result)
    header, _, row = faults.summary_table([result]).splitlines()[:3]
    assert header.split()[:5] == ["fault", "sent", "ok", "503", "503"]
    assert row.split()[:5] == ["actions", "2400", "2388", "12", "0.5"]
    assert faults.apology_share(faults.FaultResult(fault="rasa", residents=1, duration_s=1)) == 0
