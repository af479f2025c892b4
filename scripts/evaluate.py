"""``make eval``: ask the running bot the held-out development set; print accuracy.

    .venv/app/bin/python scripts/evaluate.py [--devset tests/eval/devset.yml] [--misses 40]

The set (``tests/eval/devset.yml``) was written from the catalog with a resident's eyes
and is never used for training. Each question goes through ``POST /api/chat`` of a fresh
stack (real model, action server, SQLite catalog), in a conversation of its own, and is
judged on what a resident would see:

- ``category``: the first answer says 「…」は「<category>」です。
- ``categories``: one answer per item, in order, each with its category;
- ``ask``: a question back with buttons, and no category stated;
- ``unknown``: an honest "not in the list", no category stated;
- ``weekdays``: the collection rule, e.g. 「第2・第4土曜日」, in the answer.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from bot.services import app_service, backend_services, ensure_model, running, scratch_settings
from bot.settings import ROOT

STATED_CATEGORY = re.compile(r"」は「([^」]+)」です")


@dataclass
class Case:
    group: str
    question: str
    expect: dict


def load_cases(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(group["name"], case["q"], case["expect"])
        for group in raw["groups"]
        for case in group["cases"]
    ]


def judge(expect: dict, messages: list[dict]) -> bool:
    texts = [m["text"] for m in messages]
    stated = [match.group(1) for text in texts for match in STATED_CATEGORY.finditer(text)]
    if "category" in expect:
        return bool(stated) and stated[0] == expect["category"]
    if "categories" in expect:
        return stated == list(expect["categories"])
    if expect.get("ask"):
        return not stated and any(len(m.get("buttons") or []) >= 2 for m in messages)
    if expect.get("unknown"):
        return not stated and any("見つかりませんでした" in text for text in texts)
    if "weekdays" in expect:
        return any(f"：{expect['weekdays']}" in text for text in texts)
    raise ValueError(f"unknown expectation: {expect}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT / "tests" / "eval" / "devset.yml")
    parser.add_argument("--misses", type=int, default=60, help="how many misses to list")
    args = parser.parse_args()

    cases = load_cases(args.devset)
    work = Path(tempfile.mkdtemp(prefix="nakano-eval-"))
    settings = scratch_settings(work, rasa_port=26005, action_port=26055, port=29000)
    services = [
        *backend_services(settings, ensure_model(settings), work),
        app_service(settings, work),
    ]
    results: dict[str, list[bool]] = defaultdict(list)
    misses: list[tuple[Case, list[str]]] = []
    with running(services), httpx.Client(timeout=30) as client:
        url = f"http://{settings.host}:{settings.port}/api/chat"
        for case in cases:
            sender = f"eval-{uuid.uuid4().hex[:12]}"
            response = client.post(url, json={"sender_id": sender, "text": case.question})
            messages = response.json().get("messages", []) if response.status_code == 200 else []
            ok = judge(case.expect, messages)
            results[case.group].append(ok)
            if not ok:
                misses.append((case, [m["text"].split("\n")[0] for m in messages]))

    total = sum(len(r) for r in results.values())
    right = sum(sum(r) for r in results.values())
    print(f"\n{'group':<20} {'right':>6} {'of':>5} {'accuracy':>9}")
    for group, outcomes in results.items():
        share = sum(outcomes) / len(outcomes)
        print(f"{group:<20} {sum(outcomes):>6} {len(outcomes):>5} {share:>9.1%}")
    print(f"{'all':<20} {right:>6} {total:>5} {right / total:>9.1%}\n")
    for case, said in misses[: args.misses]:
        print(f"MISS [{case.group}] {case.question!r} expected {case.expect} got {said}")


if __name__ == "__main__":
    main()
