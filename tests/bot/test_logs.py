"""Log lines for an operator: JSON objects when asked for, never a secret."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from bot.settings import ROOT

SCRIPT = """
import logging
from bot.logs import configure_logging
configure_logging("json")
logging.getLogger("bot.test").warning("refused a request (%s)", "sender")
"""


def test_json_logs_are_one_object_per_line() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, check=True
    )
    [line] = result.stderr.strip().splitlines()
    event = json.loads(line)
    assert event["level"] == "WARNING"
    assert event["logger"] == "bot.test"
    assert event["message"] == "refused a request (sender)"
    assert "time" in event


def test_plain_logs_by_default() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace('"json"', '"plain"')],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert " WARNING bot.test: refused a request (sender)" in result.stderr
    assert logging.getLogger().handlers  # pytest's own, untouched by the subprocesses
