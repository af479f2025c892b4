"""``nakano-bot``: the command line for operators and staff.

nakano-bot run       import the catalog, train if needed, start everything
nakano-bot import    import the shipped open data into the database
nakano-bot train     train the Rasa model if its inputs changed
nakano-bot items     export the item table, or import one after a preview of its changes
nakano-bot users     staff accounts for /admin: create, list, disable, set a password
nakano-bot tokens    staff API tokens: create (shown once), list, revoke
nakano-bot notices   staff notices (お知らせ): collection cancelled or moved, or news
nakano-bot stats     what the catalog holds and what residents asked
nakano-bot db        the catalog's schema: upgrade it (Alembic migrations), show its revision
nakano-bot reminders send the LINE reminders of a collection date (default: tomorrow)
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from alembic.util import CommandError
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog import db as catalog_db
from bot.catalog.calendar import today_in_tokyo
from bot.catalog.db import create_schema, get_sessionmaker
from bot.catalog.formats import (
    AUTO,
    ExportEncoding,
    ExportEncodingError,
    ImportFormat,
    ItemFormat,
    export_items,
    read_item_file,
)
from bot.catalog.importer import CatalogFileError, CatalogFiles, import_into
from bot.catalog.item_changes import (
    ItemPreview,
    StalePreviewError,
    apply_items,
    preview_upload,
)
from bot.catalog.models import (
    Alias,
    Category,
    ChatEvent,
    Item,
    Notice,
    StaffToken,
    StaffUser,
    UnansweredQuestion,
    WardText,
    utcnow,
)
from bot.catalog.notices import NOTICE_KIND_NAMES, NoticeKind, notice_label
from bot.catalog.schedule import area_label
from bot.logs import configure_logging
from bot.reminders.sender import LineNotConfiguredError, ReminderSender, SendReport
from bot.reminders.timer import send_if_due, tokyo_now
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
from bot.staff import operations as ops
from bot.staff.accounts import AccountError, Role, hash_password, revoke_token
from bot.staff.accounts import create_user as create_staff_user
from bot.staff.audit import acting_as, staff_sessionmaker
from bot.staff.operations import OperationError, issue_token

app = typer.Typer(
    help="中野区 ごみ分別AIチャットボット", no_args_is_help=True, add_completion=False
)
items_app = typer.Typer(
    help="The item table (ごみ分別一覧): export it, or import a file after a preview",
    no_args_is_help=True,
)
app.add_typer(items_app, name="items")
users_app = typer.Typer(
    help="Staff accounts for /admin (roles: viewer reads, editor edits, admin manages)",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
tokens_app = typer.Typer(
    help="Bearer tokens for the staff API (/api/staff), stored hashed",
    no_args_is_help=True,
)
app.add_typer(tokens_app, name="tokens")
texts_app = typer.Typer(
    help="The texts the bot says; with example questions, knowledge entries (よくある質問)",
    no_args_is_help=True,
)
app.add_typer(texts_app, name="texts")
notices_app = typer.Typer(
    help="Staff notices (お知らせ): collection cancelled or moved on some days, or news; "
    "applied by the answers, the calendar feed and the reminders",
    no_args_is_help=True,
)
app.add_typer(notices_app, name="notices")
db_app = typer.Typer(
    help="The catalog database's schema (Alembic migrations in bot/catalog/migrations)",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
reminders_app = typer.Typer(
    help="LINE reminders the evening before a collection day (docs/PRODUCTION.md)",
    no_args_is_help=True,
)
app.add_typer(reminders_app, name="reminders")
logger = logging.getLogger("bot")

_AUTO_FORMAT = ImportFormat(AUTO)
_UTF8 = ExportEncoding("utf-8")


def _configure_logging() -> None:
    configure_logging(get_settings().log_format)


@app.command("import")
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
    _configure_logging()
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


@app.command()
def train(
    force: Annotated[bool, typer.Option(help="Train even if nothing changed")] = False,
) -> None:
    """Train the Rasa model if the training data, config or tokenizer changed."""
    _configure_logging()
    try:
        path = ensure_model(get_settings(), force=force)
    except ServiceError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Model: {path}")


@app.command()
def run() -> None:
    """Start the bot (the embedded default, or NAKANO_BOT_PROFILE=production: PostgreSQL,
    Redis, several Rasa replicas and app workers) and print the address to open."""
    _configure_logging()
    settings = get_settings()
    try:
        if settings.production:
            _check_production(settings)
            ensure_database(settings.database_url)
        _first_import(settings)
        model = ensure_model(settings)
        run_dir = Path(tempfile.mkdtemp(prefix="nakano-bot-"))
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


def _catalog_sessions() -> sessionmaker[Session]:
    url = get_settings().database_url
    create_schema(url)
    return get_sessionmaker(url)


@items_app.command("export")
def items_export(
    fmt: Annotated[
        ItemFormat, typer.Option("--format", "-f", help="File format to write")
    ] = ItemFormat.NAKANO,
    encoding: Annotated[ExportEncoding, typer.Option(help="utf-8-sig or cp932 for Excel")] = _UTF8,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")
    ] = None,
) -> None:
    """Write the catalog's item table as the ward's CSV, the Digital Agency's or 5374's."""
    with _catalog_sessions()() as session:
        try:
            data = export_items(session, fmt, encoding.value)
        except ExportEncodingError as exc:
            typer.echo(f"Some items cannot be written in {exc.encoding}:", err=True)
            for problem in exc.problems:
                typer.echo(f"  {problem}", err=True)
            typer.echo("Choose --encoding utf-8-sig to keep every character.", err=True)
            raise typer.Exit(1) from exc
    if output is None:
        typer.get_binary_stream("stdout").write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"Wrote {output} ({fmt.value}, {encoding.value}).", err=True)


@items_app.command("import")
def items_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV file")],
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="File format; auto reads the header")
    ] = _AUTO_FORMAT,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking")] = False,
    keep_missing: Annotated[
        bool, typer.Option(help="Keep items the file lacks instead of removing them")
    ] = False,
) -> None:
    """Show what the file would change in the item table, then apply it all or nothing."""
    data = file.read_bytes()
    sessions = _staff_sessions()
    with sessions() as session:
        preview = preview_upload(
            session, file.name, data, fmt.value, remove_missing=not keep_missing
        )
    if not preview.ok:
        typer.echo("The file cannot be imported; nothing was written:", err=True)
        for error in preview.errors:
            typer.echo(f"  {error}", err=True)
        raise typer.Exit(1)
    _show_preview(preview)
    if not preview.has_changes:
        typer.echo("Nothing to change.")
        return
    if not yes:
        typer.confirm("Apply these changes?", abort=True)
    try:
        with sessions() as session, acting_as(CLI_ACTOR):
            done = apply_items(
                session,
                read_item_file(file.name, data, fmt.value),
                remove_missing=not keep_missing,
                expected_fingerprint=preview.fingerprint,
            )
    except (CatalogFileError, StalePreviewError) as exc:
        typer.echo(f"Nothing was written: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Applied: {done.summary()}")


def _show_preview(preview: ItemPreview) -> None:
    """Every change on a line of its own: + added, ~ changed (old → new), - removed."""
    assert preview.format is not None
    typer.echo(f"{preview.file} ({preview.format.value}, {preview.encoding})")
    typer.echo(preview.summary())
    rows = [(f"+{r.line}", r.name, f"category: {r.category}") for r in preview.added]
    rows += [
        (f"~{c.line}", c.name, "\n".join(f"{f.field}: {f.old} → {f.new}" for f in c.fields))
        for c in preview.changed
    ]
    rows += [
        (
            "-",
            r.name,
            f"category: {r.category}" + (f"\naliases: {'、'.join(r.aliases)}" if r.aliases else ""),
        )
        for r in preview.removed
    ]
    if not rows:
        return
    table = Table("line", "item", "change", show_lines=True)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


# --- staff accounts, API tokens and figures --------------------------------------------------

#: Who the audit log names for writes made from the command line.
CLI_ACTOR = "cli"


def _staff_sessions() -> sessionmaker[Session]:
    """Sessions whose writes are audited and reload the running bot."""
    url = get_settings().database_url
    create_schema(url)
    return staff_sessionmaker(url)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return typer.get_text_stream("stdin").readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def _staff_user(session: Session, username: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        raise _fail(f"ユーザー「{username}」はいません。")
    return user


_ROLE_OPTION = typer.Option(help="viewer reads; editor edits the catalog; admin also manages")
_PASSWORD_STDIN = typer.Option(
    "--password-stdin", help="Read the password from the first line of standard input"
)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[Role, _ROLE_OPTION] = Role.VIEWER,
    password_stdin: Annotated[bool, _PASSWORD_STDIN] = False,
) -> None:
    """Create a staff account; the password is asked twice (or read from stdin)."""
    password = _read_password(password_stdin)
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            create_staff_user(session, username, password, role)
            session.commit()
        except AccountError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"Created {role.value} {username.strip()}.")


@users_app.command("list")
def users_list() -> None:
    """Every staff account, with its role and whether it can log in."""
    with _staff_sessions()() as session:
        users = list(session.scalars(select(StaffUser).order_by(StaffUser.id)))
    if not users:
        typer.echo("No staff accounts yet: nakano-bot users create NAME --role admin")
        return
    table = Table("id", "username", "role", "active", "locked until", "created", "last login")
    for user in users:
        table.add_row(
            str(user.id),
            user.username,
            user.role,
            "yes" if user.active else "no",
            _when(user.locked_until),
            _when(user.created_at),
            _when(user.last_login),
        )
    Console().print(table)


def _set_active(username: str, active: bool) -> None:
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        user = _staff_user(session, username)
        user.active = active
        session.commit()


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Stop an account from logging in (it is kept for the audit trail)."""
    _set_active(username, False)
    typer.echo(f"Disabled {username}.")


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Let a disabled account log in again."""
    _set_active(username, True)
    typer.echo(f"Enabled {username}.")


@users_app.command("set-password")
def users_set_password(
    username: str, password_stdin: Annotated[bool, _PASSWORD_STDIN] = False
) -> None:
    """Give an account a new password; this also lifts a lock-out."""
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        user = _staff_user(session, username)
        password = _read_password(password_stdin)
        try:
            user.password_hash = hash_password(password)
        except AccountError as exc:
            raise _fail(str(exc)) from exc
        user.failed_logins = 0
        user.locked_until = None
        session.commit()
    typer.echo(f"Password of {username} changed.")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="Who or what uses it (named in the audit log)")],
    role: Annotated[Role, _ROLE_OPTION] = Role.VIEWER,
) -> None:
    """Create a token and print it; it cannot be shown again."""
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            token, value = issue_token(session, name, role, CLI_ACTOR)
        except OperationError as exc:
            raise _fail(str(exc)) from exc
        session.commit()
        typer.echo(
            f"Token {token.id} ({role.value}) for {token.name}; "
            "copy it now, it is not shown again:",
            err=True,
        )
    typer.echo(value)


@tokens_app.command("list")
def tokens_list() -> None:
    """Every token (never its value): role, who made it, when last used, revoked."""
    with _staff_sessions()() as session:
        tokens = list(session.scalars(select(StaffToken).order_by(StaffToken.id)))
    if not tokens:
        typer.echo("No tokens yet: nakano-bot tokens create NAME --role viewer")
        return
    table = Table("id", "name", "role", "created by", "created", "last used", "revoked")
    for token in tokens:
        table.add_row(
            str(token.id),
            token.name,
            token.role,
            token.created_by,
            _when(token.created_at),
            _when(token.last_used),
            _when(token.revoked_at),
        )
    Console().print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Stop a token from working, at once."""
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            token = revoke_token(session, token_id)
        except AccountError as exc:
            raise _fail(str(exc)) from exc
        session.commit()
        typer.echo(f"Revoked token {token.id} ({token.name}).")


@texts_app.command("list")
def texts_list() -> None:
    """Every text: key, title and how many example questions it has."""
    with _catalog_sessions()() as session:
        for text in session.scalars(select(WardText).order_by(WardText.key)):
            examples = len([line for line in text.examples.splitlines() if line.strip()])
            typer.echo(f"{text.key}\t{text.title}\t{examples}")


@texts_app.command("show")
def texts_show(key: Annotated[str, typer.Argument(help="The text's key")]) -> None:
    """A text in full: title, body, link and example questions."""
    with _catalog_sessions()() as session:
        try:
            text = ops.get_text(session, key)
        except OperationError as exc:
            raise _fail(str(exc)) from exc
        typer.echo(f"{text.title}\n\n{text.body}\n")
        if text.url:
            typer.echo(f"link: {text.url}")
        for example in text.examples.splitlines():
            typer.echo(f"- {example}")


@texts_app.command("set")
def texts_set(
    key: Annotated[str, typer.Argument(help="The text's key; a new key adds a text")],
    title: Annotated[str | None, typer.Option(help="The title staff see")] = None,
    body: Annotated[str | None, typer.Option(help="What the bot says")] = None,
    url: Annotated[str | None, typer.Option(help="A page with more ('' for none)")] = None,
    examples: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="File of example questions, one a line"),
    ] = None,
) -> None:
    """Change a text, or add one; the running bot uses it from the next message on."""
    changes = {
        name: value
        for name, value in (("title", title), ("body", body), ("url", url))
        if value is not None
    }
    if examples is not None:
        changes["examples"] = examples.read_text(encoding="utf-8-sig")
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            if session.get(WardText, key) is None:
                ops.create_text(session, key, **{"title": "", "body": "", **changes})
            else:
                ops.update_text(session, key, **changes)
            session.commit()
        except OperationError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"Saved text {key}.")


@texts_app.command("add-example")
def texts_add_example(
    key: Annotated[str, typer.Argument(help="The text's key")],
    question: Annotated[str, typer.Argument(help="A question residents ask that it answers")],
) -> None:
    """Add an example question to a text (making it a knowledge entry)."""
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            text = ops.get_text(session, key)
            ops.update_text(session, key, examples=f"{text.examples}\n{question}")
            session.commit()
        except OperationError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"Added to {key}: {question}")


#: How a day is written on the command line.
DAY = {"formats": ["%Y-%m-%d"], "metavar": "YYYY-MM-DD"}


@notices_app.command("list")
def notices_list(
    every: Annotated[
        bool, typer.Option("--all", help="Also those whose last day has passed")
    ] = False,
) -> None:
    """The notices by their first day (those still to come or going on, unless --all)."""
    query = select(Notice).order_by(Notice.starts_on, Notice.id)
    if not every:
        query = query.where(Notice.ends_on >= today_in_tokyo(get_settings().fixed_today))
    with _staff_sessions()() as session:
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


@notices_app.command("add")
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

    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
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
            raise _fail(str(exc)) from exc
        label = notice_label(notice)
    typer.echo(f"Added notice {notice.id}: {label}")


@notices_app.command("delete")
def notices_delete(notice_id: Annotated[int, typer.Argument(help="The notice's id")]) -> None:
    """Delete a notice (with its translations); those days follow the weekday rules again."""
    with _staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            ops.delete_notice(session, notice_id)
            session.commit()
        except OperationError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"Deleted notice {notice_id}.")


@app.command()
def stats(
    days: Annotated[int, typer.Option(min=1, help="Period of the question figures")] = 30,
) -> None:
    """What the catalog holds, what is left unanswered, and how questions ended."""
    since = utcnow() - timedelta(days=days)
    with _staff_sessions()() as session:

        def count(*what: object) -> int:
            return session.scalar(select(*what)) or 0

        catalog = Table("catalog", "count", title="Catalog")
        catalog.add_row("items", str(count(func.count(Item.id))))
        catalog.add_row("aliases", str(count(func.count(Alias.id))))
        catalog.add_row("categories", str(count(func.count(Category.id))))
        catalog.add_row("unanswered questions", str(count(func.count(UnansweredQuestion.id))))
        catalog.add_row("  times asked", str(count(func.sum(UnansweredQuestion.count))))
        outcomes = session.execute(
            select(ChatEvent.outcome, func.count(ChatEvent.id))
            .where(ChatEvent.at >= since)
            .group_by(ChatEvent.outcome)
            .order_by(func.count(ChatEvent.id).desc(), ChatEvent.outcome)
        ).all()
    console = Console()
    console.print(catalog)
    if not outcomes:
        console.print(f"No questions recorded in the last {days} days.")
        return
    total = sum(n for _, n in outcomes)
    questions = Table("outcome", "questions", "share", title=f"Questions in the last {days} days")
    for outcome, n in outcomes:
        questions.add_row(outcome, str(n), f"{n / total:.1%}")
    questions.add_row("total", str(total), "100.0%")
    console.print(questions)


# --- the catalog's schema ----------------------------------------------------------------

_DATABASE_URL = typer.Option(
    "--database-url", help="SQLAlchemy URL (default: NAKANO_BOT_DATABASE_URL or the settings)"
)


def _revisions(url: str) -> tuple[str, ...]:
    """The database's revision(s); a friendly exit when it cannot be reached."""
    try:
        with catalog_db.get_engine(url).connect() as connection:
            return catalog_db.database_revisions(connection)
    except SQLAlchemyError as exc:
        raise _fail(f"Cannot read the database: {getattr(exc, 'orig', None) or exc}") from exc


def _describe(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else "none (never migrated)"


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Revision to upgrade to")] = "head",
    database_url: Annotated[str | None, _DATABASE_URL] = None,
) -> None:
    """Apply the migrations the database lacks (a catalog made before migrations is
    stamped at the first revision first). Safe to run while the bot runs."""
    _configure_logging()
    url = database_url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    before = _revisions(url)
    try:
        catalog_db.upgrade(url, revision)
    except (SQLAlchemyError, CommandError) as exc:
        raise _fail(f"The upgrade failed; nothing was changed: {exc}") from exc
    after = _revisions(url)
    if before == after:
        typer.echo(f"Already at {_describe(after)}; nothing to do.")
    else:
        typer.echo(f"Upgraded from {_describe(before)} to {_describe(after)}.")


@db_app.command("current")
def db_current(database_url: Annotated[str | None, _DATABASE_URL] = None) -> None:
    """The revision the database is at and the one this code expects; exits with 1 when
    they differ (run ``nakano-bot db upgrade``)."""
    url = database_url or get_settings().database_url
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and not path.exists():
        raise _fail(f"No catalog at {path}: nakano-bot db upgrade creates it.")
    current = _revisions(url)
    head = catalog_db.head_revisions()
    typer.echo(f"database: {_describe(current)}")
    typer.echo(f"code:     {_describe(head)}")
    if set(current) != set(head):
        typer.echo("The database is not at the code's revision: run nakano-bot db upgrade.")
        raise typer.Exit(1)
    typer.echo("Up to date.")


# --- LINE reminders ----------------------------------------------------------------------


@reminders_app.command("send")
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
    _configure_logging()
    settings = get_settings()
    sessions = _catalog_sessions()
    try:
        sender = ReminderSender.from_settings(settings, sessions)
    except LineNotConfiguredError as exc:
        raise _fail(str(exc)) from exc
    if if_due:
        if day is not None:
            raise _fail("--for and --if-due cannot be used together.")
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


if __name__ == "__main__":
    app()
