"""Benchmark of the whole bot: prints figures, asserts nothing.

    .venv/app/bin/python scripts/measure/benchmark.py [--train] [--requests 200]
        [--parts nlu,chat,compare,memory] [--duration 20] [--rounds 1] [--json FILE]

Starts its own stack (Rasa, action server, app under uvicorn) on spare loopback ports with
a fresh SQLite catalog, then measures (``--parts`` chooses; all by default):

- training time (only with ``--train``, which retrains the model from scratch);
- ``nlu``: NLU parse time inside the Rasa process's Python (the model loaded by Rasa's own
  Agent);
- ``chat``: ``POST /api/chat`` latency end to end, one resident at a time and 20 at once
  (closed loop: each sends again as soon as it is answered), ``--requests`` messages each;
- ``compare``: issue #8's side-by-side, in the same run: our ``/api/chat`` and a bare Rasa
  (``scripts/measure/bare_rasa``: the same Sudachi + DIET pipeline and NLU data, rules-only
  texts, no actions, in-memory tracker) under the same load from ``scripts/measure/load.py``
  — 1 resident and 20 residents (closed loop) and an open loop of 10 messages/s,
  ``--duration`` seconds each (``--rounds`` repeats them, alternating which goes first) —
  with the ratios and the issue's goals;
- ``memory``: each process's resident memory after the load.

Rasa keeps the NLU reading of texts it has read (``bot.rasa_launch.parse_cache``); the load's
questions repeat, as residents' do, so most are read from memory after the first pass.
``--cold-nlu`` turns that off, so that every message costs a full NLU parse, as on bare Rasa.
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

import load
from bare_rasa import SERVICE_NAME as BARE_RASA
from bare_rasa import bare_rasa_service, ensure_bare_model

from bot.services import (
    Service,
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

#: The same kinds of question in the other languages (issue #14: one resident p50 <= 50 ms
#: in every language).
FOREIGN_QUESTIONS = {
    "en": [
        "How do I throw away a spray can?",
        "what garbage is a PET bottle",
        "I want to get rid of an old ironing board",
        "When is burnable garbage collected in Nogata 3-chome?",
        "Hello",
        "how to dispose of batteries",
        "What time should I put out the trash?",
    ],
    "zh": [
        "喷雾罐怎么扔？",
        "塑料瓶是什么垃圾",
        "野方3丁目的可燃垃圾是星期几？",
        "你好",
        "旧手机怎么处理？",
        "垃圾几点前要扔？",
    ],
    "ko": [
        "스프레이 캔은 어떻게 버려요?",
        "페트병은 무슨 쓰레기예요?",
        "노가타 3초메 타는 쓰레기는 무슨 요일이에요?",
        "안녕하세요",
        "우산 버리는 법",
        "쓰레기는 몇 시까지 내놓아야 해요?",
    ],
}

CONVERSATION_LENGTH = 5
PARTS = ("nlu", "chat", "compare", "memory")

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


def summary(label: str, latencies: list[float], seconds: float | None = None) -> str:
    line = (
        f"{label:<38} p50 {load.percentile(latencies, 50):7.1f} ms   "
        f"p95 {load.percentile(latencies, 95):7.1f} ms   n={len(latencies)}"
    )
    if seconds:
        line += f"   {len(latencies) / seconds:6.1f} msg/s"
    return line


def _with_children(pid: int) -> list[int]:
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    return [pid, *(int(child) for child in children)]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for p in _with_children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def stack_mb(pids: list[int]) -> float:
    """The memory a set of processes holds together, in MB: each one's own pages, and the
    pages of each file they map (libraries, the Sudachi dictionary) once.

    Adding up resident sizes counts a file two processes map twice, though the operating
    system keeps it once; that would hide what sharing a file saves. Proportional sizes
    would split a file with whatever else maps it, bare Rasa too when it runs beside us.
    """
    own_kb = 0
    files_kb: dict[tuple[str, str], int] = {}
    for pid in (p for parent in pids for p in _with_children(parent)):
        try:
            smaps = Path(f"/proc/{pid}/smaps").read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            continue
        mapping: tuple[str, str] | None = None
        rss = 0
        for line in smaps:
            fields = line.split()
            if not line[0].isupper():  # a mapping: address perms offset device inode path
                named = len(fields) > 5 and fields[5].startswith("/")
                mapping = (fields[5], fields[2]) if named else None
            elif fields[0] == "Rss:":
                rss = int(fields[1])
            elif fields[0] == "Anonymous:":
                anonymous = int(fields[1])
                own_kb += rss if mapping is None else anonymous
                if mapping is not None:
                    files_kb[mapping] = max(files_kb.get(mapping, 0), rss - anonymous)
    return (own_kb + sum(files_kb.values())) / 1024


def chat_load(
    target: load.Target, residents: int, per_resident: int, questions: list[str] = QUESTIONS
) -> load.RunResult:
    """The original measurement: the ten questions above in turn, a fixed count each."""
    return asyncio.run(
        load.closed_loop(
            target, residents, per_resident=per_resident, questions=questions,
            conversation_length=CONVERSATION_LENGTH, shuffle=False, timeout=60,
        )
    )  # fmt: skip


def compare(
    ours: load.Target, bare: load.Target, duration: float, rounds: int, rate: float
) -> list[tuple[load.RunResult, load.RunResult]]:
    """The same loads against both targets, one at a time; pairs (ours, bare)."""
    questions = load.load_questions()
    for target in (ours, bare):  # warm up every path once
        asyncio.run(load.closed_loop(target, 2, per_resident=10, questions=questions, seed=99))

    def scenario(name: str, target: load.Target, seed: int) -> load.RunResult:
        label = f"{'/api/chat' if target is ours else 'bare Rasa'}, {name}"
        common = {"questions": questions, "seed": seed, "label": label}
        if name == "1 resident":
            return asyncio.run(load.closed_loop(target, 1, duration=duration, **common))
        if name == "20 residents (closed)":
            return asyncio.run(load.closed_loop(target, 20, duration=duration, **common))
        return asyncio.run(load.open_loop(target, rate, duration, **common))

    pairs = []
    for name in ("1 resident", "20 residents (closed)", f"open loop {rate:g}/s"):
        pooled: dict[str, load.RunResult] = {}
        for n in range(rounds):
            order = (ours, bare) if n % 2 == 0 else (bare, ours)
            for target in order:
                result = scenario(name, target, seed=n + 1)
                if target.kind in pooled:
                    pooled[target.kind].merge(result)
                else:
                    pooled[target.kind] = result
        pairs.append((pooled["chat"], pooled["rasa"]))
    return pairs


def goals(pairs: list[tuple[load.RunResult, load.RunResult]]) -> list[str]:
    """Issue #8's goals for the embedded default, each met or not in this run."""
    (one, _), (twenty, twenty_bare), (open_, _) = pairs

    def mark(ok: bool) -> str:
        return "met    " if ok else "NOT met"

    return [
        f"{mark(one.p(50) <= 50 and one.p(95) <= 100)} 1 resident p50 <= 50 ms and p95 <= 100 ms "
        f"(p50 {one.p(50):.0f}, p95 {one.p(95):.0f})",
        f"{mark(twenty.error_count == 0 and twenty.throughput >= twenty_bare.throughput)} "
        f"20 residents: 0 errors and throughput >= bare Rasa "
        f"({twenty.error_count} errors, {twenty.throughput:.1f} vs {twenty_bare.throughput:.1f}/s)",
        f"{mark(open_.error_count == 0 and open_.p(95) <= 150)} open loop "
        f"{open_.rate:g}/s p95 <= 150 ms (p95 {open_.p(95):.0f}, {open_.error_count} errors)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="also time a training from scratch")
    parser.add_argument("--requests", type=int, default=200, help="messages per chat-part run")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}"
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per compare run")
    parser.add_argument("--rounds", type=int, default=1, help="compare runs per target, pooled")
    parser.add_argument("--rate", type=float, default=10, help="compare: open-loop messages/s")
    parser.add_argument("--port-base", type=int, default=31100, help="ports base+5, +45, +55, +80")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--cold-nlu", action="store_true", help="Rasa reads every text anew (no parse cache)"
    )
    args = parser.parse_args()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if unknown := parts - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    work = Path(tempfile.mkdtemp(prefix="nakano-bench-"))
    # Each simulated resident sends again as soon as answered, far faster than a person;
    # the per-resident limit would stop them, and it is not what is measured here.
    base = args.port_base
    settings = scratch_settings(
        work, rasa_port=base + 5, action_port=base + 55, port=base + 80,
        rate_limit_per_sender="1000/second",
        **({"rasa_parse_cache": 0} if args.cold_nlu else {}),
    )  # fmt: skip
    figures: dict[str, object] = {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        "nlu_parse_cache": settings.rasa_parse_cache,
    }
    print(f"machine: {figures['machine']}, {platform.python_version()} (app), {figures['date']}")
    print(f"Rasa's NLU parse cache: {settings.rasa_parse_cache or 'off'} texts")

    started = time.monotonic()
    model = ensure_model(settings, force=args.train)
    if args.train:
        figures["training_s"] = round(time.monotonic() - started)
        print(f"training from scratch: {figures['training_s']} s")

    if "nlu" in parts:
        rasa_python = settings.rasa_venv / "bin" / "python"
        nlu = subprocess.run(
            [str(rasa_python), "-c", NLU_TIMING, str(model), json.dumps(QUESTIONS), "20"],
            capture_output=True, text=True, env=rasa_env(), cwd=ROOT, check=True,
        )  # fmt: skip
        times = json.loads(nlu.stdout.splitlines()[-1])
        figures["nlu_ms"] = {"p50": load.percentile(times, 50), "p95": load.percentile(times, 95)}
        print(summary("NLU parse (Rasa Agent, in process)", times))

    if not parts & {"chat", "compare", "memory"}:
        return _write(args.json, figures)

    services: list[Service] = [
        *backend_services(settings, model, work),
        app_service(settings, work),
    ]
    bare_port = base + 45
    if parts & {"compare", "memory"}:
        bare_model = ensure_bare_model(settings)
        services.append(bare_rasa_service(bare_model, work, port=bare_port))
    with running(services):
        ours = load.Target.make("chat", f"http://{settings.host}:{settings.port}")
        if "chat" in parts:
            chat_load(ours, 2, 10)  # warm up every path once
            for residents, label in ((1, "/api/chat, 1 resident"),
                                     (20, "/api/chat, 20 residents (closed loop)")):  # fmt: skip
                result = chat_load(ours, residents, max(1, args.requests // residents))
                figures[f"chat_{residents}"] = result.as_dict()
                print(
                    summary(label, result.latencies_ms, result.elapsed_s)
                    + f"   errors={result.sent - result.ok}"
                )
            for language, questions in FOREIGN_QUESTIONS.items():
                chat_load(ours, 1, len(questions), questions)  # warm up
                result = chat_load(ours, 1, max(1, args.requests // 4), questions)
                figures[f"chat_1_{language}"] = result.as_dict()
                label = f"/api/chat, 1 resident, {language}"
                print(
                    summary(label, result.latencies_ms, result.elapsed_s)
                    + f"   errors={result.sent - result.ok}"
                )
        if "compare" in parts:
            bare = load.Target.make("rasa", f"http://127.0.0.1:{bare_port}")
            print(
                f"\nside by side, same run: {args.duration:g} s a run, {args.rounds} round(s), "
                f"questions from tests/eval/devset.yml and small talk"
            )
            pairs = compare(ours, bare, args.duration, args.rounds, args.rate)
            print(load.format_table([r for pair in pairs for r in pair]))
            for ours_result, bare_result in pairs:
                name = ours_result.label.split(", ", 1)[1]
                print(f"ratio {name:<22} {load.format_ratio(ours_result, bare_result)}")
            print("goals (issue #8):")
            for line in goals(pairs):
                print(f"  {line}")
            figures["compare"] = [
                {"ours": a.as_dict(), "bare": b.as_dict(), "ratio": load.ratios(a, b)}
                for a, b in pairs
            ]
        if "memory" in parts:
            # Every process has read a question at least once: the catalog and the model
            # are loaded.
            chat_load(ours, 1, 10)
            chat_load(load.Target.make("rasa", f"http://127.0.0.1:{bare_port}"), 1, 10)
            figures["memory_mb"] = memory_figures(services)
    _write(args.json, figures)


def memory_figures(services: list[Service]) -> dict[str, int]:
    """Each process's resident memory, and each stack's (ours, bare Rasa's) with the files
    its processes share counted once (:func:`stack_mb`)."""
    memory: dict[str, int] = {}
    stacks: dict[str, list[int]] = {"our stack": [], "bare Rasa": []}
    for service in services:
        assert service.process is not None
        memory[service.name] = round(rss_mb(service.process.pid))
        print(f"memory {service.name:<24} {memory[service.name]:7.0f} MB resident")
        stack = "bare Rasa" if service.name == BARE_RASA else "our stack"
        stacks[stack].append(service.process.pid)
    for stack, pids in stacks.items():
        if pids:
            memory[stack] = round(stack_mb(pids))
            print(f"memory {stack:<24} {memory[stack]:7.0f} MB, shared files once")
    if stacks["bare Rasa"]:
        ratio = memory["our stack"] / memory["bare Rasa"]
        print(f"memory ratio, ours / bare Rasa: x{ratio:.2f} (goal, issue #18: <= x1.3)")
    return memory


def _write(path: Path | None, figures: dict[str, object]) -> None:
    if path is not None:
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {path}")


if __name__ == "__main__":
    main()
