"""``nakano-bot run`` as a service manager runs it: started, answering, and stopped by
SIGTERM (systemd, ``docker stop``) together with the Rasa server and the action server it
started, none of them left running."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.settings import Settings
from tests.support.catalog import make_catalog
from tests.support.stack import TEST_ACTION_PORT, TEST_APP_PORT, TEST_RASA_PORT

#: Apart from the ports of the session's end-to-end stack, which runs beside this one.
PORT_SHIFT = 7


def _children(pid: int) -> list[int]:
    listed = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(child) for child in listed]


def _wait_until_ready(process: subprocess.Popen[str], deadline: float) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if "The bot is ready" in line:
            return
        assert time.monotonic() < deadline, "nakano-bot run did not start in time"
    raise AssertionError(f"nakano-bot run ended first (exit {process.wait()})")


def _ask(url: str, text: str) -> httpx.Response:
    """The bot's answer; it says it is ready just before uvicorn listens."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.post(url, json={"sender_id": "run-command", "text": text}, timeout=60)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_sigterm_stops_the_bot_and_the_servers_it_started(
    e2e_settings: Settings, trained_model: Path, tmp_path: Path
) -> None:
    port = TEST_APP_PORT + PORT_SHIFT
    env = os.environ | {
        "NAKANO_BOT_DATABASE_URL": make_catalog(tmp_path / "catalog.sqlite3"),
        "NAKANO_BOT_TRACKER_STORE_PATH": str(tmp_path / "tracker.sqlite3"),
        "NAKANO_BOT_RASA_PORT": str(TEST_RASA_PORT + PORT_SHIFT),
        "NAKANO_BOT_ACTION_PORT": str(TEST_ACTION_PORT + PORT_SHIFT),
        "NAKANO_BOT_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    servers: list[int] = []
    try:
        _wait_until_ready(process, time.monotonic() + 600)
        servers = _children(process.pid)
        reply = _ask(f"http://127.0.0.1:{port}/api/chat", "スプレー缶は何ごみ？")
        assert reply.status_code == 200
        assert "陶器・ガラス・金属ごみ" in reply.text
        assert len(servers) >= 2, "Rasa and the action server run as its children"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        left = [pid for pid in servers if Path(f"/proc/{pid}").exists()]
        assert not left, f"still running after SIGTERM: {left}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in servers:  # left running by a failure: not on the next test's ports
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
