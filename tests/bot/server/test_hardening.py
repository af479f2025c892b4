"""Limits and headers of the public face, without the Rasa servers: a request the limits
let through reaches the (stopped) backend and gets the friendly 503; one they stop gets the
friendly 429 first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.i18n.voice import template
from bot.server.app import create_app
from bot.server.conversation import UNAVAILABLE_TEXT
from bot.server.rate_limit import TOO_MANY_TEXT
from bot.settings import Settings
from tests.support.catalog import make_catalog

RESIDENT = ("203.0.113.7", 50000)  # an address on the internet, not loopback


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=make_catalog(tmp_path / "catalog.sqlite3"),
        rasa_port=9,  # nothing listens: allowed requests end in the friendly 503
        action_port=9,
        rate_limit_per_sender="3/minute",
        rate_limit_per_client="5/minute",
    )


@pytest.fixture
def resident(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), client=RESIDENT) as client:
        yield client


def chat(client: TestClient, sender: str) -> int:
    return client.post("/api/chat", json={"sender_id": sender, "text": "スプレー缶"}).status_code


def test_one_sender_is_limited_with_a_friendly_429(resident: TestClient) -> None:
    assert [chat(resident, "a") for _ in range(3)] == [503, 503, 503]
    response = resident.post("/api/chat", json={"sender_id": "a", "text": "スプレー缶"})
    assert response.status_code == 429
    assert response.json() == {"messages": [{"text": TOO_MANY_TEXT, "buttons": [], "links": []}]}
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert chat(resident, "b") == 503  # another resident is not held up


def test_one_address_is_limited_across_senders(resident: TestClient) -> None:
    statuses = [chat(resident, f"sender-{n}") for n in range(7)]
    assert statuses == [503] * 5 + [429] * 2


def test_loopback_callers_are_limited_per_sender_only(settings: Settings) -> None:
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as local:
        statuses = [chat(local, f"local-{n}") for n in range(7)]
    assert statuses == [503] * 7


@pytest.mark.redis
def test_limits_shared_through_redis(settings: Settings) -> None:
    """Two app workers with the Redis store count one resident together."""
    import uuid

    shared = settings.model_copy(update={"rate_limit_storage": "redis://127.0.0.1:6379"})
    sender = f"redis-{uuid.uuid4().hex}"
    with (
        TestClient(create_app(shared), client=RESIDENT) as one,
        TestClient(create_app(shared), client=("198.51.100.9", 50000)) as two,
    ):
        assert [chat(one, sender), chat(two, sender), chat(one, sender)] == [503] * 3
        assert chat(two, sender) == 429


def test_security_headers(resident: TestClient) -> None:
    admin = resident.get("/admin/login")
    assert "frame-ancestors 'none'" in admin.headers["content-security-policy"]
    assert admin.headers["x-frame-options"] == "DENY"
    assert admin.headers["x-content-type-options"] == "nosniff"
    assert admin.headers["cache-control"] == "no-store"
    api = resident.post("/api/chat", json={})
    assert api.status_code == 422
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in api.headers
    widget = resident.get("/widget/v1/nakano-chat.js")
    assert "x-frame-options" not in widget.headers  # the ward's pages load it freely


def test_hsts_only_over_https(settings: Settings) -> None:
    with TestClient(create_app(settings), base_url="https://bot.example") as client:
        response = client.get("/admin/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_metrics_for_the_operator_only(settings: Settings, resident: TestClient) -> None:
    from bot.catalog.db import get_sessionmaker
    from bot.catalog.models import ChatEvent

    with get_sessionmaker(settings.database_url)() as session:
        session.add_all([ChatEvent(outcome="answered"), ChatEvent(outcome="not_found")])
        session.commit()
    assert resident.get("/metrics").status_code == 404  # not for residents
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as local:
        chat(local, "metrics")
        chat(local, "metrics")
        text = local.get("/metrics").text
    assert 'nakano_http_requests_total{method="POST",route="/api/chat",status="503"} 2.0' in text
    assert 'nakano_chat_outcomes_total{outcome="answered"} 1.0' in text
    assert 'nakano_component_up{component="rasa"} 0.0' in text
    assert 'nakano_rasa_replica_up{replica="1"}' in text


# --- the app's own answers in the resident's language -------------------------------------


def ask(client: TestClient, sender: str, text: str) -> tuple[int, list[dict[str, object]]]:
    response = client.post("/api/chat", json={"sender_id": sender, "text": text})
    return response.status_code, response.json()["messages"]


def contact_translation(settings: Settings, language: str) -> str:
    from sqlalchemy import select

    from bot.catalog.db import get_sessionmaker
    from bot.catalog.models import Translation

    with get_sessionmaker(settings.database_url)() as session:
        return session.scalars(
            select(Translation.body).where(
                Translation.kind == "text",
                Translation.key == "contact",
                Translation.field == "body",
                Translation.language == language,
            )
        ).one()


@pytest.mark.parametrize(
    ("text", "language", "apology", "slow_down"),
    [
        ("What kind of garbage is a spray can?", "en", "Sorry, I cannot answer right now",
         "You are sending messages too quickly"),
        ("喷雾罐是什么垃圾？", "zh", "抱歉，系统繁忙", "您发送消息的速度过快"),
        ("스프레이 캔은 무슨 쓰레기예요?", "ko", "죄송합니다. 지금은", "메시지를 너무 빨리"),
    ],
)  # fmt: skip
def test_the_503_and_429_are_in_the_residents_language(
    resident: TestClient, settings: Settings, text: str, language: str, apology: str,
    slow_down: str,
) -> None:  # fmt: skip
    statuses = [ask(resident, f"{language}-sender", text) for _ in range(4)]
    assert [status for status, _ in statuses] == [503, 503, 503, 429]
    [down] = statuses[0][1]
    first, contact = down["text"].split("\n", 1)
    assert first.startswith(apology)
    assert contact == contact_translation(settings, language)
    assert "03-3387-5353" in contact
    assert down["buttons"] == []
    [limited] = statuses[3][1]
    assert limited == {"text": template("too_fast", language), "buttons": [], "links": []}
    assert limited["text"].startswith(slow_down)


def test_traditional_chinese_is_answered_in_traditional_characters(resident: TestClient) -> None:
    status, [message] = ask(resident, "zh-hant", "噴霧罐是什麼垃圾？")
    assert status == 503
    assert message["text"].startswith("抱歉，系統繁忙")
    assert "03-3387-5353" in message["text"]


@pytest.mark.parametrize("text", ["スプレー缶", "電池", "/restart", "PC", "12345"])
def test_japanese_and_languageless_texts_keep_the_japanese(
    resident: TestClient, settings: Settings, text: str
) -> None:
    from bot.catalog.db import get_sessionmaker
    from bot.catalog.models import WardText

    with get_sessionmaker(settings.database_url)() as session:
        contact = session.get(WardText, "contact").body
    status, [message] = ask(resident, "ja", text)
    assert status == 503
    assert message["text"] == f"{UNAVAILABLE_TEXT}\n{contact}"
    assert "03-3387-5353" in contact


def test_a_stale_contact_translation_gives_the_japanese_contact(
    resident: TestClient, settings: Settings
) -> None:
    """Staff changed the Japanese contact after it was translated: the old English could
    name an old number, so the resident gets the Japanese, which is current."""
    from bot.catalog.db import get_sessionmaker
    from bot.catalog.models import WardText

    changed = "ごみの出し方のご相談は、中野区清掃事務所（電話 03-3387-5353、平日8時30分から）へ"
    with get_sessionmaker(settings.database_url)() as session:
        session.get(WardText, "contact").body = changed
        session.commit()
    status, [message] = ask(resident, "en-stale", "Where do I put batteries?")
    assert status == 503
    assert message["text"] == f"{template('unavailable', 'en')}\n{changed}"


def test_422_errors_are_not_translated(resident: TestClient) -> None:
    response = resident.post("/api/chat", json={"sender_id": "a", "text": ""})
    assert response.status_code == 422
    assert "messages" not in response.json()


# --- what the public face echoes, and to whom ---------------------------------------------

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def admin_token(settings: Settings) -> str:
    from bot.staff.accounts import Role, create_token
    from bot.staff.audit import staff_sessionmaker

    with staff_sessionmaker(settings.database_url)() as session:
        token = create_token(session, "hardening", Role.ADMIN, created_by="test")
        session.commit()
    return token


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", rb'{"sender_id": "a", "text": "\ud800"}'),
        ("/api/chat", rb'{"sender_id": "\udfff", "text": "x"}'),
        ("/api/chat", rb'{"\ud800": "x"}'),
        ("/api/staff/items", rb'{"name": "\ud800", "category_id": 1}'),
        ("/api/staff/aliases", rb'{"item_id": 1, "name": "a\udc00b"}'),
    ],
)
def test_a_lone_surrogate_is_a_422_not_a_500(
    settings: Settings, admin_token: str, path: str, body: bytes
) -> None:
    headers = {**JSON, "Authorization": f"Bearer {admin_token}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post(path, content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_a_422_echoes_only_a_little_of_the_input(resident: TestClient) -> None:
    text = "あ" * 100_000
    response = resident.post("/api/chat", json={"sender_id": "a", "text": text})
    assert response.status_code == 422
    assert len(response.content) < 2_000
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "text"]
    assert error["type"] == "string_too_long"
    assert error["input"].startswith("あ" * 50)
    whole = resident.post("/api/chat", json={"text": "x", "junk": ["y" * 10_000] * 100})
    assert whole.status_code == 422
    assert len(whole.content) < 5_000
    assert whole.json()["detail"][0]["loc"] == ["body", "sender_id"]


@pytest.mark.parametrize(
    "forwarded",
    [
        {"X-Forwarded-For": "203.0.113.7"},
        {"X-Real-IP": "203.0.113.7"},
        {"Forwarded": "for=203.0.113.7;proto=https"},
        {"Forwarded": 'for="[2001:db8::7]:4711"'},
        {"X-Real-IP": "127.0.0.1"},  # a resident may send it to the proxy themselves
    ],
)
def test_a_forwarded_caller_is_never_local(settings: Settings, forwarded: dict[str, str]) -> None:
    """Behind the ward's proxy on loopback, whichever header names the resident."""
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as proxy:
        assert proxy.get("/metrics").status_code == 200
        assert proxy.get("/metrics", headers=forwarded).status_code == 404
        spec = proxy.get("/openapi.json", headers=forwarded).json()
        assert not any(path.startswith("/api/staff") for path in spec["paths"])
        statuses = [
            proxy.post(
                "/api/chat", json={"sender_id": f"p-{n}", "text": "スプレー缶"}, headers=forwarded
            ).status_code
            for n in range(7)
        ]
    assert statuses == [503] * 5 + [429] * 2


def test_residents_behind_the_proxy_are_counted_apart(settings: Settings) -> None:
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as proxy:

        def chat_from(address: str, n: int) -> int:
            return proxy.post(
                "/api/chat",
                json={"sender_id": f"{address}-{n}", "text": "スプレー缶"},
                headers={"X-Real-IP": address},
            ).status_code

        assert [chat_from("203.0.113.1", n) for n in range(6)] == [503] * 5 + [429]
        assert chat_from("203.0.113.2", 0) == 503


def test_redirects_never_name_the_callers_host(resident: TestClient) -> None:
    evil = {"Host": "evil.example"}
    response = resident.get("/admin", headers=evil, follow_redirects=False)
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["location"] == "/admin/"
    login = resident.get("/admin/", headers=evil, follow_redirects=False)
    assert "evil.example" not in login.headers.get("location", "")


def test_only_allowed_hosts_are_answered(settings: Settings) -> None:
    ward = settings.model_copy(update={"allowed_hosts": ["chat.example.jp", "127.0.0.1"]})
    with TestClient(create_app(ward), base_url="http://chat.example.jp") as client:
        assert client.get("/widget/nakano-chat.js").status_code == 200
        refused = client.get("/admin", headers={"Host": "evil.example"}, follow_redirects=False)
    assert refused.status_code == 400
    assert "evil.example" not in refused.headers.get("location", "")


def test_the_public_contract_is_described_to_everyone(resident: TestClient) -> None:
    spec = resident.get("/openapi.json").json()
    assert {"/api/chat", "/healthz", "/line/webhook"} <= set(spec["paths"])
    assert not any(path.startswith("/api/staff") for path in spec["paths"])
    assert "StaffToken" not in spec.get("components", {}).get("securitySchemes", {})
    assert "ChatRequest" in spec["components"]["schemas"]
    for page in ("/docs", "/redoc"):
        html = resident.get(page)
        assert html.status_code == 200
        assert "/openapi.json" in html.text


@pytest.mark.parametrize(
    ("setting", "client", "staff_shown"),
    [
        ("loopback", ("127.0.0.1", 50000), True),
        ("loopback", RESIDENT, False),
        ("public", RESIDENT, True),
        ("off", ("127.0.0.1", 50000), False),
    ],
)
def test_the_staff_api_is_described_where_the_setting_allows(
    settings: Settings, setting: str, client: tuple[str, int], staff_shown: bool
) -> None:
    chosen = settings.model_copy(update={"staff_api_docs": setting})
    with TestClient(create_app(chosen), client=client) as caller:
        paths = caller.get("/openapi.json").json()["paths"]
    assert ("/api/staff/items" in paths) is staff_shown
    assert "/api/chat" in paths
