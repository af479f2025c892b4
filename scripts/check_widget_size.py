"""The widget's size budget: everything it loads, gzipped, at most 30 KB.

    .venv/app/bin/python scripts/check_widget_size.py

The widget loads one file (its styles are inside it, and it fetches nothing until opened),
so the budget is that file. Prints the figures; exits 1 over budget.
"""

from __future__ import annotations

import gzip
import sys

from bot.server.widget import WIDGET_DIR

BUDGET_BYTES = 30 * 1024
WIDGET_FILES = ("nakano-chat.js",)


def gzipped_size() -> int:
    return sum(len(gzip.compress((WIDGET_DIR / name).read_bytes(), 9)) for name in WIDGET_FILES)


def main() -> int:
    raw = sum((WIDGET_DIR / name).stat().st_size for name in WIDGET_FILES)
    packed = gzipped_size()
    print(f"widget: {raw} bytes, {packed} bytes gzipped (budget {BUDGET_BYTES})")
    return 0 if packed <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
