"""Load generator for the chat API, and for a bare Rasa REST channel with the same load.

    .venv/app/bin/python scripts/measure/load.py --mode closed --residents 20 --duration 20
    .venv/app/bin/python scripts/measure/load.py --mode open --rate 10 --duration 20 \\
        [--arrivals fixed]
    .venv/app/bin/python scripts/measure/load.py --chat http://127.0.0.1:8000 \\
        --rasa http://127.0.0.1:31005 --mode closed --residents 20 --json

Two modes:

- closed loop: N residents, each sends its next question as soon as the previous one is
  answered, each in conversations of its own (a new ``sender_id`` every
  ``--conversation-length`` messages; residents never share one);
- open loop: messages arrive at a fixed rate R per second (Poisson arrivals, or one every
  1/R s with ``--arrivals fixed``) for D seconds, whether or not earlier ones were answered.

``--chat URL`` sends ``POST /api/chat {"sender_id", "text"}``; ``--rasa URL`` sends Rasa's
``POST /webhooks/rest/webhook {"sender", "message"}``. Given both, the same load (same
questions in the same order, same arrival times) runs against each in turn and the ratio is
printed. Questions come from ``tests/eval/devset.yml`` (items, collection days) plus
greetings and other small talk, shuffled with ``--seed``; ``--questions FILE`` takes another
set (a devset-style YAML or one question a line).

Printed: messages sent, answered, errors by kind (``HTTP 503``, ``timeout``, ``connect``,
``empty answer``...), throughput (answered messages per second of wall time, from the first
send to the last answer) and latency percentiles of the answered messages. ``--json`` prints
the same as JSON. Depends on httpx only (and PyYAML for YAML question files).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]  # scripts/measure/load.py -> the repository
DEVSET = ROOT / "tests" / "eval" / "devset.yml"

#: What residents say besides items and collection days.
SMALL_TALK = [
    "こんにちは",
    "こんばんは",
    "はじめまして",
    "ありがとうございます",
    "助かりました",
    "さようなら",
    "使い方を教えて",
    "何ができるの？",
    "あなたはロボットですか",
    "粗大ごみの申し込み方法",
    "大きい家具を捨てたい",
    "今日の天気は？",
    "ﾏｯﾄﾚｽ",
    "スプレー缶は何ごみ？",
    "野方3丁目の燃えるごみは何曜日？",
]

CHAT_PATH = "/api/chat"
RASA_PATH = "/webhooks/rest/webhook"


# --------------------------------------------------------------------------- questions


def load_questions(path: Path | None = None) -> list[str]:
    """The questions to send: a devset-style YAML (``groups: [{cases: [{q: ...}]}]``) or a
    text file with one question a line; by default the development set plus small talk."""
    if path is None:
        questions = list(SMALL_TALK)
        if DEVSET.exists():
            questions += load_questions(DEVSET)
        return questions
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yml", ".yaml"}:
        import yaml

        raw = yaml.safe_load(text)
        groups = raw.get("groups", []) if isinstance(raw, dict) else []
        return [str(case["q"]) for group in groups for case in group.get("cases", [])]
    return [line.strip() for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks (as
    numpy's default and ``statistics.quantiles(method="inclusive")``); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class RunResult:
    """One load run against one target."""

    label: str
    target: str  # "chat" or "rasa"
    mode: str  # "closed" or "open"
    residents: int | None = None
    rate: float | None = None
    duration: float | None = None
    sent: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # answered messages only
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    max_send_lag_ms: float = 0.0  # open loop: how late the generator sent a message

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def merge(self, other: RunResult) -> RunResult:
        """Pool a repeat of the same run (latencies together, times added)."""
        self.sent += other.sent
        self.latencies_ms += other.latencies_ms
        self.errors.update(other.errors)
        self.elapsed_s += other.elapsed_s
        self.max_send_lag_ms = max(self.max_send_lag_ms, other.max_send_lag_ms)
        return self

    def as_dict(self) -> dict[str, object]:
        def ms(value: float) -> float | None:
            return None if math.isnan(value) else round(value, 1)

        return {
            "label": self.label,
            "target": self.target,
            "mode": self.mode,
            "residents": self.residents,
            "rate": self.rate,
            "duration_s": self.duration,
            "sent": self.sent,
            "ok": self.ok,
            "errors": dict(self.errors),
            "error_count": self.error_count,
            "elapsed_s": round(self.elapsed_s, 3),
            "throughput_per_s": round(self.throughput, 2),
            "latency_ms": {
                "p50": ms(self.p(50)),
                "p95": ms(self.p(95)),
                "p99": ms(self.p(99)),
                "max": ms(max(self.latencies_ms, default=math.nan)),
            },
            "max_send_lag_ms": round(self.max_send_lag_ms, 1),
        }


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class Target:
    """Where to send and in which shape: ``chat`` (our API) or ``rasa`` (REST channel)."""

    kind: str
    url: str

    @classmethod
    def make(cls, kind: str, url: str) -> Target:
        if kind not in {"chat", "rasa"}:
            raise ValueError(f"unknown target kind {kind!r}")
        if urlsplit(url).path in {"", "/"}:
            url = url.rstrip("/") + (CHAT_PATH if kind == "chat" else RASA_PATH)
        return cls(kind, url)

    def body(self, sender: str, text: str) -> dict[str, str]:
        if self.kind == "chat":
            return {"sender_id": sender, "text": text}
        return {"sender": sender, "message": text}

    def answered(self, response: httpx.Response) -> bool:
        """A 200 whose body holds at least one message for the resident."""
        try:
            data = response.json()
        except ValueError:
            return False
        messages = data.get("messages") if self.kind == "chat" and isinstance(data, dict) else data
        return isinstance(messages, list) and len(messages) > 0


def _new_client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=1000, max_keepalive_connections=200),
    )


async def send_one(
    client: httpx.AsyncClient, target: Target, sender: str, text: str, timeout: float
) -> tuple[float, str | None]:
    """Send one message; its latency in ms and the error kind (None when answered)."""
    started = time.perf_counter()
    try:
        response = await asyncio.wait_for(
            client.post(target.url, json=target.body(sender, text)), timeout
        )
    except (asyncio.TimeoutError, httpx.TimeoutException):
        return (time.perf_counter() - started) * 1000, "timeout"
    except httpx.ConnectError:
        return (time.perf_counter() - started) * 1000, "connect"
    except httpx.HTTPError as error:
        return (time.perf_counter() - started) * 1000, type(error).__name__
    latency = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return latency, f"HTTP {response.status_code}"
    if not target.answered(response):
        return latency, "empty answer"
    return latency, None


def _record(result: RunResult, latency: float, error: str | None) -> None:
    if error is None:
        result.latencies_ms.append(latency)
    else:
        result.errors[error] += 1


def _run_prefix() -> str:
    return f"load-{secrets.token_hex(3)}"


async def closed_loop(
    target: Target,
    residents: int,
    *,
    duration: float | None = None,
    per_resident: int | None = None,
    questions: Sequence[str] | None = None,
    conversation_length: int = 5,
    timeout: float = 30.0,
    seed: int = 1,
    shuffle: bool = True,
    label: str | None = None,
) -> RunResult:
    """N residents, each sending again as soon as answered, until ``duration`` seconds
    have passed (no new message starts after that) or each sent ``per_resident``."""
    if duration is None and per_resident is None:
        raise ValueError("give a duration or a number of messages per resident")
    questions = list(questions or load_questions())
    result = RunResult(
        label=label
        or f"{target.kind}, {residents} resident{'s' if residents != 1 else ''} (closed loop)",
        target=target.kind,
        mode="closed",
        residents=residents,
        duration=duration,
    )
    prefix = _run_prefix()

    async def resident(n: int, client: httpx.AsyncClient, deadline: float) -> None:
        order = list(questions)
        if shuffle:
            random.Random(seed * 100_003 + n).shuffle(order)
            offset = 0
        else:
            offset = n  # resident n starts at question n, as scripts/measure/benchmark.py did
        i = 0
        while (per_resident is None or i < per_resident) and time.perf_counter() < deadline:
            text = order[(offset + i) % len(order)]
            sender = f"{prefix}-{n}-{i // conversation_length}"
            result.sent += 1
            _record(result, *await send_one(client, target, sender, text, timeout))
            i += 1

    async with _new_client(timeout) as client:
        started = time.perf_counter()
        deadline = started + duration if duration is not None else math.inf
        await asyncio.gather(*(resident(n, client, deadline) for n in range(residents)))
        result.elapsed_s = time.perf_counter() - started
    return result


def arrival_times(rate: float, duration: float, arrivals: str, seed: int) -> list[float]:
    """Send times (seconds from the start) of an open-loop run."""
    if rate <= 0 or duration <= 0:
        return []
    if arrivals == "fixed":
        return [i / rate for i in range(math.ceil(rate * duration)) if i / rate < duration]
    if arrivals != "poisson":
        raise ValueError(f"unknown arrivals {arrivals!r}")
    rng = random.Random(seed)
    times, t = [], rng.expovariate(rate)
    while t < duration:
        times.append(t)
        t += rng.expovariate(rate)
    return times


async def open_loop(
    target: Target,
    rate: float,
    duration: float,
    *,
    arrivals: str = "poisson",
    questions: Sequence[str] | None = None,
    conversation_length: int = 5,
    timeout: float = 30.0,
    seed: int = 1,
    label: str | None = None,
) -> RunResult:
    """Messages at ``rate`` per second for ``duration`` seconds, whatever the answers; the
    k-th message belongs to conversation k // conversation_length. Waits for every answer
    (or its timeout) before returning."""
    order = list(questions or load_questions())
    random.Random(seed).shuffle(order)
    result = RunResult(
        label=label or f"{target.kind}, open loop {rate:g}/s",
        target=target.kind,
        mode="open",
        rate=rate,
        duration=duration,
    )
    prefix = _run_prefix()
    times = arrival_times(rate, duration, arrivals, seed)

    async def one(k: int, client: httpx.AsyncClient) -> None:
        sender = f"{prefix}-o{k // conversation_length}"
        _record(result, *await send_one(client, target, sender, order[k % len(order)], timeout))

    async with _new_client(timeout) as client:
        tasks = []
        started = time.perf_counter()
        for k, at in enumerate(times):
            delay = started + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            result.max_send_lag_ms = max(
                result.max_send_lag_ms, (time.perf_counter() - started - at) * 1000
            )
            result.sent += 1
            tasks.append(asyncio.create_task(one(k, client)))
        await asyncio.gather(*tasks)
        result.elapsed_s = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- reporting


def format_table(results: Sequence[RunResult]) -> str:
    """The results as a small fixed-width table, with errors by kind under it."""
    width = max([len(r.label) for r in results] + [3])
    lines = [
        f"{'run':<{width}}  {'sent':>5} {'ok':>5} {'errors':>6} {'msg/s':>7}"
        f" {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    ]
    for r in results:
        lines.append(
            f"{r.label:<{width}}  {r.sent:>5} {r.ok:>5} {r.error_count:>6} {r.throughput:>7.1f}"
            f" {r.p(50):>8.1f} {r.p(95):>8.1f} {r.p(99):>8.1f}"
        )
    for r in results:
        if r.errors:
            kinds = ", ".join(f"{kind} x{n}" for kind, n in r.errors.most_common())
            lines.append(f"  errors in {r.label}: {kinds}")
        if r.mode == "open" and r.max_send_lag_ms > 50:
            lines.append(f"  {r.label}: the generator sent up to {r.max_send_lag_ms:.0f} ms late")
    return "\n".join(lines)


def ratios(ours: RunResult, bare: RunResult) -> dict[str, float | None]:
    """Ours divided by bare: throughput (above 1 is better), latencies (below 1 is better)."""

    def div(a: float, b: float) -> float | None:
        return None if not b or math.isnan(a) or math.isnan(b) else round(a / b, 2)

    return {
        "throughput": div(ours.throughput, bare.throughput),
        "p50": div(ours.p(50), bare.p(50)),
        "p95": div(ours.p(95), bare.p(95)),
        "p99": div(ours.p(99), bare.p(99)),
    }


def format_ratio(ours: RunResult, bare: RunResult) -> str:
    r = ratios(ours, bare)

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    return (
        f"{ours.target} / {bare.target}: throughput x{show(r['throughput'])}, "
        f"p50 x{show(r['p50'])}, p95 x{show(r['p95'])}, p99 x{show(r['p99'])}"
    )


# --------------------------------------------------------------------------- command line


async def run_load(target: Target, args: argparse.Namespace, questions: list[str]) -> RunResult:
    common = {
        "questions": questions,
        "conversation_length": args.conversation_length,
        "timeout": args.timeout,
        "seed": args.seed,
    }
    if args.mode == "closed":
        return await closed_loop(
            target, args.residents, duration=args.duration, per_resident=args.requests, **common
        )
    return await open_loop(target, args.rate, args.duration, arrivals=args.arrivals, **common)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chat", metavar="URL", help="our app (default http://127.0.0.1:8000)")
    parser.add_argument("--rasa", metavar="URL", help="a Rasa REST channel, e.g. the bare Rasa")
    parser.add_argument("--mode", choices=["closed", "open"], default="closed")
    parser.add_argument("--residents", type=int, default=20, help="closed loop: residents")
    parser.add_argument(
        "--requests",
        type=int,
        help="closed loop: at most N per resident (--duration 0: no time limit)",
    )
    parser.add_argument("--rate", type=float, default=10.0, help="open loop: messages/s")
    parser.add_argument("--arrivals", choices=["poisson", "fixed"], default="poisson")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--conversation-length", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per message")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured messages first")
    parser.add_argument("--questions", type=Path, help="devset-style YAML or one a line")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.mode == "closed" and args.requests is not None and args.duration <= 0:
        args.duration = None

    targets = []
    if args.chat or not args.rasa:
        targets.append(Target.make("chat", args.chat or "http://127.0.0.1:8000"))
    if args.rasa:
        targets.append(Target.make("rasa", args.rasa))
    questions = load_questions(args.questions)

    results = []
    for target in targets:
        if args.warmup:
            asyncio.run(
                closed_loop(target, 1, per_resident=args.warmup, questions=questions, seed=99)
            )
        results.append(asyncio.run(run_load(target, args, questions)))

    if args.json:
        out: dict[str, object] = {"runs": [r.as_dict() for r in results]}
        if len(results) == 2:
            out["ratio_chat_over_rasa"] = ratios(results[0], results[1])
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(format_table(results))
        if len(results) == 2:
            print(format_ratio(results[0], results[1]))
    return 1 if any(r.ok == 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
