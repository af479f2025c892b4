"""The container deployment (deploy/): Docker does not run on this machine, so what can be
checked without it is checked here — the compose file parses and wires the services as the
production profile needs, every setting it passes exists and parses, only the app is
published and only on loopback, Rasa's HTTP API stays off, no secret is in git."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.services import REDIS_LOCK_STORE_TYPE, TRACKER_STORE_TYPE, write_endpoints
from bot.settings import ROOT, Settings

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_services_of_the_production_profile(compose: dict) -> None:
    assert set(compose["services"]) == {
        "postgres", "redis", "rasa-1", "rasa-2", "actions-1", "actions-2", "app",
    }  # fmt: skip
    for name, service in compose["services"].items():
        assert service.get("networks") == ["private"], name
        assert service.get("restart") == "unless-stopped", name


def test_only_the_app_is_published_and_only_on_loopback(compose: dict) -> None:
    published = {name: s["ports"] for name, s in compose["services"].items() if "ports" in s}
    assert published == {"app": ["127.0.0.1:8000:8000"]}


def _substituted(value: str) -> str:
    """Compose's ${VAR} and ${VAR:-default}, with test values."""
    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: m.group(2) or "x-" + m.group(1), value)


@pytest.mark.parametrize("service", ["app", "actions-1", "actions-2"])
def test_every_setting_passed_exists_and_parses(
    compose: dict, service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = compose["services"][service]["environment"]
    fields = {name.upper() for name in Settings.model_fields}
    names = [key for key in environment if key.startswith("NAKANO_BOT_")]
    assert [key for key in names if key.removeprefix("NAKANO_BOT_") not in fields] == []
    for key, value in environment.items():
        monkeypatch.setenv(key, _substituted(str(value)))
    settings = Settings(_env_file=None)
    assert settings.production
    assert settings.rasa_urls == ["http://rasa-1:5005", "http://rasa-2:5005"]
    assert settings.action_urls == ["http://actions-1:5055", "http://actions-2:5055"]
    assert settings.action_server_url == settings.action_urls[0]
    assert settings.database_url.startswith("postgresql+psycopg://nakano:")
    assert settings.rate_limit_storage == "redis://redis:6379/0"


def test_rasa_keeps_conversations_in_postgres_and_locks_in_redis() -> None:
    """In the project's stores, as ``nakano-bot run`` writes them for the production profile."""
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == TRACKER_STORE_TYPE
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["tracker_store"]["password"] == "${POSTGRES_PASSWORD}"
    assert endpoints["lock_store"]["type"] == REDIS_LOCK_STORE_TYPE


def test_rasa_calls_both_action_servers(compose: dict, tmp_path: Path) -> None:
    """Each Rasa replica lists both action servers, as ``nakano-bot run`` writes it for the
    production profile, and the compose file runs both, each an action server on 5055."""
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text(encoding="utf-8"))
    servers = [name for name in compose["services"] if name.startswith("actions")]
    assert servers == ["actions-1", "actions-2"]
    settings = Settings(
        _env_file=None,
        profile="production",
        action_replica_urls=[f"http://{name}:5055" for name in servers],
    )
    written = yaml.safe_load(write_endpoints(settings, tmp_path / "endpoints.yml").read_text())
    assert (
        endpoints["action_endpoint"]
        == written["action_endpoint"]
        == {
            "url": "http://actions-1:5055/webhook",
            "urls": ["http://actions-1:5055/webhook", "http://actions-2:5055/webhook"],
        }
    )
    for name in servers:
        service = compose["services"][name]
        assert service["command"][-2:] == ["--port", "5055"]
        assert service["environment"]["SANIC_HOST"] == "0.0.0.0"
        assert compose["services"]["app"]["depends_on"][name] == {"condition": "service_started"}


def test_rasa_http_api_stays_off() -> None:
    dockerfile = (DEPLOY / "Dockerfile.rasa").read_text(encoding="utf-8")
    command = [line for line in dockerfile.splitlines() if line.startswith("CMD")]
    assert command
    assert "--enable-api" not in command[0]
    assert "rasa==3.6.21" in (ROOT / "requirements" / "rasa.lock").read_text()


def test_no_secret_in_git() -> None:
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    for line in example.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert value in ("", '["https://www.city.tokyo-nakano.lg.jp"]'), key
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(DEPLOY / ".env")], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, "deploy/.env must be ignored by git"


def test_the_images_copy_what_exists() -> None:
    for dockerfile in DEPLOY.glob("Dockerfile.*"):
        for line in dockerfile.read_text(encoding="utf-8").splitlines():
            if line.startswith("COPY "):
                *sources, _target = line.split()[1:]
                for source in sources:
                    assert (ROOT / source).exists(), f"{dockerfile.name}: {source}"
    assert Path(DEPLOY / "initdb" / "10-tracker.sql").exists()
