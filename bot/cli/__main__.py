"""``python -m bot.cli``: the same as ``nakano-bot``."""

from bot.cli import app

app()
