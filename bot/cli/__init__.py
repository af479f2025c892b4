"""``nakano-bot``: the command line for operators and staff.

nakano-bot run       import the catalog, train if needed, start everything
nakano-bot import    import the shipped open data into the database
nakano-bot train     train the Rasa model if its inputs changed
nakano-bot items     export the item table, or import one after a preview of its changes
nakano-bot users     staff accounts for /admin: create, list, disable, set a password
nakano-bot tokens    staff API tokens: create (shown once), list, revoke
nakano-bot texts     the texts the bot says and their example questions (knowledge entries)
nakano-bot notices   staff notices (お知らせ): collection cancelled or moved, or news
nakano-bot stats     what the catalog holds and what residents asked
nakano-bot db        the catalog's schema: upgrade it (Alembic migrations), show its revision
nakano-bot reminders send the LINE reminders of a collection date (default: tomorrow)

One module per command group; this one only puts them together, in the order ``--help``
lists them (the entry point in pyproject.toml is ``bot.cli:app``).
"""

from __future__ import annotations

import typer

from bot.cli import db, items, notices, reminders, running, stats, texts, tokens, users

app = typer.Typer(
    help="中野区 ごみ分別AIチャットボット", no_args_is_help=True, add_completion=False
)
app.command("import")(running.import_command)
app.command()(running.train)
app.command()(running.run)
app.command()(stats.stats)
app.add_typer(items.app, name="items")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(texts.app, name="texts")
app.add_typer(notices.app, name="notices")
app.add_typer(db.app, name="db")
app.add_typer(reminders.app, name="reminders")
