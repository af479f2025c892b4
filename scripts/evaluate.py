"""``make eval``: ask the running bot the evaluation sets; print accuracy per group.

    .venv/app/bin/python scripts/evaluate.py [SET.yml ...] [--misses 40] [--outputs out.json]

With no set named, every set under ``tests/eval/`` is asked. The sets were written from the
ward's data with a resident's eyes and are never used for training. Each case goes through
``POST /api/chat`` of a fresh stack (real model, action server, SQLite catalog), in a
conversation of its own, and the reply to its last message is judged on what a resident
would see (the format is described in ``tests/eval/README.md``):

- ``category``: the first category the answer states is this one;
- ``categories``: one answer per item, in order, each with its category;
- ``ask``: a question back with buttons, and no category stated;
- ``unknown``: an honest "not in the list", no category stated;
- ``weekdays``: the collection rule, e.g. 「第2・第4土曜日」, in the answer;
- ``says`` / ``not_says``: words (or sets of alternatives) that must / must not appear.

``--outputs`` writes every reply in full, so two runs (before and after a change that
should not change behaviour) can be compared with ``scripts/compare_outputs.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import tempfile
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from bot.catalog.schedule import WEEKDAY_NAMES
from bot.catalog.translations import Translations
from bot.i18n import CHINESE, FOREIGN
from bot.i18n.detect import to_traditional
from bot.i18n.voice import Voice
from bot.services import app_service, backend_services, ensure_model, running, scratch_settings
from bot.settings import ROOT

STATED_CATEGORY = re.compile(r"」は「([^」]+)」です")
EVAL_DIR = ROOT / "tests" / "eval"


def _category_names() -> list[str]:
    """Every 種別 of the ward's item table, longest first."""
    with (ROOT / "data" / "nakano" / "items.csv").open(encoding="utf-8-sig") as file:
        names = {row["種別"].strip() for row in csv.DictReader(file)}
    return sorted(names, key=len, reverse=True)


def _not_found_phrases() -> list[str]:
    """How the bot says "not in the list", in every language: the fixed part of its
    sentences."""
    replies = yaml.safe_load((ROOT / "data" / "i18n" / "replies.yml").read_text(encoding="utf-8"))
    phrases = []
    for key in ("not_found", "not_found_named"):
        for sentence in replies["replies"][key].values():
            parts = [p.strip(" 「」“”‘’.。、，,") for p in sentence.split("{name}")]
            phrases.append(max(parts, key=len))
    return phrases


CATEGORY_NAMES = _category_names()
NOT_FOUND_PHRASES = _not_found_phrases()


def stated_categories(texts: list[str]) -> list[str]:
    """The categories a reply states, in order: in a Japanese answer those said as an
    item's (「…」は「燃やすごみ」です); in another language, where the Japanese name stands
    beside the translation in brackets, the first category name so bracketed in each
    answer (a whole bracket: the パソコン of 「(パソコン用プリンター)」 is an item's name)."""
    stated = [match.group(1) for text in texts for match in STATED_CATEGORY.finditer(text)]
    if stated:
        return stated
    found = []
    for text in texts:
        first = min(
            (
                (match.start(), name)
                for name in CATEGORY_NAMES
                if (match := re.search(f"[（(]{re.escape(name)}[）)]", text))
            ),
            default=None,
        )
        if first is not None:
            found.append(first[1])
    return found


@dataclass
class Case:
    set_name: str
    group: str
    turns: list[str | dict[str, str]]
    expect: dict

    @property
    def label(self) -> str:
        return " → ".join(t if isinstance(t, str) else f"[{t['tap']}]" for t in self.turns)


def load_cases(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(path.stem, group["name"], list(case.get("turns") or [case["q"]]), case["expect"])
        for group in raw["groups"]
        for case in group["cases"]
    ]


def _plain(text: str) -> str:
    """NFKC without white space: how ``says`` words are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _holds(word: str | list[str], reply: str) -> bool:
    alternatives = word if isinstance(word, list) else [word]
    return any(_plain(alternative) in reply for alternative in alternatives)


def said_rules(rule: str) -> list[str]:
    """A weekday rule as the ward writes it (「第1・第3土曜日」) and as the bot says it in
    each other language ("the 1st and 3rd Saturday of the month"; Chinese in either script):
    an answer in English states the rule in English, beside the category's Japanese name."""
    days = [WEEKDAY_NAMES.index(day) for day in re.findall(r"[月火水木金土日]曜日", rule)]
    weeks = [int(n) for n in re.findall(r"第(\d)", rule)]
    translated = [
        Voice(language, Translations(())).weekday_rule(days, weeks) for language in FOREIGN
    ]
    in_chinese = Voice(CHINESE, Translations(())).weekday_rule(days, weeks)
    return [rule, *translated, to_traditional(in_chinese)]


def judge(expect: dict, messages: list[dict]) -> bool:
    """Whether every expectation of ``expect`` holds for the reply ``messages``."""
    texts = [m["text"] for m in messages]
    reply = _plain("\n".join(texts))
    stated = stated_categories(texts)
    checks = {
        "category": lambda v: bool(stated) and stated[0] == v,
        "categories": lambda v: stated == list(v),
        "ask": lambda v: not stated and any(len(m.get("buttons") or []) >= 2 for m in messages),
        "unknown": lambda v: (
            not stated and any(phrase in t for phrase in NOT_FOUND_PHRASES for t in texts)
        ),
        "weekdays": lambda v: any(
            re.search(rf"[：:]\s?{re.escape(rule)}(?=$|\n|\s*[。.、，,（(])", text, re.MULTILINE)
            for rule in said_rules(v)
            for text in texts
        ),
        "says": lambda v: all(_holds(word, reply) for word in v),
        "not_says": lambda v: not any(_holds(word, reply) for word in v),
    }
    unknown = set(expect) - set(checks)
    if unknown:
        raise ValueError(f"unknown expectation: {sorted(unknown)}")
    return all(checks[key](value) for key, value in expect.items())


def _tapped(turn: dict[str, str], previous: list[dict]) -> str:
    """The payload of the button of the previous reply whose title contains ``tap``."""
    for message in previous:
        for button in message.get("buttons") or []:
            if turn["tap"] in button["title"]:
                return button["payload"]
    return turn["tap"]  # no such button: typed instead, which the judge will show


def converse(client: httpx.Client, url: str, case: Case) -> list[dict]:
    """Send the case's turns in one new conversation; the reply to the last one."""
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    messages: list[dict] = []
    for turn in case.turns:
        text = turn if isinstance(turn, str) else _tapped(turn, messages)
        response = client.post(url, json={"sender_id": sender, "text": text})
        messages = response.json().get("messages", []) if response.status_code == 200 else []
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="evaluation sets (default: all)")
    parser.add_argument("--misses", type=int, default=60, help="how many misses to list")
    parser.add_argument("--outputs", type=Path, help="write every reply in full to this file")
    args = parser.parse_args()

    paths = args.sets or sorted(EVAL_DIR.glob("*.yml"))
    cases = [case for path in paths for case in load_cases(path)]
    work = Path(tempfile.mkdtemp(prefix="nakano-eval-"))
    settings = scratch_settings(work, rasa_port=26005, action_port=26055, port=29000)
    services = [
        *backend_services(settings, ensure_model(settings), work),
        app_service(settings, work),
    ]
    results: dict[tuple[str, str], list[bool]] = defaultdict(list)
    misses: list[tuple[Case, list[str]]] = []
    outputs: list[dict] = []
    with running(services), httpx.Client(timeout=30) as client:
        url = f"http://{settings.host}:{settings.port}/api/chat"
        for case in cases:
            messages = converse(client, url, case)
            ok = judge(case.expect, messages)
            results[(case.set_name, case.group)].append(ok)
            outputs.append({"set": case.set_name, "case": case.label, "messages": messages})
            if not ok:
                misses.append((case, [m["text"].split("\n")[0] for m in messages]))

    if args.outputs:
        args.outputs.write_text(json.dumps(outputs, ensure_ascii=False, indent=1), "utf-8")
    print(f"\n{'set':<16} {'group':<20} {'right':>6} {'of':>5} {'accuracy':>9}")
    for (set_name, group), outcomes in results.items():
        share = sum(outcomes) / len(outcomes)
        print(f"{set_name:<16} {group:<20} {sum(outcomes):>6} {len(outcomes):>5} {share:>9.1%}")
    for set_name in dict.fromkeys(s for s, _ in results):
        outcomes = [o for (s, _), r in results.items() if s == set_name for o in r]
        print(f"{set_name:<16} {'(all)':<20} {sum(outcomes):>6} {len(outcomes):>5} "
              f"{sum(outcomes) / len(outcomes):>9.1%}")  # fmt: skip
    print()
    for case, said in misses[: args.misses]:
        print(
            f"MISS [{case.set_name}/{case.group}] {case.label!r} expected {case.expect} got {said}"
        )


if __name__ == "__main__":
    main()
