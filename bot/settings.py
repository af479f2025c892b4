"""All configuration, read from the environment (prefix ``NAKANO_BOT_``) or ``.env``."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NAKANO_BOT_", env_file=".env", extra="ignore")

    #: The catalog. SQLite file by default; ``postgresql+psycopg://…`` in production.
    database_url: str = f"sqlite:///{ROOT / 'var' / 'catalog.sqlite3'}"
    #: Rasa's tracker store (Rasa's own SQLAlchemy 1.4 reads it).
    tracker_store_path: Path = ROOT / "var" / "tracker.sqlite3"

    #: The public app. Loopback unless an operator says otherwise.
    host: str = "127.0.0.1"
    port: int = 8000
    #: Web origins (the ward's sites) whose pages may call the chat API from a browser,
    #: e.g. ``["https://www.city.tokyo-nakano.lg.jp"]``; JSON in the environment.
    cors_origins: list[str] = []
    #: The Rasa server (REST channel only) and the action server, both on loopback.
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    #: How long the app waits for Rasa before telling the resident to try later.
    rasa_timeout_seconds: float = 15.0

    #: Freeze "today" (Asia/Tokyo) for tests and demos of date answers; unset in service.
    fixed_today: date | None = None

    data_dir: Path = ROOT / "data"
    models_dir: Path = ROOT / "models"
    #: The Rasa environment's executables.
    rasa_venv: Path = ROOT / ".venv" / "rasa"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        return f"http://{self.action_host}:{self.action_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
