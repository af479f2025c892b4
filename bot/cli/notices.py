"""``nakano-bot notices``: staff notices (お知らせ) that cancel or move a collection,
or give news."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from bot.catalog.calendar import today_in_tokyo
from bot.catalog.models import Notice
from bot.catalog.notices import NOTICE_KIND_NAMES, NoticeKind, notice_label
from bot.catalog.schedule import area_label
from bot.cli.common import CLI_ACTOR, fail, staff_sessions
from bot.settings import get_settings
from bot.staff import operations as ops
from bot.staff.audit import acting_as
from bot.staff.operations import OperationError

app = typer.Typer(
    help="Staff notices (お知らせ): collection cancelled or moved on some days, or news; "
    "applied by the answers, the calendar feed and the reminders",
    no_args_is_help=True,
)


#: How a day is written on the command line.
DAY = {"formats": ["%Y-%m-%d"], "metavar": "YYYY-MM-DD"}


@app.command("list")
def notices_list(
    every: Annotated[
        bool, typer.Option("--all", help="Also those whose last day has passed")
    ] = False,
) -> None:
    """The notices by their first day (those still to come or going on, unless --all)."""
    query = select(Notice).order_by(Notice.starts_on, Notice.id)
    if not every:
        query = query.where(Notice.ends_on >= today_in_tokyo(get_settings().fixed_today))
    with staff_sessions()() as session:
        notices = list(session.scalars(query))
        if not notices:
            typer.echo("No notices: nakano-bot notices add cancelled --from YYYY-MM-DD …")
            return
        table = Table("id", "notice", "areas", "categories", "text", show_lines=True)
        for notice in notices:
            table.add_row(
                str(notice.id),
                notice_label(notice),
                "全地域" if notice.all_areas else "、".join(map(area_label, notice.areas)),
                "、".join(c.name for c in notice.categories) or "すべて",
                notice.text,
            )
    Console().print(table)


@app.command("add")
def notices_add(
    kind: Annotated[
        NoticeKind,
        typer.Argument(
            help=", ".join(f"{kind.value} ({name})" for kind, name in NOTICE_KIND_NAMES.items())
        ),
    ],
    starts_on: Annotated[datetime, typer.Option("--from", help="First day", **DAY)],
    ends_on: Annotated[
        datetime | None, typer.Option("--to", help="Last day (default: --from)", **DAY)
    ] = None,
    moved_to: Annotated[
        datetime | None, typer.Option("--moved-to", help="moved: the day instead", **DAY)
    ] = None,
    areas: Annotated[
        list[str] | None,
        typer.Option("--area", help="An area as residents write it (野方3丁目); repeat it"),
    ] = None,
    all_areas: Annotated[bool, typer.Option("--all-areas", help="Every area")] = False,
    categories: Annotated[
        list[str] | None,
        typer.Option("--category", help="A category (燃やすごみ); repeat it; none: every one"),
    ] = None,
    text: Annotated[str, typer.Option(help="What residents read, in Japanese")] = "",
) -> None:
    """Add a notice; the running bot applies it from the next message on."""

    def day(moment: datetime | None) -> date | None:
        return moment.date() if moment is not None else None

    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            notice = ops.create_notice(
                session,
                kind.value,
                starts_on.date(),
                day(ends_on) or starts_on.date(),
                text,
                moved_to=day(moved_to),
                all_areas=all_areas,
                area_ids=[a.id for a in ops.areas_named(session, areas or [])],
                category_ids=[c.id for c in ops.categories_named(session, categories or [])],
            )
            session.commit()
        except OperationError as exc:
            raise fail(str(exc)) from exc
        label = notice_label(notice)
    typer.echo(f"Added notice {notice.id}: {label}")


@app.command("delete")
def notices_delete(notice_id: Annotated[int, typer.Argument(help="The notice's id")]) -> None:
    """Delete a notice (with its translations); those days follow the weekday rules again."""
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            ops.delete_notice(session, notice_id)
            session.commit()
        except OperationError as exc:
            raise fail(str(exc)) from exc
    typer.echo(f"Deleted notice {notice_id}.")
