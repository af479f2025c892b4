"""``nakano-bot``: the command line for operators and staff.

nakano-bot run       import the catalog, train if needed, start everything
nakano-bot import    import the shipped open data into the database
nakano-bot train     train the Rasa model if its inputs changed
nakano-bot items     export the item table, or import one after a preview of its changes
"""

from __future__ import annotations

import logging
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import create_schema, get_sessionmaker
from bot.catalog.formats import (
    AUTO,
    WRITE_ENCODINGS,
    ExportEncodingError,
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
from bot.server.app import create_app
from bot.services import ServiceError, backend_services, ensure_model, running
from bot.settings import ROOT, get_settings

app = typer.Typer(
    help="中野区 ごみ分別AIチャットボット", no_args_is_help=True, add_completion=False
)
items_app = typer.Typer(
    help="The item table (ごみ分別一覧): export it, or import a file after a preview",
    no_args_is_help=True,
)
app.add_typer(items_app, name="items")
logger = logging.getLogger("bot")

# Choices for the options, made from the library's own lists so they cannot drift apart.
ImportFormat = Enum(
    "ImportFormat", [(AUTO, AUTO), *((f.value, f.value) for f in ItemFormat)], type=str
)
Encoding = Enum("Encoding", [(e, e) for e in WRITE_ENCODINGS], type=str)
_AUTO_FORMAT = ImportFormat(AUTO)
_UTF8 = Encoding("utf-8")


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )


@app.command("import")
def import_command(
    data_dir: Annotated[Path, typer.Option(help="Folder holding nakano/ and catalog_seed.yml")] = (
        ROOT / "data"
    ),
) -> None:
    """Import the ward's item table, collection days and texts (idempotent, all or nothing)."""
    _configure_logging()
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
    """Start the bot with the embedded defaults and print the address to open."""
    _configure_logging()
    settings = get_settings()
    try:
        files = CatalogFiles.shipped(settings.data_dir)
        logger.info("catalog: %s", import_into(settings.database_url, files).summary())
        model = ensure_model(settings)
        run_dir = Path(tempfile.mkdtemp(prefix="nakano-bot-"))
        with running(backend_services(settings, model, run_dir)):
            url = f"http://{settings.host}:{settings.port}/"
            typer.secho(f"\n  The bot is ready: open {url}\n  (Ctrl-C stops it)\n", bold=True)
            logger.info("Rasa and action server logs: %s", run_dir)
            uvicorn.run(
                create_app(settings), host=settings.host, port=settings.port, log_level="info"
            )
    except (CatalogFileError, ServiceError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        pass
    logger.info("stopped")


def _catalog_sessions() -> sessionmaker[Session]:
    url = get_settings().database_url
    create_schema(url)
    return get_sessionmaker(url)


@items_app.command("export")
def items_export(
    fmt: Annotated[
        ItemFormat, typer.Option("--format", "-f", help="File format to write")
    ] = ItemFormat.NAKANO,
    encoding: Annotated[Encoding, typer.Option(help="utf-8-sig or cp932 for Excel")] = _UTF8,
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
    sessions = _catalog_sessions()
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
        with sessions() as session:
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
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # typer without rich: plain lines
        for line, name, what in rows:
            typer.echo(f"{line:>6} {name}: {what}")
        return
    table = Table("line", "item", "change", show_lines=True)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    app()
