"""``nakano-bot db``: the catalog's schema (Alembic migrations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from bot.catalog import db as catalog_db
from bot.cli.common import fail, setup_logging
from bot.settings import get_settings

app = typer.Typer(
    help="The catalog database's schema (Alembic migrations in bot/catalog/migrations)",
    no_args_is_help=True,
)

_DATABASE_URL = typer.Option(
    "--database-url", help="SQLAlchemy URL (default: NAKANO_BOT_DATABASE_URL or the settings)"
)


def _revisions(url: str) -> tuple[str, ...]:
    """The database's revision(s); a friendly exit when it cannot be reached."""
    try:
        with catalog_db.get_engine(url).connect() as connection:
            return catalog_db.database_revisions(connection)
    except SQLAlchemyError as exc:
        raise fail(f"Cannot read the database: {getattr(exc, 'orig', None) or exc}") from exc


def _describe(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else "none (never migrated)"


@app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Revision to upgrade to")] = "head",
    database_url: Annotated[str | None, _DATABASE_URL] = None,
) -> None:
    """Apply the migrations the database lacks (a catalog made before migrations is
    stamped at the first revision first). Safe to run while the bot runs."""
    setup_logging()
    url = database_url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    before = _revisions(url)
    try:
        catalog_db.upgrade(url, revision)
    except (SQLAlchemyError, CommandError) as exc:
        raise fail(f"The upgrade failed; nothing was changed: {exc}") from exc
    after = _revisions(url)
    if before == after:
        typer.echo(f"Already at {_describe(after)}; nothing to do.")
    else:
        typer.echo(f"Upgraded from {_describe(before)} to {_describe(after)}.")


@app.command("current")
def db_current(database_url: Annotated[str | None, _DATABASE_URL] = None) -> None:
    """The revision the database is at and the one this code expects; exits with 1 when
    they differ (run ``nakano-bot db upgrade``)."""
    url = database_url or get_settings().database_url
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and not path.exists():
        raise fail(f"No catalog at {path}: nakano-bot db upgrade creates it.")
    current = _revisions(url)
    head = catalog_db.head_revisions()
    typer.echo(f"database: {_describe(current)}")
    typer.echo(f"code:     {_describe(head)}")
    if set(current) != set(head):
        typer.echo("The database is not at the code's revision: run nakano-bot db upgrade.")
        raise typer.Exit(1)
    typer.echo("Up to date.")
