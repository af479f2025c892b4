"""``nakano-bot texts``: the texts the bot says and their example questions (the
knowledge entries)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from bot.catalog.models import WardText
from bot.cli.common import CLI_ACTOR, catalog_sessions, fail, staff_sessions
from bot.staff import operations as ops
from bot.staff.audit import acting_as
from bot.staff.operations import OperationError

app = typer.Typer(
    help="The texts the bot says; with example questions, knowledge entries (よくある質問)",
    no_args_is_help=True,
)


@app.command("list")
def texts_list() -> None:
    """Every text: key, title and how many example questions it has."""
    with catalog_sessions()() as session:
        for text in session.scalars(select(WardText).order_by(WardText.key)):
            examples = len([line for line in text.examples.splitlines() if line.strip()])
            typer.echo(f"{text.key}\t{text.title}\t{examples}")


@app.command("show")
def texts_show(key: Annotated[str, typer.Argument(help="The text's key")]) -> None:
    """A text in full: title, body, link and example questions."""
    with catalog_sessions()() as session:
        try:
            text = ops.get_text(session, key)
        except OperationError as exc:
            raise fail(str(exc)) from exc
        typer.echo(f"{text.title}\n\n{text.body}\n")
        if text.url:
            typer.echo(f"link: {text.url}")
        for example in text.examples.splitlines():
            typer.echo(f"- {example}")


@app.command("set")
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
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            if session.get(WardText, key) is None:
                ops.create_text(session, key, **{"title": "", "body": "", **changes})
            else:
                ops.update_text(session, key, **changes)
            session.commit()
        except OperationError as exc:
            raise fail(str(exc)) from exc
    typer.echo(f"Saved text {key}.")


@app.command("add-example")
def texts_add_example(
    key: Annotated[str, typer.Argument(help="The text's key")],
    question: Annotated[str, typer.Argument(help="A question residents ask that it answers")],
) -> None:
    """Add an example question to a text (making it a knowledge entry)."""
    with staff_sessions()() as session, acting_as(CLI_ACTOR):
        try:
            text = ops.get_text(session, key)
            ops.update_text(session, key, examples=f"{text.examples}\n{question}")
            session.commit()
        except OperationError as exc:
            raise fail(str(exc)) from exc
    typer.echo(f"Added to {key}: {question}")
