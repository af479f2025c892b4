"""Log output an operator can read: plain lines on a terminal, JSON lines (one object per
event, for a log collector) with ``NAKANO_BOT_LOG_FORMAT=json``.

Nothing logged carries a secret or a resident's message text; the JSON form only changes
the shape, not what is said.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

PLAIN = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(log_format: str = "plain", level: int = logging.INFO) -> None:
    """Send this process's logs to stderr in ``log_format`` (``plain`` or ``json``).

    Replaces handlers set earlier, so calling it twice (the CLI, then the app it starts)
    leaves one handler."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(PLAIN, datefmt="%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
