"""``nakano-bot items``: export the item table, or import a file after a preview of
what it changes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.catalog.formats import (
    AUTO,
    ExportEncoding,
    ExportEncodingError,
    ImportFormat,
    ItemFormat,
    export_items,
    read_item_file,
)
from bot.catalog.importer import CatalogFileError
from bot.catalog.item_changes import ItemPreview, StalePreviewError, apply_items, preview_upload
from bot.cli.common import CLI_ACTOR, catalog_sessions, staff_sessions
from bot.staff.audit import acting_as

app = typer.Typer(
    help="The item table (ごみ分別一覧): export it, or import a file after a preview",
    no_args_is_help=True,
)

_AUTO_FORMAT = ImportFormat(AUTO)
_UTF8 = ExportEncoding("utf-8")


@app.command("export")
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
    with catalog_sessions()() as session:
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


@app.command("import")
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
    sessions = staff_sessions()
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
