"""Compare two ``scripts/evaluate.py --outputs`` files: which cases got another reply.

    .venv/app/bin/python scripts/compare_outputs.py before.json after.json

Exit status 1 when any case's reply differs (text or button titles), so a change meant to keep
behaviour can be checked in one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _replies(path: Path) -> dict[tuple[str, str], list[dict]]:
    """Each case's reply as a resident sees it: texts and button titles (a payload may be
    signed differently in another run)."""
    return {
        (o["set"], o["case"]): [
            {"text": m["text"], "buttons": [b["title"] for b in m.get("buttons") or []]}
            for m in o["messages"]
        ]
        for o in json.loads(path.read_text("utf-8"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before, after = _replies(args.before), _replies(args.after)
    changed = [key for key in before if key in after and before[key] != after[key]]
    for set_name, case in changed:
        print(f"[{set_name}] {case}")
        print("  before:", " / ".join(m["text"].split("\n")[0] for m in before[(set_name, case)]))
        print("  after: ", " / ".join(m["text"].split("\n")[0] for m in after[(set_name, case)]))
    print(f"{len(changed)} of {len(before)} replies changed")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
