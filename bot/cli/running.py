"""``nakano-bot import``, ``train`` and ``run``: getting the catalog, the model and the
processes going."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import func, select

from bot.catalog.db import create_schema, get_sessionmaker
from bot.catalog.importer import CatalogFileError, CatalogFiles, import_into
from bot.catalog.models import Item
from bot.cli.common import setup_logging
from bot.server.app import create_app
from bot.services import (
    ServiceError,
    backend_services,
    ensure_database,
    ensure_model,
    running,
    settings_env,
)
from bot.settings import ROOT, Settings, get_settings

logger = logging.getLogger("bot")


def import_command(
    data_dir: Annotated[Path, typer.Option(help="Folder holding nakano/ and catalog_seed.yml")] = (
        ROOT / "data"
    ),
    if_empty: Annotated[
        bool, typer.Option(help="Only into an empty catalog (for start-up scripts)")
    ] = False,
) -> None:
    """Import the ward's item table, collection days and texts (idempotent, all or nothing).

    This puts the shipped values back over what staff changed; ``--if-empty`` does not."""
    setup_logging()
    if if_empty:
        _first_import(get_settings())
        return
    try:
        report = import_into(get_settings().database_url, CatalogFiles.shipped(data_dir))
    except CatalogFileError as exc:
        typer.echo("Import failed; nothing was written:", err=True)
        for error in exc.errors:
            typer.echo(f"  {error}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Imported. {report.summary()}")


def train(
    force: Annotated[bool, typer.Option(help="Train even if nothing changed")] = False,
) -> None:
    """Train the Rasa model if the training data, config or tokenizer changed."""
    setup_logging()
    try:
        path = ensure_model(get_settings(), force=force)
    except ServiceError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Model: {path}")


def run() -> None:
    """Start the bot (the embedded default, or NAKANO_BOT_PROFILE=production: PostgreSQL,
    Redis, several Rasa replicas and app workers) and print the address to open."""
    setup_logging()
    settings = get_settings()
    try:
        if settings.production:
            _check_production(settings)
            ensure_database(settings.database_url)
        _first_import(settings)
        model = ensure_model(settings)
        run_dir = Path(tempfile.mkdtemp(prefix="nakano-bot-"))
        # A service manager's stop (systemd, ``docker stop``: SIGTERM) stops Rasa and the
        # action server too. uvicorn hands the signal back once it has shut down, and
        # Python's default for it ends the process without leaving ``running`` below.
        signal.signal(signal.SIGTERM, _interrupt)
        with running(backend_services(settings, model, run_dir)):
            url = f"http://{settings.host}:{settings.port}/"
            typer.secho(f"\n  The bot is ready: open {url}\n  (Ctrl-C stops it)\n", bold=True)
            logger.info("Rasa and action server logs: %s", run_dir)
            if settings.production:
                # Each worker process builds its app from the environment: hand it these
                # settings, production defaults included.
                os.environ.update(
                    {k: v for k, v in settings_env(settings).items() if k.startswith("NAKANO_")}
                )
                uvicorn.run(
                    "bot.server.app:create_app", factory=True, host=settings.host,
                    port=settings.port, workers=settings.workers, log_level="info",
                )  # fmt: skip
            else:
                uvicorn.run(
                    create_app(settings), host=settings.host, port=settings.port, log_level="info"
                )
    except (CatalogFileError, ServiceError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        pass
    logger.info("stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _check_production(settings: Settings) -> None:
    logger.info(
        "production profile: %d Rasa replicas from port %d, %d app workers",
        settings.rasa_replicas, settings.rasa_port, settings.workers,
    )  # fmt: skip
    if settings.session_secret is None and settings.workers > 1:
        logger.warning(
            "NAKANO_BOT_SESSION_SECRET is not set: each app worker makes its own, and staff "
            "logins to /admin will not survive a request to another worker"
        )


def _first_import(settings: Settings) -> None:
    """Import the shipped data into a new catalog only: once staff edit it, a restart
    must not put the shipped values back (``nakano-bot import`` does that on purpose)."""
    create_schema(settings.database_url)
    with get_sessionmaker(settings.database_url)() as session:
        items = session.scalar(select(func.count()).select_from(Item)) or 0
    if items:
        logger.info("catalog: %d items (staff edits kept; `nakano-bot import` re-imports)", items)
        return
    files = CatalogFiles.shipped(settings.data_dir)
    logger.info("catalog: %s", import_into(settings.database_url, files).summary())
