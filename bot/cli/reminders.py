"""``nakano-bot reminders``: send the LINE reminders of a collection date."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Annotated

import typer

from bot.cli.common import catalog_sessions, fail, setup_logging
from bot.reminders.sender import LineNotConfiguredError, ReminderSender, SendReport
from bot.reminders.timer import send_if_due, tokyo_now
from bot.settings import get_settings

app = typer.Typer(
    help="LINE reminders the evening before a collection day (docs/PRODUCTION.md)",
    no_args_is_help=True,
)


@app.command("send")
def reminders_send(
    day: Annotated[
        datetime | None,
        typer.Option(
            "--for", formats=["%Y-%m-%d"], help="Collection date YYYY-MM-DD (default: tomorrow)"
        ),
    ] = None,
    if_due: Annotated[
        bool,
        typer.Option(
            "--if-due",
            help="Send tomorrow's only once the time staff set has come (for a frequent "
            "cron job); otherwise do nothing",
        ),
    ] = False,
) -> None:
    """Push the LINE reminders of a collection date to every subscriber whose area has
    collection then. Each goes once: run it again, or from several machines at once, and
    only what was not sent yet is sent. Prints how many were sent, skipped and failed."""
    setup_logging()
    settings = get_settings()
    sessions = catalog_sessions()
    try:
        sender = ReminderSender.from_settings(settings, sessions)
    except LineNotConfiguredError as exc:
        raise fail(str(exc)) from exc
    if if_due:
        if day is not None:
            raise fail("--for and --if-due cannot be used together.")
        report = asyncio.run(send_if_due(sender, sessions, tokyo_now(settings.fixed_today)))
        if report is None:
            typer.echo("Not the time to send reminders (see LINE通知の設定 in /admin).")
            return
    else:
        tomorrow = tokyo_now(settings.fixed_today).date() + timedelta(days=1)
        report = asyncio.run(sender.send(day.date() if day else tomorrow))
    _print_report(report)


def _print_report(report: SendReport) -> None:
    typer.echo(report.summary())
    for error in dict.fromkeys(report.errors):
        typer.echo(f"  {error}", err=True)
    if report.failed:
        raise typer.Exit(1)
