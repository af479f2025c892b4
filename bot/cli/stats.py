"""``nakano-bot stats``: what the catalog holds and what residents asked."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from bot.catalog.models import Alias, Category, ChatEvent, Item, UnansweredQuestion, utcnow
from bot.cli.common import staff_sessions


def stats(
    days: Annotated[int, typer.Option(min=1, help="Period of the question figures")] = 30,
) -> None:
    """What the catalog holds, what is left unanswered, and how questions ended."""
    since = utcnow() - timedelta(days=days)
    with staff_sessions()() as session:

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
