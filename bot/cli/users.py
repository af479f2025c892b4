"""``nakano-bot users``: staff accounts for /admin."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import StaffUser
from bot.cli.common import CLI_ACTOR, ROLE_OPTION, fail, print_listing, staff_sessions
from bot.staff.accounts import AccountError, Role, hash_password
from bot.staff.accounts import create_user as create_staff_user
from bot.staff.audit import acting_as

app = typer.Typer(
    help="Staff accounts for /admin (roles: viewer reads, editor edits, admin manages)",
    no_args_is_help=True,
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return typer.get_text_stream("stdin").readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _staff_user(session: Session, username: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        raise fail(f"ユーザー「{username}」はいません。")
    return user


_PASSWORD_STDIN = typer.Option(
    "--password-stdin", help="Read the password from the first line of standard input"
)


@app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[Role, ROLE_OPTION] = Role.VIEWER,
    password_stdin: Annotated[bool, _PASSWORD_STDIN] = False,
) -> None:
    """Create a staff account; the password is asked twice (or read from stdin)."""
    password = _read_password(password_stdin)
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            create_staff_user(session, username, password, role)
            session.commit()
        except AccountError as exc:
            raise fail(str(exc)) from exc
    typer.echo(f"Created {role.value} {username.strip()}.")


@app.command("list")
def users_list() -> None:
    """Every staff account, with its role and whether it can log in."""
    print_listing(
        StaffUser,
        ("id", "username", "role", "active", "locked_until", "created_at", "last_login"),
        empty="No staff accounts yet: nakano-bot users create NAME --role admin",
    )


def _set_active(username: str, active: bool) -> None:
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        user = _staff_user(session, username)
        user.active = active
        session.commit()


@app.command("disable")
def users_disable(username: str) -> None:
    """Stop an account from logging in (it is kept for the audit trail)."""
    _set_active(username, False)
    typer.echo(f"Disabled {username}.")


@app.command("enable")
def users_enable(username: str) -> None:
    """Let a disabled account log in again."""
    _set_active(username, True)
    typer.echo(f"Enabled {username}.")


@app.command("set-password")
def users_set_password(
    username: str, password_stdin: Annotated[bool, _PASSWORD_STDIN] = False
) -> None:
    """Give an account a new password; this also lifts a lock-out."""
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        user = _staff_user(session, username)
        password = _read_password(password_stdin)
        try:
            user.password_hash = hash_password(password)
        except AccountError as exc:
            raise fail(str(exc)) from exc
        user.failed_logins = 0
        user.locked_until = None
        session.commit()
    typer.echo(f"Password of {username} changed.")
