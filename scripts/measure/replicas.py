"""Throughput of the production profile with 1, 2, … Rasa replicas (issue #8): prints figures.

    .venv/app/bin/python scripts/measure/replicas.py [--replicas 1,2,3] [--residents 20]
        [--duration 20] [--cold-nlu] [--json FILE]

For each replica count, starts the production profile as ``scripts/measure/faults.py``
does (scratch PostgreSQL databases, Redis locks and rate limits, two app workers) and sends
the closed-loop load of ``scripts/measure/load.py``: ``--residents`` residents for
``--duration`` seconds, after a warm-up. Needs PostgreSQL and Redis on loopback
(``make services``).

On a machine with few cores the replicas, the action server, the app workers, PostgreSQL
and the load itself share them; the figures say how far more replicas help on *this*
machine, not on a ward's server with a core per replica.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

# Its siblings in scripts/measure/ (load, faults), then the repository (bot).
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

import load
from faults import production_stack


def measure(replicas: int, args: argparse.Namespace) -> load.RunResult:
    run_dir = Path(tempfile.mkdtemp(prefix=f"nakano-replicas-{replicas}-"))
    with production_stack(args.port_base, run_dir, replicas=replicas) as stack:
        target = load.Target.make("chat", stack.app_url)
        questions = load.load_questions()
        asyncio.run(load.closed_loop(target, 4, per_resident=20, questions=questions, seed=99))
        return asyncio.run(
            load.closed_loop(
                target, args.residents, duration=args.duration, questions=questions,
                label=f"production, {replicas} Rasa replica{'s' if replicas > 1 else ''}",
            )
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", default="1,2,3", help="comma-separated replica counts")
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--port-base", type=int, default=26000)
    parser.add_argument("--cold-nlu", action="store_true", help="no NLU parse cache in Rasa")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    counts = [int(n) for n in args.replicas.split(",") if n.strip()]
    if args.cold_nlu:  # read by the Settings that faults.production_stack makes
        os.environ["NAKANO_BOT_RASA_PARSE_CACHE"] = "0"
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores")
    results = [measure(n, args) for n in counts]
    print(load.format_table(results))
    base = results[0].throughput
    for n, result in zip(counts, results, strict=True):
        print(f"{n} replica(s): {result.throughput:.1f} msg/s, x{result.throughput / base:.2f}")
    if args.json:
        figures = {"cold_nlu": args.cold_nlu, "runs": [r.as_dict() for r in results]}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
