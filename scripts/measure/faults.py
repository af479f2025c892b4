"""Fault runs under load (issue #8): the production profile, a crash in the middle, figures.

    .venv/app/bin/python scripts/measure/faults.py [--quick] [--fault rasa --fault actions]
        [--postgres] [--residents 10] [--duration 40] [--json FILE]

Starts the production profile on scratch PostgreSQL databases (``nakano_faults_*``,
dropped at the end) and Redis database 3: two Rasa replicas, two action servers and the
app under uvicorn with two workers (``NAKANO_BOT_SESSION_SECRET`` set), on ports from
``--port-base`` (27000, below Linux's ephemeral ports: Rasa +5/+6, actions +55/+56, app
+80).
Then, for each fault, runs the closed-loop load of ``scripts/measure/load.py``
(``--residents`` residents for ``--duration`` seconds) and in the middle of it injects the
fault:

- ``rasa``: SIGKILL one Rasa replica, start it again ``--restart-after`` seconds later;
- ``actions``: SIGKILL one of the two action servers, start it again ``--restart-after``
  seconds later;
- ``postgres``: restart the machine's PostgreSQL (``pg_ctlcluster VERSION main restart``).
  It is shared with everything else on the machine: only with ``--postgres``.

Nothing but this script restarts a killed process: it plays the supervisor's role (systemd
``Restart=always`` in service). Whether the *app* picks the process up again by itself is
what is measured.

Printed for each fault: messages sent and answered; the friendly apology (HTTP 503 with the
ward's phone number) counted apart from everything else; any other 5xx and any response
whose text holds "Traceback" or "Error" (must be 0); messages that got no answer at all
(timeouts, refused connections: must be 0); when service came back (the first normal answer
after the last failed one, in seconds from the fault); and the data checks: Rasa's
conversations in PostgreSQL (distinct ``sender_id`` in ``events``: may only grow), every
answered message's user event still in the tracker store, and the catalog's items and
aliases (unchanged). A summary table at the end; exit status 1 when a rule is broken.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

# Its siblings in scripts/measure/ (load, faults), then the repository (bot).
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

import load

from bot.catalog.importer import CatalogFiles, import_into
from bot.server.conversation import UNAVAILABLE_TEXT
from bot.services import (
    Service,
    app_service,
    backend_services,
    ensure_database,
    ensure_model,
    running,
)
from bot.settings import ROOT, Settings

FAULTS = ("rasa", "actions", "postgres")
POSTGRES = "postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/3"
DB_PREFIX = "nakano_faults_"
#: The ward's phone number in the apology (the ``contact`` text, e.g. 03-3387-5353).
PHONE = re.compile(r"\d{2,4}-\d{2,4}-\d{4}")
#: What a resident must never see.
LEAKS = ("Traceback", "Error")

# --------------------------------------------------------------------------- recording


@dataclass
class Sample:
    """One message of the load: when it was sent and answered (seconds from the start of
    the fault run), and what the resident got."""

    sender: str
    sent: float
    done: float
    kind: str  # see classify()
    status: int | None = None
    phone: bool = False


def classify(error: str | None, status: int | None, body: str) -> str:
    """What a resident got: ``ok`` (a normal answer), ``apology`` (the friendly 503),
    ``leak`` (a text with "Traceback"/"Error"), ``5xx`` (any other server error),
    ``no answer`` (timeout, refused connection…), or ``HTTP nnn`` / ``empty answer``."""
    if status is None:
        return "no answer"
    if any(word in body for word in LEAKS):
        return "leak"
    if status == 200 and error is None:
        return "ok"
    if status == 503 and UNAVAILABLE_TEXT in body:
        return "apology"
    if status >= 500:
        return "5xx"
    return error or f"HTTP {status}"


class Recorder:
    """Watches every message that ``load.closed_loop`` sends, without changing it: its
    ``send_one`` is wrapped (times, error kind) and its HTTP client gets a response hook
    (status and body)."""

    def __init__(self) -> None:
        self.origin = time.monotonic()
        self.samples: list[Sample] = []
        self._current: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
            "faults_current", default=None
        )

    def now(self) -> float:
        return time.monotonic() - self.origin

    async def _on_response(self, response: httpx.Response) -> None:
        record = self._current.get()
        if record is not None:
            await response.aread()
            record["status"] = response.status_code
            record["body"] = response.text

    @contextlib.contextmanager
    def attached(self) -> Iterator[None]:
        original_send, original_client = load.send_one, load._new_client

        def new_client(timeout: float) -> httpx.AsyncClient:
            client = original_client(timeout)
            client.event_hooks["response"].append(self._on_response)
            return client

        async def send_one(
            client: httpx.AsyncClient, target: load.Target, sender: str, text: str, timeout: float
        ) -> tuple[float, str | None]:
            record: dict[str, object] = {}
            token = self._current.set(record)  # copied into wait_for's task: same dict
            sent = self.now()
            try:
                latency, error = await original_send(client, target, sender, text, timeout)
            finally:
                self._current.reset(token)
            status = record.get("status")
            body = str(record.get("body", ""))
            self.samples.append(
                Sample(
                    sender=sender,
                    sent=sent,
                    done=self.now(),
                    kind=classify(error, status if isinstance(status, int) else None, body),
                    status=status if isinstance(status, int) else None,
                    phone=bool(PHONE.search(body)),
                )
            )
            return latency, error

        load.send_one, load._new_client = send_one, new_client
        try:
            yield
        finally:
            load.send_one, load._new_client = original_send, original_client


def recovery(samples: list[Sample], fault_at: float) -> dict[str, float | None]:
    """Seconds from the fault to: the first failed message, the last failed one, and the
    service being back (the first normal answer after the last failure; with no failure,
    the first normal answer after the fault). None when it did not happen."""
    after = [s for s in samples if s.done >= fault_at]
    failed = [s for s in after if s.kind != "ok"]
    last_failure = max((s.done for s in failed), default=fault_at)
    back = min((s.done for s in after if s.kind == "ok" and s.done >= last_failure), default=None)

    def rel(t: float | None) -> float | None:
        return None if t is None else round(t - fault_at, 2)

    return {
        "first_failure_s": rel(min((s.done for s in failed), default=None)),
        "last_failure_s": rel(max((s.done for s in failed), default=None)),
        "back_s": rel(back),
    }


# --------------------------------------------------------------------------- the stack


@dataclass
class Stack:
    settings: Settings
    services: dict[str, Service]
    catalog_url: str
    tracker_url: str
    app_url: str


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _drop_database(name: str) -> None:
    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True, connect_timeout=10
    ) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def production_stack(port_base: int, run_dir: Path, replicas: int = 2) -> Iterator[Stack]:
    tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    catalog_db, tracker_db = f"{DB_PREFIX}{tag}_catalog", f"{DB_PREFIX}{tag}_tracker"
    catalog_url = f"postgresql+psycopg://{POSTGRES}/{catalog_db}"
    tracker_url = f"postgresql://{POSTGRES}/{tracker_db}"
    try:
        ensure_database(catalog_url)
        import_into(catalog_url, CatalogFiles.shipped(ROOT / "data"))
        settings = Settings(
            profile="production",
            database_url=catalog_url,
            tracker_store_url=tracker_url,
            lock_store_url=REDIS,
            rate_limit_storage=REDIS,
            rasa_replicas=replicas,
            rasa_port=port_base + 5,
            action_replicas=2,
            action_port=port_base + 55,
            port=port_base + 80,
            workers=2,
            # Each simulated resident sends again at once, far faster than a person.
            rate_limit_per_sender="10000/minute",
        )
        model = ensure_model(settings)
        services = backend_services(settings, model, run_dir)
        app = app_service(settings, run_dir)
        app.env["NAKANO_BOT_SESSION_SECRET"] = secrets.token_urlsafe(48)
        print(f"starting the production profile (logs in {run_dir}) ...", flush=True)
        with running([*services, app], timeout=300):
            yield Stack(
                settings=settings,
                services={s.name: s for s in [*services, app]},
                catalog_url=catalog_url,
                tracker_url=tracker_url,
                app_url=f"http://{settings.host}:{settings.port}",
            )
    finally:
        for name in (catalog_db, tracker_db):
            try:
                _drop_database(name)
            except psycopg.Error as exc:
                print(f"could not drop {name}: {exc}", file=sys.stderr)


def data_counts(stack: Stack) -> dict[str, int]:
    with psycopg.connect(_conninfo(stack.tracker_url), connect_timeout=10) as tracker:
        conversations, events = tracker.execute(
            "SELECT count(DISTINCT sender_id), count(*) FROM events"
        ).fetchone() or (0, 0)
    with psycopg.connect(_conninfo(stack.catalog_url), connect_timeout=10) as catalog:
        (items,) = catalog.execute("SELECT count(*) FROM items").fetchone() or (0,)
        (aliases,) = catalog.execute("SELECT count(*) FROM aliases").fetchone() or (0,)
    return {"conversations": conversations, "events": events, "items": items, "aliases": aliases}


def answered_but_missing(stack: Stack, samples: list[Sample]) -> int:
    """Answered messages whose user event is not in the tracker store (per conversation:
    normal answers minus recorded user messages, when positive)."""
    answered = Counter(f"web:{s.sender}" for s in samples if s.kind == "ok")
    if not answered:
        return 0
    with psycopg.connect(_conninfo(stack.tracker_url), connect_timeout=10) as tracker:
        recorded = dict(
            tracker.execute(
                "SELECT sender_id, count(*) FROM events WHERE type_name = 'user' "
                "AND sender_id = ANY(%s) GROUP BY sender_id",
                (list(answered),),
            ).fetchall()
        )
    return sum(max(0, n - recorded.get(sender, 0)) for sender, n in answered.items())


def health(stack: Stack) -> tuple[int, dict[str, str]]:
    try:
        response = httpx.get(f"{stack.app_url}/healthz", timeout=10)
        return response.status_code, response.json().get("components", {})
    except (httpx.HTTPError, ValueError):
        return 0, {}


def all_up(stack: Stack) -> bool:
    status, components = health(stack)
    return status == 200 and bool(components) and all(v == "ok" for v in components.values())


def log_tracebacks(stack: Stack) -> Counter[str]:
    """Tracebacks in each service's log (operators see these; residents must not)."""
    counts: Counter[str] = Counter()
    for service in stack.services.values():
        with contextlib.suppress(OSError):
            counts[service.name] = service.log_path.read_text(errors="replace").count("Traceback")
    return counts


def postgres_cluster() -> tuple[str, str]:
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").glob("*") if (p / "main").is_dir()),
        key=lambda v: [int(x) for x in v.split(".") if x.isdigit()],
    )
    if not versions:
        raise SystemExit("no PostgreSQL cluster under /etc/postgresql")
    return versions[-1], "main"


# --------------------------------------------------------------------------- one fault


@dataclass
class FaultResult:
    fault: str
    residents: int
    duration_s: float
    sent: int = 0
    answered: int = 0
    apology: int = 0
    apology_without_phone: int = 0
    bad_5xx: int = 0
    leaks: int = 0
    no_answer: int = 0
    other: dict[str, int] = field(default_factory=dict)
    fault_at_s: float = 0.0
    outage_cmd_s: float | None = None  # postgres: how long the restart command took
    restarted_after_s: float | None = None  # from the fault: supervisor started it again
    process_up_after_s: float | None = None  # from the fault: it answered its health check
    first_failure_s: float | None = None
    last_failure_s: float | None = None
    back_s: float | None = None  # from the fault: first normal answer after the last failure
    all_healthy_after_s: float | None = None  # from the fault: /healthz all ok again
    answers_after_load_ok: bool = False
    p50_ms: float | None = None
    p95_ms: float | None = None
    data_before: dict[str, int] = field(default_factory=dict)
    data_after: dict[str, int] = field(default_factory=dict)
    answered_missing_from_tracker: int = 0
    conversations_with_failures: int = 0
    new_tracebacks_in_logs: dict[str, int] = field(default_factory=dict)
    timeline: list[dict[str, int]] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


def check_rules(result: FaultResult) -> list[str]:
    broken = []
    if result.bad_5xx:
        broken.append(f"{result.bad_5xx} server errors other than the friendly 503")
    if result.leaks:
        broken.append(f'{result.leaks} responses with "Traceback"/"Error" in their text')
    if result.no_answer:
        broken.append(f"{result.no_answer} messages got no answer at all")
    if result.other:
        broken.append(f"unexpected answers: {result.other}")
    if not result.answers_after_load_ok:
        broken.append("service did not come back (no normal answers after the load)")
    before, after = result.data_before, result.data_after
    if after.get("conversations", 0) < before.get("conversations", 0):
        broken.append(f"conversations lost: {before['conversations']} -> {after['conversations']}")
    if after.get("events", 0) < before.get("events", 0):
        broken.append(f"tracker events lost: {before['events']} -> {after['events']}")
    for table in ("items", "aliases"):
        if after.get(table) != before.get(table):
            broken.append(f"catalog {table} changed: {before.get(table)} -> {after.get(table)}")
    if result.answered_missing_from_tracker:
        broken.append(
            f"{result.answered_missing_from_tracker} answered messages missing from the tracker"
        )
    return broken


def _healthy_at(service: Service, recorder: Recorder) -> float:
    """Wait until the restarted ``service`` answers; when it did, on the recorder's clock."""
    service.wait_until_healthy(300)
    return recorder.now()


def timeline(samples: list[Sample], fault_at: float, step: float = 2.0) -> list[dict[str, int]]:
    """Answers by when they arrived, in ``step``-second buckets from the fault (negative:
    before it): normal answers, apologies and anything else."""
    buckets: dict[int, Counter[str]] = {}
    for s in samples:
        key = int((s.done - fault_at) // step)
        kind = s.kind if s.kind in ("ok", "apology") else "other"
        buckets.setdefault(key, Counter())[kind] += 1
    return [
        {"from_s": int(k * step), "ok": c["ok"], "apology": c["apology"], "other": c["other"]}
        for k, c in sorted(buckets.items())
    ]


async def _wait_all_up(stack: Stack, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(all_up, stack):
            return True
        await asyncio.sleep(0.5)
    return False


async def run_fault(stack: Stack, fault: str, args: argparse.Namespace) -> FaultResult:
    result = FaultResult(fault=fault, residents=args.residents, duration_s=args.duration)
    result.data_before = await asyncio.to_thread(data_counts, stack)
    tracebacks_before = log_tracebacks(stack)
    recorder = Recorder()
    target = load.Target.make("chat", stack.app_url)
    questions = load.load_questions()
    victim = {"rasa": stack.services.get("rasa 1"), "actions": stack.services["action server 1"]}
    service = victim.get(fault)

    with recorder.attached():
        load_task = asyncio.create_task(
            load.closed_loop(
                target, args.residents, duration=args.duration, questions=questions,
                seed=FAULTS.index(fault) + 1, label=f"{fault} fault",
            )
        )  # fmt: skip
        await asyncio.sleep(args.fault_at)
        fault_at = recorder.now()
        result.fault_at_s = round(fault_at, 2)
        up_task: asyncio.Task[None] | None = None
        if service is not None:
            assert service.process is not None
            print(f"  t={fault_at:5.1f} s  SIGKILL {service.name}", flush=True)
            os.killpg(service.process.pid, signal.SIGKILL)
            await asyncio.to_thread(service.process.wait)
            await asyncio.sleep(args.restart_after)
            result.restarted_after_s = round(recorder.now() - fault_at, 2)
            print(f"  t={recorder.now():5.1f} s  starting {service.name} again", flush=True)
            service.start()
            up_task = asyncio.create_task(asyncio.to_thread(_healthy_at, service, recorder))
        else:  # postgres
            version, cluster = postgres_cluster()
            command = ["pg_ctlcluster", version, cluster, "restart", "-m", "fast"]
            print(f"  t={fault_at:5.1f} s  {' '.join(command)}", flush=True)
            completed = await asyncio.to_thread(
                subprocess.run, command, capture_output=True, text=True, timeout=120
            )
            result.outage_cmd_s = round(recorder.now() - fault_at, 2)
            result.restarted_after_s = result.outage_cmd_s
            if completed.returncode != 0:
                result.broken.append(f"pg_ctlcluster failed: {completed.stderr.strip()}")
            print(f"  t={recorder.now():5.1f} s  PostgreSQL restarted", flush=True)
            result.process_up_after_s = result.outage_cmd_s
        run = await load_task
        during = list(recorder.samples)
        # Right after the load (the killed process may still be starting): are residents
        # answered normally again? These count for "service back", not for the totals.
        await load.closed_loop(target, 2, per_resident=3, questions=questions, seed=76)
        if up_task is not None:
            try:
                result.process_up_after_s = round(await up_task - fault_at, 2)
            except Exception as exc:  # ServiceError: report, do not hide the figures
                result.broken.append(f"{service.name if service else fault} did not restart: {exc}")
            if result.process_up_after_s is not None:
                up_at = fault_at + result.process_up_after_s
                print(f"  t={up_at:5.1f} s  {service.name} answers again", flush=True)
        if await _wait_all_up(stack, 60):
            result.all_healthy_after_s = round(recorder.now() - fault_at, 2)
        # Once everything is up again: a few residents' messages must all be answered.
        check = await load.closed_loop(target, 2, per_resident=3, questions=questions, seed=77)
        result.answers_after_load_ok = check.ok == check.sent and check.sent > 0

    samples = recorder.samples
    after_load = samples[len(during) :]
    kinds = Counter(s.kind for s in during)
    result.sent = len(during)
    result.answered = kinds.pop("ok", 0)
    result.apology = kinds.pop("apology", 0)
    result.apology_without_phone = sum(1 for s in during if s.kind == "apology" and not s.phone)
    result.bad_5xx = kinds.pop("5xx", 0)
    result.leaks = kinds.pop("leak", 0) + sum(1 for s in after_load if s.kind == "leak")
    result.no_answer = kinds.pop("no answer", 0)
    result.other = dict(kinds)
    result.p50_ms = round(run.p(50), 1) if run.ok else None
    result.p95_ms = round(run.p(95), 1) if run.ok else None
    result.__dict__.update(recovery(samples, fault_at))
    result.conversations_with_failures = len({s.sender for s in during if s.kind != "ok"})
    result.timeline = timeline(samples, fault_at)
    result.data_after = await asyncio.to_thread(data_counts, stack)
    result.answered_missing_from_tracker = await asyncio.to_thread(
        answered_but_missing, stack, samples
    )
    result.new_tracebacks_in_logs = dict(log_tracebacks(stack) - tracebacks_before)
    result.broken += check_rules(result)
    return result


# --------------------------------------------------------------------------- reporting


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def apology_share(r: FaultResult) -> float:
    """The apologies, in per cent of the messages sent during the fault run."""
    return 100.0 * r.apology / r.sent if r.sent else 0.0


def describe(r: FaultResult) -> str:
    before, after = r.data_before, r.data_after
    lines = [
        f"fault {r.fault}: {r.residents} residents, {r.duration_s:g} s, fault at "
        f"{r.fault_at_s:.1f} s",
        f"  messages sent {r.sent}, answered {r.answered}, friendly apology (503) {r.apology}"
        f" = {apology_share(r):.1f} % ({r.apology_without_phone} without the phone number)",
        f"  other 5xx {r.bad_5xx}, Traceback/Error in text {r.leaks}, no answer {r.no_answer}"
        + (f", other {r.other}" if r.other else ""),
        f"  latency of answered messages p50 {_s(r.p50_ms)} ms, p95 {_s(r.p95_ms)} ms",
        f"  from the fault: first failure {_s(r.first_failure_s)} s, last failure "
        f"{_s(r.last_failure_s)} s, service back {_s(r.back_s)} s; process restarted at "
        f"{_s(r.restarted_after_s)} s, answering its health check at "
        f"{_s(r.process_up_after_s)} s; /healthz all ok at {_s(r.all_healthy_after_s)} s",
        f"  after the load: normal answers {'yes' if r.answers_after_load_ok else 'NO'}",
        f"  data: conversations {before.get('conversations')} -> {after.get('conversations')},"
        f" events {before.get('events')} -> {after.get('events')},"
        f" items {before.get('items')} -> {after.get('items')},"
        f" aliases {before.get('aliases')} -> {after.get('aliases')};"
        f" answered messages missing from the tracker {r.answered_missing_from_tracker}",
        f"  failed messages fell in {r.conversations_with_failures} conversations; "
        f"new tracebacks in the services' logs (not shown to residents): "
        f"{r.new_tracebacks_in_logs or 'none'}",
        "  timeline (s from the fault: ok/apology/other): "
        + " ".join(f"{b['from_s']}:{b['ok']}/{b['apology']}/{b['other']}" for b in r.timeline),
        "  verdict: " + ("ok" if not r.broken else "BROKEN: " + "; ".join(r.broken)),
    ]
    return "\n".join(lines)


def summary_table(results: list[FaultResult]) -> str:
    head = (
        f"{'fault':<9}{'sent':>6}{'ok':>6}{'503':>6}{'503 %':>7}{'5xx':>5}{'trace':>6}{'lost':>5}"
        f"{'back s':>8}{'conv before>after':>19}{'items':>7}{'aliases':>8}  verdict"
    )
    rows = [head, "-" * len(head)]
    for r in results:
        b, a = r.data_before, r.data_after
        conv = f"{b.get('conversations')}>{a.get('conversations')}"
        items = "same" if b.get("items") == a.get("items") else "CHANGED"
        aliases = "same" if b.get("aliases") == a.get("aliases") else "CHANGED"
        rows.append(
            f"{r.fault:<9}{r.sent:>6}{r.answered:>6}{r.apology:>6}{apology_share(r):>7.1f}"
            f"{r.bad_5xx:>5}{r.leaks:>6}"
            f"{r.no_answer:>5}{_s(r.back_s):>8}{conv:>19}{items:>7}{aliases:>8}  "
            + ("ok" if not r.broken else "BROKEN")
        )
    rows.append("503 = friendly apology; 5xx = any other server error; trace = text with")
    rows.append('"Traceback"/"Error"; lost = no answer at all; back s = seconds from the fault')
    rows.append("to the first normal answer after the last failed message.")
    return "\n".join(rows)


# --------------------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--fault", action="append", choices=FAULTS,
        help="a fault to run (repeat; default: rasa and actions, and postgres with --postgres)",
    )  # fmt: skip
    parser.add_argument(
        "--postgres", action="store_true",
        help="allow restarting the machine's PostgreSQL (shared: a few seconds' outage)",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="25 s of load, fault at 6 s")
    parser.add_argument("--residents", type=int, default=10)
    parser.add_argument("--duration", type=float, help="seconds of load (40; --quick 25)")
    parser.add_argument("--fault-at", type=float, help="seconds into the load (10; --quick 6)")
    parser.add_argument("--restart-after", type=float, default=10.0, help="seconds down")
    parser.add_argument("--port-base", type=int, default=27000, help="ports base+5/6, +55/56, +80")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    args.duration = args.duration or (25.0 if args.quick else 40.0)
    args.fault_at = args.fault_at if args.fault_at is not None else (6.0 if args.quick else 10.0)
    faults = args.fault or ["rasa", "actions", *(["postgres"] if args.postgres else [])]
    if "postgres" in faults and not args.postgres:
        parser.error("the postgres fault restarts the machine's PostgreSQL: add --postgres")
    args.faults = list(dict.fromkeys(faults))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[FaultResult] = []
    run_dir = Path(tempfile.mkdtemp(prefix="nakano-faults-"))
    with production_stack(args.port_base, run_dir) as stack:
        warm = asyncio.run(
            load.closed_loop(
                load.Target.make("chat", stack.app_url), 2, per_resident=5, seed=99,
                questions=load.load_questions(),
            )
        )  # fmt: skip
        print(f"stack is up; warm-up {warm.ok}/{warm.sent} answered", flush=True)
        for fault in args.faults:
            if not all_up(stack):
                print("waiting for /healthz to be all ok before the next fault ...", flush=True)
                asyncio.run(_wait_all_up(stack, 120))
            print(f"\n== fault: {fault}", flush=True)
            result = asyncio.run(run_fault(stack, fault, args))
            results.append(result)
            print(describe(result), flush=True)
    print("\n" + summary_table(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"run_dir": str(run_dir), "faults": [asdict(r) for r in results]},
                ensure_ascii=False, indent=2,
            )
            + "\n",
            encoding="utf-8",
        )  # fmt: skip
        print(f"figures written to {args.json}")
    broken = [r for r in results if r.broken]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
