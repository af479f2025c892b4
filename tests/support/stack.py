"""Where the tests' own servers listen, and the end-to-end stack's frozen day."""

from __future__ import annotations

import os
from datetime import date

#: NAKANO_BOT_TEST_PORT_OFFSET moves every port the tests listen on, so that two test runs
#: on one machine do not collide.
PORT_OFFSET = int(os.environ.get("NAKANO_BOT_TEST_PORT_OFFSET", "0"))
#: The end-to-end stack's ports, apart from the defaults, so that a bot started with
#: `make run` does not get in the way.
TEST_RASA_PORT = 15005 + PORT_OFFSET
TEST_ACTION_PORT = 15055 + PORT_OFFSET
TEST_APP_PORT = 18000 + PORT_OFFSET
#: The end-to-end stack's "today" in Tokyo: Thursday, 24 December 2026.
FROZEN_TODAY = date(2026, 12, 24)


def worker_number() -> int:
    """This pytest-xdist worker's number (``gw1`` is 1), 0 without xdist: a server that
    tests of the fast tier start in each worker listens on a port of its worker's."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
