"""Limits and headers of the public face, without the Rasa servers: a request the limits
let through reaches the (stopped) backend and gets the friendly 503; one they stop gets the
friendly 429 first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.server.app import create_app
from bot.server.rate_limit import TOO_MANY_TEXT
from bot.settings import Settings
from tests.conftest import make_catalog

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
    assert response.json() == {"messages": [{"text": TOO_MANY_TEXT, "buttons": []}]}
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert chat(resident, "b") == 503  # another resident is not held up


def test_one_address_is_limited_across_senders(resident: TestClient) -> None:
    statuses = [chat(resident, f"sender-{n}") for n in range(7)]
    assert statuses == [503] * 5 + [429] * 2


def test_loopback_callers_are_limited_per_sender_only(settings: Settings) -> None:
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as local:
        statuses = [chat(local, f"local-{n}") for n in range(7)]
    assert statuses == [503] * 7


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
