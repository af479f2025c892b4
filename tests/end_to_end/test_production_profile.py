"""The production profile against the real parts: PostgreSQL (catalog and Rasa's tracker
store), Redis (Rasa's lock store, the rate-limit counts), two Rasa replicas with the
trained model, the action server, and the app balancing across the replicas.

Each run works in its own scratch PostgreSQL databases (created here, dropped at the end)
and its own conversation ids, so that runs on one machine do not collide.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
import yaml
from fastapi.testclient import TestClient
from psycopg import sql

from bot.catalog.importer import CatalogFiles, import_into
from bot.server.app import create_app
from bot.server.rasa_client import RasaClient, RasaUnavailableError, lock_lifetime
from bot.services import (
    IN_MEMORY_LOCK_STORE_TYPE,
    LOCK_KEY_PREFIX,
    LOCK_PASSWORD_VAR,
    REDIS_LOCK_STORE_TYPE,
    TRACKER_PASSWORD_VAR,
    TRACKER_STORE_TYPE,
    Service,
    app_service,
    backend_services,
    ensure_database,
    ensure_model,
    running,
    write_endpoints,
)
from bot.settings import ROOT, Settings
from tests.support.stack import FROZEN_TODAY

POSTGRES = "postgres@127.0.0.1:5432"
REDIS_LOCKS = "redis://127.0.0.1:6379/1"
#: Ports of their own (≥ 30000), moved with the other tests' offset.
_OFFSET = int(os.environ.get("NAKANO_BOT_TEST_PORT_OFFSET", "0"))
RASA_PORT = 30005 + _OFFSET  # and RASA_PORT + 1
ACTION_PORT = 30055 + _OFFSET
APP_PORT = 30080 + _OFFSET
#: An item question and how its answer begins (a plain item: no general rule answers it).
ITEM_QUESTION = "フライパンは何ごみ？"
ITEM_ANSWER = "「フライパン」は"


# --- without servers ------------------------------------------------------------------


def test_one_setting_switches_to_production() -> None:
    embedded = Settings()
    assert embedded.profile == "embedded"
    assert embedded.database_url.startswith("sqlite:///")
    assert embedded.rasa_urls == [embedded.rasa_url]
    assert embedded.action_urls == [embedded.action_server_url]
    production = Settings(profile="production", rasa_port=31000, action_port=31050)
    assert production.database_url.startswith("postgresql+psycopg://")
    assert production.rate_limit_storage.startswith("redis://")
    assert production.rasa_urls == ["http://127.0.0.1:31000", "http://127.0.0.1:31001"]
    assert production.action_urls == ["http://127.0.0.1:31050", "http://127.0.0.1:31051"]
    # What the operator sets explicitly wins over the profile's defaults.
    assert Settings(profile="production", database_url="sqlite:///x").database_url == (
        "sqlite:///x"
    )


def test_production_endpoints_keep_passwords_off_disk(tmp_path: Path) -> None:
    settings = Settings(
        profile="production",
        tracker_store_url="postgresql://rasa:tr%40cker@db.internal:6543/tracker?sslmode=require",
        lock_store_url="redis://:l0ck@cache.internal:6380/3",
    )
    path = write_endpoints(settings, tmp_path / "endpoints.yml")
    text = path.read_text(encoding="utf-8")
    for secret in ("tr@cker", "tr%40cker", "l0ck"):
        assert secret not in text
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"] == {
        "type": TRACKER_STORE_TYPE, "dialect": "postgresql", "url": "db.internal", "port": 6543,
        "db": "tracker", "username": "rasa", "password": f"${{{TRACKER_PASSWORD_VAR}}}",
        "query": {"sslmode": "require"},
    }  # fmt: skip
    assert endpoints["lock_store"] == {
        "type": REDIS_LOCK_STORE_TYPE, "url": "cache.internal", "port": 6380, "db": 3,
        "key_prefix": LOCK_KEY_PREFIX, "password": f"${{{LOCK_PASSWORD_VAR}}}",
    }  # fmt: skip
    # Every action server; ``url`` (the first) is what a plain ``rasa run`` would call.
    assert endpoints["action_endpoint"] == {
        "url": "http://127.0.0.1:5055/webhook",
        "urls": ["http://127.0.0.1:5055/webhook", "http://127.0.0.1:5056/webhook"],
    }


@pytest.mark.postgres  # the tracker store's database is created
def test_store_passwords_go_to_rasas_environment(tmp_path: Path) -> None:
    tracker_db = _scratch_name("pw")
    settings = Settings(
        profile="production",  # trust authentication on loopback: the password is unused
        tracker_store_url=f"postgresql://postgres:tr%40cker@127.0.0.1:5432/{tracker_db}",
        lock_store_url="redis://:l0ck@127.0.0.1:6379/1",
        rasa_port=31000,
        rasa_replicas=3,
    )
    try:
        services = backend_services(settings, tmp_path / "model.tar.gz", tmp_path)
    finally:
        _drop_database(tracker_db)
    replicas = [s for s in services if s.name.startswith("rasa")]
    assert [s.health_url for s in replicas] == [
        f"http://127.0.0.1:{port}/webhooks/rest/" for port in (31000, 31001, 31002)
    ]
    for replica in replicas:
        assert replica.env[TRACKER_PASSWORD_VAR] == "tr@cker"
        assert replica.env[LOCK_PASSWORD_VAR] == "l0ck"
    actions = [s for s in services if s.name.startswith("action server")]
    assert [s.health_url for s in actions] == [
        f"http://127.0.0.1:{port}/health" for port in (5055, 5056)
    ]
    assert [s.command[-1] for s in actions] == ["5055", "5056"]
    for server in actions:
        assert TRACKER_PASSWORD_VAR not in server.env


def test_a_dead_replicas_locks_expire_soon_after_the_app_gave_up(tmp_path: Path) -> None:
    settings = Settings(rasa_port=31000, rasa_timeout_seconds=15)
    [rasa] = [s for s in backend_services(settings, tmp_path / "m.tar.gz", tmp_path)
              if s.name == "rasa"]  # fmt: skip
    # What Rasa itself makes of its environment (it reads the variable at import).
    lifetime = subprocess.run(
        [str(settings.rasa_venv / "bin" / "python"), "-c",
         "from rasa.core.lock_store import LOCK_LIFETIME; print(LOCK_LIFETIME)"],
        env=rasa.env, capture_output=True, text=True, check=True,
    ).stdout.split()[-1]  # fmt: skip
    assert settings.rasa_timeout_seconds < float(lifetime) <= 30  # Rasa's own: 60


def test_embedded_endpoints_are_unchanged(tmp_path: Path) -> None:
    settings = Settings(tracker_store_path=tmp_path / "tracker.sqlite3")
    endpoints = yaml.safe_load(write_endpoints(settings, tmp_path / "e.yml").read_text())
    assert endpoints["tracker_store"] == {
        "type": TRACKER_STORE_TYPE, "dialect": "sqlite", "db": str(tmp_path / "tracker.sqlite3"),
    }  # fmt: skip
    assert endpoints["lock_store"] == {"type": IN_MEMORY_LOCK_STORE_TYPE}
    assert endpoints["action_endpoint"] == {"url": f"{settings.action_server_url}/webhook"}
    names = [s.name for s in backend_services(settings, tmp_path / "m.tar.gz", tmp_path)]
    assert names == ["action server", "rasa"]


def test_all_replicas_down_is_the_friendly_503() -> None:
    settings = Settings(profile="production", database_url="sqlite://", rasa_port=9)
    settings = settings.model_copy(update={"action_port": 9, "rate_limit_storage": "memory://"})
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            response = client.post("/api/chat", json={"sender_id": "x", "text": "スプレー缶"})
            assert response.status_code == 503
            [message] = response.json()["messages"]
            assert message["text"].startswith("申し訳ありません。")
        health = client.get("/healthz")
        assert health.status_code == 503
        components = health.json()["components"]
        assert components["rasa"] == components["rasa_1"] == components["rasa_2"] == "down"


def _balancer(
    handler: Callable[[httpx.Request], httpx.Response], probe_interval: float = 60.0
) -> RasaClient:
    """A client for two replicas whose HTTP goes to ``handler`` instead of a network."""
    rasa = RasaClient(
        ["http://one:5005", "http://two:5005"], "http://actions:5055", 5.0,
        probe_interval=probe_interval,
    )  # fmt: skip
    rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return rasa


def _answer(text: str = "はい") -> httpx.Response:
    return httpx.Response(200, json=[{"recipient_id": "x", "text": text}])


@pytest.mark.parametrize("action_server_up", [True, False])
def test_an_empty_answer_is_the_apology_not_silence(action_server_up: bool) -> None:
    """Rasa answers nothing only when it failed inside (its REST channel swallows the
    error): the resident gets the apology and sends again."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "actions":
            return httpx.Response(200 if action_server_up else 503, json={})
        return httpx.Response(200, json=[])

    async def scenario() -> None:
        rasa = RasaClient("http://one:5005", "http://actions:5055", 5.0)
        rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        try:
            with pytest.raises(RasaUnavailableError):
                await rasa.send("web:s", "スプレー缶")
        finally:
            await rasa.aclose()

    asyncio.run(scenario())


def test_refused_connection_is_retried_on_the_other_replica() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        if request.url.host == "one":
            raise httpx.ConnectError("refused", request=request)
        return _answer()

    async def scenario() -> None:
        rasa = _balancer(handler)
        try:
            for _ in range(3):
                [message] = await rasa.send("web:s", "こんにちは")
                assert message.text == "はい"
            assert [r.healthy for r in rasa.replicas] == [False, True]
        finally:
            await rasa.aclose()

    asyncio.run(scenario())
    # Out at the first refusal: later messages go straight to the healthy replica.
    assert calls == ["one", "two", "two", "two"]


@pytest.mark.parametrize(
    ("failure", "still_in_service"),
    [
        (lambda request: httpx.Response(500, json={"error": "boom"}), False),
        (lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=request)), True),
        (
            lambda request: (_ for _ in ()).throw(
                httpx.RemoteProtocolError("disconnected", request=request)
            ),
            False,
        ),
    ],
    ids=["5xx", "read-timeout", "dropped"],
)
def test_a_failure_after_sending_is_not_retried(
    failure: Callable[[httpx.Request], httpx.Response], still_in_service: bool
) -> None:
    """Rasa may have handled the message already: no second answer, the apology instead.
    A broken replica is taken out; a slow one is not (it is usually waiting on a
    conversation lock, and the probe takes out one that stopped answering)."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        return failure(request) if request.url.host == "one" else _answer()

    async def scenario() -> None:
        rasa = _balancer(handler)
        try:
            with pytest.raises(RasaUnavailableError):
                await rasa.send("web:s", "こんにちは")
            assert [r.healthy for r in rasa.replicas] == [still_in_service, True]
            [message] = await rasa.send("web:s2", "こんにちは")
            assert message.text == "はい"
        finally:
            await rasa.aclose()

    asyncio.run(scenario())
    assert calls == ["one", "two"]


def test_a_conversation_lost_mid_answer_waits_out_the_dead_replicas_lock() -> None:
    """A replica that drops the connection mid-answer holds the conversation's lock in
    Redis for ``lock_lifetime``: that conversation's next message (only it) is given the
    time left on that lock on top of the usual timeout, to be answered, not apologised."""
    timeouts: dict[str, float] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sender = json.loads(request.content)["sender"]
        if request.url.host == "one":
            raise httpx.RemoteProtocolError("disconnected", request=request)
        timeouts[sender] = request.extensions["timeout"]["read"]
        return _answer()

    async def scenario() -> None:
        rasa = _balancer(handler)  # waits 5 s for an answer
        try:
            with pytest.raises(RasaUnavailableError):
                await rasa.send("web:lost", "こんにちは")
            await rasa.send("web:lost", "こんにちは")
            await rasa.send("web:other", "こんにちは")
        finally:
            await rasa.aclose()

    asyncio.run(scenario())
    assert timeouts["web:other"] == 5.0
    assert 5.0 + lock_lifetime(5.0) - 1 < timeouts["web:lost"] <= 5.0 + lock_lifetime(5.0)


def test_the_probe_puts_a_replica_back() -> None:
    up = {"one": False, "two": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if not up[request.url.host]:
            raise httpx.ConnectError("refused", request=request)
        return _answer() if request.method == "POST" else httpx.Response(200, json={})

    async def scenario() -> None:
        rasa = _balancer(handler, probe_interval=0.05)
        try:
            await rasa.send("web:s", "こんにちは")
            assert [r.healthy for r in rasa.replicas] == [False, True]
            up["one"] = True
            await asyncio.sleep(0.3)
            assert [r.healthy for r in rasa.replicas] == [True, True]
            up["two"] = False
            await asyncio.sleep(0.3)  # the probe also takes out one that stopped
            assert [r.healthy for r in rasa.replicas] == [True, False]
        finally:
            await rasa.aclose()

    asyncio.run(scenario())


# --- the real stack -------------------------------------------------------------------


@dataclass
class Stack:
    settings: Settings
    services: dict[str, Service]
    tracker_url: str
    app_url: str

    def replica(self, number: int) -> Service:
        return self.services[f"rasa {number}"]

    def action_server(self, number: int) -> Service:
        return self.services[f"action server {number}"]


def _scratch_name(what: str) -> str:
    return f"nakano_test_{os.getpid()}_{uuid.uuid4().hex[:6]}_{what}"


def _drop_database(name: str) -> None:
    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    catalog_db, tracker_db = _scratch_name("catalog"), _scratch_name("tracker")
    catalog_url = f"postgresql+psycopg://{POSTGRES}/{catalog_db}"
    tracker_url = f"postgresql://{POSTGRES}/{tracker_db}"
    try:
        assert ensure_database(catalog_url)
        assert not ensure_database(catalog_url)  # there now: left alone
        import_into(catalog_url, CatalogFiles.shipped(ROOT / "data"))
        settings = Settings(
            profile="production",
            database_url=catalog_url,
            tracker_store_url=tracker_url,
            lock_store_url=REDIS_LOCKS,
            rasa_replicas=2,
            rasa_port=RASA_PORT,
            action_port=ACTION_PORT,
            port=APP_PORT,
            workers=2,
            fixed_today=FROZEN_TODAY,
            rate_limit_per_sender="1000/minute",
        )
        model = ensure_model(settings)
        run_dir = tmp_path_factory.mktemp("production")
        services = backend_services(settings, model, run_dir)
        assert [s.name for s in services] == [
            "action server 1", "action server 2", "rasa 1", "rasa 2",
        ]  # fmt: skip
        with running([*services, app_service(settings, run_dir)], timeout=300):
            yield Stack(
                settings=settings,
                services={s.name: s for s in services},
                tracker_url=tracker_url,
                app_url=f"http://{settings.host}:{settings.port}",
            )
    finally:
        _drop_database(catalog_db)
        _drop_database(tracker_db)


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[TestClient]:
    """The app in this process, to look at its balancer as well as at its answers."""
    with TestClient(create_app(stack.settings)) as test_client:
        yield test_client


def ask(client: TestClient | httpx.Client, sender: str, text: str) -> str:
    response = client.post("/api/chat", json={"sender_id": sender, "text": text})
    assert response.status_code == 200, response.text
    return "\n".join(m["text"] for m in response.json()["messages"])


def _restart(service: Service) -> None:
    service.start()
    service.wait_until_healthy(300)


def _wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _sender() -> str:
    return f"prod-{uuid.uuid4().hex[:12]}"


def test_health_lists_each_replica(client: TestClient, stack: Stack) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["components"] == {
        "app": "ok", "database": "ok", "rasa": "ok", "rasa_1": "ok", "rasa_2": "ok",
        "action_server": "ok",
    }  # fmt: skip
    # The app under uvicorn with two workers, as `nakano-bot run` starts it in production.
    assert httpx.get(f"{stack.app_url}/healthz").json()["components"]["rasa_2"] == "ok"


def test_messages_are_spread_over_the_replicas(client: TestClient, stack: Stack) -> None:
    rasa: RasaClient = client.app.state.rasa
    before = [r.answered for r in rasa.replicas]
    senders = [_sender() for _ in range(4)]
    for sender in senders:
        assert ITEM_ANSWER in ask(client, sender, ITEM_QUESTION)
    assert [r.answered - b for r, b in zip(rasa.replicas, before, strict=True)] == [2, 2]
    # Round-robin: both replicas answered; the conversations are all in PostgreSQL.
    with psycopg.connect(stack.tracker_url) as connection:
        rows = connection.execute(
            "SELECT count(DISTINCT sender_id) FROM events WHERE sender_id = ANY(%s)",
            ([f"web:{s}" for s in senders],),
        ).fetchone()
    assert rows == (4,)
    for number in (1, 2):
        log = stack.replica(number).log_path.read_text(errors="replace")
        assert "Traceback" not in log


def test_conversation_continues_when_its_replica_is_killed(
    client: TestClient, stack: Stack
) -> None:
    sender = _sender()
    first = stack.replica(1)
    # The first message is handled by replica 1 for certain: sent to it directly.
    said = httpx.post(
        f"{stack.settings.rasa_urls[0]}/webhooks/rest/webhook",
        json={"sender": f"web:{sender}", "message": "野方3丁目に住んでいます"},
        timeout=30,
    )
    assert said.status_code == 200
    first.stop()  # SIGTERM; test_killed_replica_* kills with SIGKILL
    try:
        answer = ask(client, sender, "燃やすごみは何曜日？")
        assert "野方3丁目" in answer
        assert "・燃やすごみ：火曜日・金曜日" in answer
        # The replica that refused the connection is out of service at once.
        rasa: RasaClient = client.app.state.rasa
        assert [r.healthy for r in rasa.replicas] in ([False, True], [True, True])
        # Residents keep getting answers, from this process and from the 2-worker app.
        with httpx.Client(base_url=stack.app_url, timeout=30) as app:
            for i in range(6):
                via = client if i % 2 else app
                assert ITEM_ANSWER in ask(via, _sender(), ITEM_QUESTION)
        assert [r.healthy for r in rasa.replicas] == [False, True]
        health = client.get("/healthz")
        assert health.status_code == 200
        components = health.json()["components"]
        assert (components["rasa"], components["rasa_1"], components["rasa_2"]) == (
            "ok", "down", "ok",
        )  # fmt: skip
    finally:
        _restart(first)
    # The probe puts it back within a few seconds.
    _wait_until(lambda: rasa.replicas[0].healthy, timeout=15)
    with psycopg.connect(stack.tracker_url) as connection:
        texts = [
            json.loads(data).get("text")
            for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                (f"web:{sender}",),
            )
        ]
    assert texts == ["野方3丁目に住んでいます", "燃やすごみは何曜日？"]


def test_killed_replica_is_put_back_and_takes_over(client: TestClient, stack: Stack) -> None:
    import signal

    sender = _sender()
    assert "燃やすごみ" in ask(client, sender, "江原町に住んでいます。燃やすごみは何曜日？")
    second = stack.replica(2)
    assert second.process is not None
    os.killpg(second.process.pid, signal.SIGKILL)  # a crash, not a clean stop
    second.process.wait()
    try:
        # Only replica 1 (restarted by the previous test) is left: it must be back in use.
        for _ in range(4):
            assert ITEM_ANSWER in ask(client, _sender(), ITEM_QUESTION)
        answer = ask(client, sender, "びん・缶・ペットボトルの日はいつ？")
        assert "江原町" in answer
        rasa: RasaClient = client.app.state.rasa
        assert [r.healthy for r in rasa.replicas] == [True, False]
    finally:
        _restart(second)
    _wait_until(lambda: all(r.healthy for r in rasa.replicas), timeout=15)
    assert client.get("/healthz").json()["components"]["rasa_2"] == "ok"


def test_the_redis_lock_is_shared_by_the_replicas(client: TestClient, stack: Stack) -> None:
    """A conversation locked in Redis (as by a replica busy with it) waits, on any replica."""
    sender = _sender()
    locks = redis.Redis.from_url(REDIS_LOCKS)
    key = f"{LOCK_KEY_PREFIX}:lock:web:{sender}"
    held = json.dumps({"number": 0, "expires": time.time() + 3.0})
    locks.set(key, json.dumps({"conversation_id": f"web:{sender}", "tickets": [held]}))
    started = time.monotonic()
    assert ITEM_ANSWER in ask(client, sender, ITEM_QUESTION)
    assert time.monotonic() - started >= 2.0
    assert locks.get(key) is None  # released and removed when done


def _kill(service: Service) -> None:
    """A crash: SIGKILL, nothing cleaned up."""
    import signal

    assert service.process is not None
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait()


def _user_and_bot_texts(tracker_url: str, sender: str) -> list[tuple[str, str]]:
    with psycopg.connect(tracker_url) as connection:
        return [
            (type_name, json.loads(data).get("text"))
            for type_name, data in connection.execute(
                "SELECT type_name, data FROM events WHERE sender_id = %s "
                "AND type_name IN ('user', 'bot') ORDER BY id",
                (f"web:{sender}",),
            )
        ]


def test_answers_go_on_when_an_action_server_is_killed(client: TestClient, stack: Stack) -> None:
    """Two action servers behind each Rasa replica: one crashes, and residents keep getting
    real answers from the other, with no apology; the killed one, restarted, is used again."""
    sender = _sender()
    assert "野方3丁目" in ask(client, sender, "野方3丁目に住んでいます")
    first, second = stack.action_server(1), stack.action_server(2)
    _kill(first)
    try:
        with httpx.Client(base_url=stack.app_url, timeout=30) as app:
            for i in range(8):  # both replicas, several action calls each: both tried 1
                via = client if i % 2 else app
                assert ITEM_ANSWER in ask(via, _sender(), ITEM_QUESTION)
        answer = ask(client, sender, "燃やすごみは何曜日？")
        assert "野方3丁目" in answer
        assert "・燃やすごみ：火曜日・金曜日" in answer
        # Each replica found it dead and went to the other: the connection refused, or,
        # just after the kill, reset before the server asked for the call.
        dead = f"action server {stack.settings.action_urls[0]}/webhook is down (it "
        for number in (1, 2):
            assert dead in stack.replica(number).log_path.read_text(errors="replace")
    finally:
        _restart(first)
    # Each question answered once, in order: nothing was asked or answered twice.
    turns = _user_and_bot_texts(stack.tracker_url, sender)
    assert [kind for kind, _ in turns] == ["user", "bot", "user", "bot"]
    # Back in use once its skip time is over: now the other one may crash.
    time.sleep(6)
    _kill(second)
    try:
        for _ in range(4):
            assert ITEM_ANSWER in ask(client, _sender(), ITEM_QUESTION)
    finally:
        _restart(second)
    assert client.get("/healthz").json()["components"]["action_server"] == "ok"


def test_a_message_lost_with_its_replica_is_followed_by_an_answer(
    client: TestClient, stack: Stack
) -> None:
    """A replica crashes while a conversation's message waits in it (here on a lock held
    in Redis): that message gets the apology, and the dead replica's lock holds the
    conversation in Redis for the lock's lifetime, longer than the app's usual wait. The
    balancer saw the message lost, so the conversation's next message is given the time
    to outlast that lock: the resident gets an answer, not a second apology."""
    import threading

    rasa: RasaClient = client.app.state.rasa
    _wait_until(lambda: all(r.healthy for r in rasa.replicas), timeout=15)
    sender = _sender()
    locks = redis.Redis.from_url(REDIS_LOCKS)
    key = f"{LOCK_KEY_PREFIX}:lock:web:{sender}"
    held = json.dumps({"number": 0, "expires": time.time() + 5.0})
    locks.set(key, json.dumps({"conversation_id": f"web:{sender}", "tickets": [held]}))
    rasa._next = 0  # this message goes to replica 1
    lost: list[httpx.Response] = []
    waiting = threading.Thread(
        target=lambda: lost.append(
            client.post("/api/chat", json={"sender_id": sender, "text": ITEM_QUESTION})
        )
    )
    waiting.start()
    time.sleep(2.0)  # in replica 1, waiting for the lock; replica 1 has issued its ticket
    first = stack.replica(1)
    _kill(first)
    try:
        waiting.join(30)
        assert lost[0].status_code == 503  # lost with the replica: the apology
        started = time.monotonic()
        assert ITEM_ANSWER in ask(client, sender, ITEM_QUESTION)  # sent again
        waited = time.monotonic() - started
        # It waited for the dead replica's ticket to expire (issued 2 s before the kill,
        # it lives rasa_timeout + 5 s) — longer than the app's usual wait.
        assert stack.settings.rasa_timeout_seconds - 3 < waited
    finally:
        _restart(first)
    _wait_until(lambda: rasa.replicas[0].healthy, timeout=15)
