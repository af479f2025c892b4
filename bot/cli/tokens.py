"""``nakano-bot tokens``: bearer tokens for the staff API, shown once."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.catalog.models import StaffToken
from bot.cli.common import CLI_ACTOR, ROLE_OPTION, fail, print_listing, staff_sessions
from bot.staff.accounts import AccountError, Role, revoke_token
from bot.staff.audit import acting_as
from bot.staff.operations import OperationError, issue_token

app = typer.Typer(
    help="Bearer tokens for the staff API (/api/staff), stored hashed",
    no_args_is_help=True,
)


@app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="Who or what uses it (named in the audit log)")],
    role: Annotated[Role, ROLE_OPTION] = Role.VIEWER,
) -> None:
    """Create a token and print it; it cannot be shown again."""
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            token, value = issue_token(session, name, role, CLI_ACTOR)
        except OperationError as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(
            f"Token {token.id} ({role.value}) for {token.name}; "
            "copy it now, it is not shown again:",
            err=True,
        )
    typer.echo(value)


@app.command("list")
def tokens_list() -> None:
    """Every token (never its value): role, who made it, when last used, revoked."""
    print_listing(
        StaffToken,
        ("id", "name", "role", "created_by", "created_at", "last_used", "revoked_at"),
        empty="No tokens yet: nakano-bot tokens create NAME --role viewer",
    )


@app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Stop a token from working, at once."""
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            token = revoke_token(session, token_id)
        except AccountError as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"Revoked token {token.id} ({token.name}).")
