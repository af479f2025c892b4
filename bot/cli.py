"""``nakano-bot``: the command line for operators and staff.

nakano-bot run       import the catalog, train if needed, start everything
nakano-bot import    import the shipped open data into the database
nakano-bot train     train the Rasa model if its inputs changed
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from bot.catalog.importer import CatalogFileError, CatalogFiles, import_into
from bot.server.app import create_app
from bot.services import ServiceError, backend_services, ensure_model, running
from bot.settings import ROOT, get_settings

app = typer.Typer(
    help="中野区 ごみ分別AIチャットボット", no_args_is_help=True, add_completion=False
)
logger = logging.getLogger("bot")


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


if __name__ == "__main__":
    app()
