"""Only the ward's origins may call the chat API from a browser."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.server.app import create_app
from bot.settings import Settings

WARD = "https://www.city.tokyo-nakano.lg.jp"


def preflight(client: TestClient, origin: str):
    return client.options(
        "/api/chat",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip


def test_allowed_origin(catalog_url: str) -> None:
    app = create_app(Settings(database_url=catalog_url, cors_origins=[WARD]))
    with TestClient(app) as client:
        response = preflight(client, WARD)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == WARD


def test_other_origin_refused(catalog_url: str) -> None:
    app = create_app(Settings(database_url=catalog_url, cors_origins=[WARD]))
    with TestClient(app) as client:
        response = preflight(client, "https://evil.example")
        assert "access-control-allow-origin" not in response.headers


def test_no_cors_by_default(catalog_url: str) -> None:
    with TestClient(create_app(Settings(database_url=catalog_url))) as client:
        assert "access-control-allow-origin" not in preflight(client, WARD).headers


def test_widget_urls_are_cacheable(catalog_url: str) -> None:
    with TestClient(create_app(Settings(database_url=catalog_url))) as client:
        versioned = client.get("/widget/v1/nakano-chat.js")
        assert versioned.status_code == 200
        assert "immutable" in versioned.headers["cache-control"]
        assert versioned.headers["content-type"].startswith("text/javascript")
        page = client.get("/")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert 'src="/widget/v1/nakano-chat.js"' in page.text
