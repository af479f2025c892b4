"""All configuration, read from the environment (prefix ``NAKANO_BOT_``) or ``.env``."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NAKANO_BOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    #: ``embedded`` (the default): one Rasa server, SQLite catalog and tracker store, an
    #: in-memory lock store, one app process. ``production``: the catalog and Rasa's
    #: conversations in PostgreSQL, Rasa's conversation locks in Redis, ``rasa_replicas``
    #: Rasa servers that the app balances across, ``workers`` app processes.
    #: See docs/PRODUCTION.md.
    profile: Literal["embedded", "production"] = "embedded"
    #: Production: how many Rasa servers run the model, on ports rasa_port, rasa_port+1, ….
    rasa_replicas: int = Field(default=2, ge=1)
    #: Production: Rasa's tracker store (conversations), a PostgreSQL URL. The database is
    #: created when missing. A password in the URL is passed to Rasa in its environment,
    #: never written to disk.
    tracker_store_url: str = "postgresql://postgres@127.0.0.1:5432/nakano_tracker"
    #: Production: Rasa's lock store, so that two replicas never handle one conversation
    #: at the same time (``redis://[:password@]host:port/db``).
    lock_store_url: str = "redis://127.0.0.1:6379/1"
    #: Production: app (uvicorn) worker processes started by ``nakano-bot run``.
    workers: int = Field(default=2, ge=1)
    #: Where the Rasa servers are when something else runs them (containers: one URL per
    #: replica, e.g. ``["http://rasa-1:5005", "http://rasa-2:5005"]``); the app balances
    #: across these instead of rasa_host/rasa_port. ``nakano-bot run`` starts its own.
    rasa_replica_urls: list[str] = []
    #: Production: how many action servers run, on ports action_port, action_port+1, ….
    #: Every Rasa server spreads its action calls over them and skips one that refuses
    #: the connection (``bot.rasa_launch.action_servers``), so one can die unnoticed.
    action_replicas: int = Field(default=2, ge=1)
    #: Where the action servers are when something else runs them (containers: one URL
    #: per server, e.g. ``["http://actions-1:5055", "http://actions-2:5055"]``).
    action_replica_urls: list[str] = []
    #: Production: the catalog when ``database_url`` is not set.
    production_database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/nakano"
    #: Production: the rate-limit counts when ``rate_limit_storage`` is not set (shared by
    #: all app workers).
    production_rate_limit_storage: str = "redis://127.0.0.1:6379/0"

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
    #: Where residents reach the app (e.g. ``https://chat.city.tokyo-nakano.lg.jp``): the
    #: links the bot gives (an area's calendar feed) are made on it. Unset: the address
    #: each request came to (behind a proxy on this machine, its ``Host`` and
    #: ``X-Forwarded-Proto``).
    public_url: str | None = None
    #: Host names the app answers to (``Host`` header; ``*.example.jp`` wildcards allowed),
    #: e.g. ``["chat.city.tokyo-nakano.lg.jp"]``; others get 400. ``["*"]``: any, which
    #: is safe only because the app's own redirects never name a host.
    allowed_hosts: list[str] = ["*"]
    #: Who may read the staff API's part of ``/openapi.json`` (and so ``/docs``):
    #: ``loopback`` (callers on this machine, not through the proxy), ``public`` or ``off``.
    #: The public chat contract is described to everyone.
    staff_api_docs: Literal["loopback", "public", "off"] = "loopback"
    #: The Rasa server (REST channel only) and the action server, both on loopback.
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    #: How long the app waits for Rasa before telling the resident to try later.
    rasa_timeout_seconds: float = 15.0
    #: Texts whose NLU reading each Rasa server keeps, so that a question asked again in
    #: the same words is not read again (``bot.rasa_launch.parse_cache``); 0 turns it off.
    rasa_parse_cache: int = Field(default=4096, ge=0)

    #: The ward's LINE official account (Messaging API channel). Unset: ``/line/webhook``
    #: answers 503. The names are those of LINE's own samples, so an operator who has set
    #: up a LINE bot before finds them where they expect.
    line_channel_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LINE_CHANNEL_SECRET", "line_channel_secret")
    )
    line_channel_access_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LINE_CHANNEL_ACCESS_TOKEN", "line_channel_access_token"),
    )
    #: Where the Messaging API lives; tests point it at a fake LINE server on loopback.
    line_api_base_url: str = Field(
        default="https://api.line.me",
        validation_alias=AliasChoices("LINE_API_BASE_URL", "line_api_base_url"),
    )
    #: When a reply token has expired, send the answer with the Push API instead. Off by
    #: default: pushed messages count against the ward's paid message quota.
    line_push_when_reply_fails: bool = False
    #: How long webhook event ids are kept to recognise LINE's redeliveries.
    line_seen_event_days: int = 7
    #: The app sends the LINE reminders itself, at the time staff set (every app worker
    #: checks; each reminder still goes once). Turn off where a cron job, systemd timer or
    #: Kubernetes CronJob runs ``nakano-bot reminders send`` instead (docs/PRODUCTION.md).
    reminders_in_app: bool = True

    #: Signs the staff admin's session cookie. Set it (any long random string, e.g.
    #: ``python -c "import secrets; print(secrets.token_urlsafe(48))"``) so logins survive
    #: a restart and work across replicas; unset, a random one is made at each start.
    session_secret: SecretStr | None = None
    #: Signs the payloads of the bot's buttons, so that only a tapped button (not a typed
    #: ``/restart``) reaches Rasa as a command. Every app process must share it: unset, it
    #: is read from ``button_secret_file``, which the first process to start writes (enough
    #: for workers on one machine); set it where the app runs on several machines.
    button_secret: SecretStr | None = None
    button_secret_file: Path = ROOT / "var" / "button_secret"
    #: Send the admin cookie only over HTTPS; turn on behind the ward's HTTPS proxy.
    admin_https_only: bool = False
    #: The first admin account, created at start-up when there is no staff account yet.
    #: Prefer ``nakano-bot users create``; never commit these.
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    #: Where uploaded item files wait between preview and confirmation.
    upload_dir: Path = ROOT / "var" / "uploads"

    #: Limits on ``/api/chat`` (and LINE events per conversation), in ``limits`` notation.
    #: Per sender: one resident's conversation; per client: one address (loopback exempt).
    rate_limit_per_sender: str = "30/minute"
    rate_limit_per_client: str = "300/minute"
    #: Where the counts live: ``memory://`` for one process, ``redis://127.0.0.1:6379`` to
    #: share them between app workers.
    rate_limit_storage: str = "memory://"

    #: How long chat events and unanswered questions are kept (13 months: a year-on-year
    #: monthly report still has last year's month).
    chat_log_days: int = 400

    #: ``plain`` lines, or ``json`` (one object per line) for a log collector.
    log_format: Literal["plain", "json"] = "plain"

    #: Freeze "today" (Asia/Tokyo) for tests and demos of date answers; unset in service.
    fixed_today: date | None = None

    data_dir: Path = ROOT / "data"
    models_dir: Path = ROOT / "models"
    #: The Rasa environment's executables.
    rasa_venv: Path = ROOT / ".venv" / "rasa"

    @model_validator(mode="after")
    def _production_defaults(self) -> Settings:
        # One setting switches: the production profile brings its own defaults for what
        # the operator did not set explicitly.
        if self.profile == "production":
            if "database_url" not in self.model_fields_set:
                self.database_url = self.production_database_url
            if "rate_limit_storage" not in self.model_fields_set:
                self.rate_limit_storage = self.production_rate_limit_storage
        return self

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa server: one in the embedded profile, ``rasa_replicas`` in production,
        or the ``rasa_replica_urls`` given."""
        if self.rasa_replica_urls:
            return [url.rstrip("/") for url in self.rasa_replica_urls]
        count = self.rasa_replicas if self.production else 1
        return [f"http://{self.rasa_host}:{self.rasa_port + i}" for i in range(count)]

    @property
    def line_configured(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def action_server_url(self) -> str:
        return f"http://{self.action_host}:{self.action_port}"

    @property
    def action_urls(self) -> list[str]:
        """Every action server: one in the embedded profile, ``action_replicas`` in
        production, or the ``action_replica_urls`` given; the first is ``action_server_url``
        unless the URLs are given."""
        if self.action_replica_urls:
            return [url.rstrip("/") for url in self.action_replica_urls]
        count = self.action_replicas if self.production else 1
        return [f"http://{self.action_host}:{self.action_port + i}" for i in range(count)]


@lru_cache
def get_settings() -> Settings:
    return Settings()
