"""What several command groups share: the sessions they write through (audited as
``cli``), logging from the settings, how they fail, and how they list rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import create_schema, get_sessionmaker
from bot.catalog.models import Base
from bot.logs import configure_logging
from bot.settings import get_settings
from bot.staff.audit import staff_sessionmaker


def setup_logging() -> None:
    configure_logging(get_settings().log_format)


def catalog_sessions() -> sessionmaker[Session]:
    url = get_settings().database_url
    create_schema(url)
    return get_sessionmaker(url)


#: Who the audit log names for writes made from the command line.
CLI_ACTOR = "cli"


def staff_sessions() -> sessionmaker[Session]:
    """Sessions whose writes are audited and reload the running bot."""
    url = get_settings().database_url
    create_schema(url)
    return staff_sessionmaker(url)


def fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def print_listing(model: type[Base], attributes: Sequence[str], empty: str) -> None:
    """Every row of ``model`` by id, as a table of these attributes (headed by their names
    without ``_at``), or ``empty`` (what to do first) when there are none."""
    with staff_sessions()() as session:
        records = list(session.scalars(select(model).order_by(model.id)))
    if not records:
        typer.echo(empty)
        return
    table = Table(*(name.removesuffix("_at").replace("_", " ") for name in attributes))
    row = attrgetter(*attributes)
    for record in records:
        table.add_row(*map(_cell, row(record)))
    Console().print(table)


def _cell(value: object) -> str:
    """How a listing shows a value: a moment to the minute, "-" for none, yes or no."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


ROLE_OPTION = typer.Option(help="viewer reads; editor edits the catalog; admin also manages")
