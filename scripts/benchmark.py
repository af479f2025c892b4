"""Benchmark of the whole bot: prints figures, asserts nothing.

    .venv/app/bin/python scripts/benchmark.py [--train] [--requests 200]

Starts its own stack (Rasa, action server, app under uvicorn) on spare loopback ports with
a fresh SQLite catalog, then measures:

- training time (only with ``--train``, which retrains the model from scratch);
- NLU parse time inside the Rasa process's Python (the model loaded by Rasa's own Agent);
- ``POST /api/chat`` latency end to end, one resident at a time and 20 at once
  (closed loop: each sends again as soon as it is answered);
- each process's resident memory after the load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bot.services import (
    app_service,
    backend_services,
    ensure_model,
    rasa_env,
    running,
    scratch_settings,
)
from bot.settings import ROOT

QUESTIONS = [
    "スプレー缶は何ごみ？",
    "ぺっとぼとるってどうやって捨てるの？",
    "大掃除で出てきた古いアイロン台を捨てたいのですが",
    "野方3丁目の燃えるごみは何曜日？",
    "こんにちは",
    "ざるの捨て方",
    "ﾏｯﾄﾚｽ",
    "粗大ごみの申し込み方法",
    "電球はどうやって捨てるの",
    "今日の天気は？",
]

CONVERSATION_LENGTH = 5

NLU_TIMING = r"""
import asyncio, json, sys, time
from rasa.core.agent import load_agent
questions, rounds = json.loads(sys.argv[2]), int(sys.argv[3])
async def main():
    agent = await load_agent(model_path=sys.argv[1])
    for q in questions:  # warm up
        await agent.parse_message(q)
    times = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            await agent.parse_message(q)
            times.append((time.perf_counter() - t) * 1000)
    print(json.dumps(times))
asyncio.run(main())
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(label: str, latencies: list[float], seconds: float | None = None) -> str:
    line = (
        f"{label:<38} p50 {percentile(latencies, 50):7.1f} ms   "
        f"p95 {percentile(latencies, 95):7.1f} ms   n={len(latencies)}"
    )
    if seconds:
        line += f"   {len(latencies) / seconds:6.1f} msg/s"
    return line


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    pids += [int(c) for c in children]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


async def chat_load(url: str, residents: int, per_resident: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0

    async def resident(n: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in range(per_resident):
            text = QUESTIONS[(n + i) % len(QUESTIONS)]
            # A resident's conversation is a few messages long; then someone new comes.
            sender = f"bench-{n}-{i // CONVERSATION_LENGTH}"
            started = time.perf_counter()
            response = await client.post(url, json={"sender_id": sender, "text": text})
            latencies.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200

    async with httpx.AsyncClient(timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(resident(n, client) for n in range(residents)))
        return latencies, time.perf_counter() - started, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="also time a training from scratch")
    parser.add_argument("--requests", type=int, default=200, help="messages per load run")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nakano-bench-"))
    # Each simulated resident sends again as soon as answered, far faster than a person;
    # the per-resident limit would stop them, and it is not what is measured here.
    settings = scratch_settings(
        work, rasa_port=25005, action_port=25055, port=28000, rate_limit_per_sender="1000/second"
    )
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_version()} (app), {time.strftime('%Y-%m-%d')}"
    )

    started = time.monotonic()
    model = ensure_model(settings, force=args.train)
    if args.train:
        print(f"training from scratch: {time.monotonic() - started:.0f} s")

    rasa_python = settings.rasa_venv / "bin" / "python"
    nlu = subprocess.run(
        [str(rasa_python), "-c", NLU_TIMING, str(model), json.dumps(QUESTIONS), "20"],
        capture_output=True, text=True, env=rasa_env(), cwd=ROOT, check=True,
    )  # fmt: skip
    print(summary("NLU parse (Rasa Agent, in process)", json.loads(nlu.stdout.splitlines()[-1])))

    services = [*backend_services(settings, model, work), app_service(settings, work)]
    with running(services):
        url = f"http://{settings.host}:{settings.port}/api/chat"
        asyncio.run(chat_load(url, 2, 10))  # warm up every path once
        latencies, seconds, errors = asyncio.run(chat_load(url, 1, args.requests))
        print(summary("/api/chat, 1 resident", latencies, seconds) + f"   errors={errors}")
        latencies, seconds, errors = asyncio.run(chat_load(url, 20, max(1, args.requests // 20)))
        print(
            summary("/api/chat, 20 residents (closed loop)", latencies, seconds)
            + f"   errors={errors}"
        )
        for service in services:
            print(f"memory {service.name:<16} {rss_mb(service.process.pid):7.0f} MB")


if __name__ == "__main__":
    main()
