"""Scripts run by the Rasa environment's Python (3.10, with Rasa 3.6 and TensorFlow), each in
a process of its own, as ``python -c SCRIPT ARGS`` runs them.

Importing Rasa takes most of the time such a process takes (TensorFlow alone, seconds). So
one server process per test session imports Rasa's own modules once, and forks a child for
each script: the child starts with those modules imported and nothing else changed (no
project module is imported before the script runs, no Rasa class is patched), sets its
arguments, environment, working folder and standard streams, runs the script, and exits
with the script's exit status. What a script can observe differs from a fresh interpreter
only in that Rasa's modules are already in ``sys.modules``; a script that must see Rasa
read its environment at import (``rasa.core.lock_store`` reads ``TICKET_LOCK_LIFETIME``)
runs in a fresh interpreter instead (``subprocess.run`` of the Rasa environment's Python).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from bot.services import rasa_env
from bot.settings import ROOT, get_settings

#: Rasa's modules the tests' scripts use, imported once by the server; Rasa's
#: ``rasa.core.lock_store`` is among them, so a script that changes ``TICKET_LOCK_LIFETIME``
#: must not run here.
PRELOADED = (
    "rasa.__main__",
    "rasa.core.agent",
    "rasa.core.actions.action",
    "rasa.core.lock_store",
    "rasa.core.run",
    "rasa.core.tracker_store",
    "rasa.nlu.tokenizers.tokenizer",
)

#: The server: imports :data:`PRELOADED`, then for each request (a JSON line on its stdin)
#: forks a child that runs the request's script; it answers the child's pid, then its
#: wait status, each as a JSON line on its stdout.
SERVER = r"""
import builtins, gc, importlib, json, os, sys

for module in json.loads(sys.argv[1]):
    importlib.import_module(module)
# What is imported stays for every child: the collector need not look at it again, in the
# children's run or at their exit (where it took seconds).
gc.freeze()
requests, answers = sys.stdin, sys.stdout
answers.write(json.dumps({"ready": True}) + "\n")
answers.flush()


def run(request):
    # In the child: its own process group, files for its standard streams, the request's
    # environment, folder and arguments; then the script, and the interpreter's own exit
    # (threads joined, exit handlers run, the status from SystemExit or an exception).
    os.setpgid(0, 0)
    for fd, name, mode in ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY),
                           (2, "stderr", os.O_WRONLY)):
        opened = os.open(request[name], mode)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["-c", *request["args"]]
    code = compile(request["script"], "<string>", "exec")
    exec(code, {"__name__": "__main__", "__builtins__": builtins})
    sys.exit(0)


for line in requests:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        run(request)
    answers.write(json.dumps({"pid": pid}) + "\n")
    answers.flush()
    _, status = os.waitpid(pid, 0)
    answers.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
    answers.flush()
"""


#: Runs ``rasa ARGS`` as the ``rasa`` command does: ``run(RASA_COMMAND, "data", "validate")``.
RASA_COMMAND = """
import sys
from rasa.__main__ import main
sys.argv[0] = "rasa"
sys.exit(main())
"""


class RasaPython:
    """The Rasa environment's Python, started once, running each script in a fresh child."""

    def __init__(self, work: Path) -> None:
        python = get_settings().rasa_venv / "bin" / "python"
        if not python.exists():
            raise FileNotFoundError(f"the Rasa environment is missing ({python}); run `make test`")
        self.work = work
        self.base_env = rasa_env()
        self._log = (work / "server.stderr").open("w", encoding="utf-8")
        self.server = subprocess.Popen(
            [str(python), "-c", SERVER, json.dumps(PRELOADED)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            env=self.base_env, cwd=ROOT,
        )  # fmt: skip
        self._pending = b""
        self._runs = 0
        self._child: int | None = None
        self._answer(timeout=300)  # {"ready": true} once Rasa is imported

    def run(
        self,
        script: str,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
        timeout: float | None = 300,
        check: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """``python -c script *args`` in the Rasa environment, as :func:`subprocess.run`
        with ``capture_output=True, text=True`` runs it; ``env`` defaults to
        :func:`bot.services.rasa_env` (the environment the server was started with)."""
        self._runs += 1
        files = {name: self.work / f"{self._runs}.{name}" for name in ("stdin", "stdout", "stderr")}
        files["stdin"].write_text(input or "", encoding="utf-8")
        files["stdout"].touch()
        files["stderr"].touch()
        request = {
            "script": script,
            "args": list(args),
            "env": dict(self.base_env if env is None else env),
            "cwd": str(cwd),
            **{name: str(path) for name, path in files.items()},
        }
        assert self.server.stdin is not None
        self.server.stdin.write(json.dumps(request).encode() + b"\n")
        self.server.stdin.flush()
        self._child = self._answer(timeout=30)["pid"]
        try:
            status = self._answer(timeout=timeout)["status"]
        except subprocess.TimeoutExpired:
            self._kill_child()
            self._answer(timeout=30)
            raise
        self._child = None
        result = subprocess.CompletedProcess(
            ["python", "-c", script, *args],
            status,
            files["stdout"].read_text(encoding="utf-8"),
            files["stderr"].read_text(encoding="utf-8"),
        )
        if check:
            result.check_returncode()
        return result

    def close(self) -> None:
        """Ends the server (at the end of its input), and a child still running (a test
        interrupted)."""
        self._kill_child()
        assert self.server.stdin is not None
        self.server.stdin.close()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self._log.close()

    def _kill_child(self) -> None:
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._child, signal.SIGKILL)
            self._child = None

    def _answer(self, timeout: float | None) -> dict:
        """The server's next answer line, waiting at most ``timeout`` seconds for it."""
        assert self.server.stdout is not None
        fd = self.server.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(["rasa python"], timeout or 0)
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    log = (self.work / "server.stderr").read_text(encoding="utf-8")
                    raise RuntimeError(
                        f"the Rasa environment's Python ended (exit {self.server.wait()}):\n"
                        + log[-3000:]
                    )
                self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return json.loads(line)
