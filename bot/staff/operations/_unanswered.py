"""The questions the bot could not answer, each made an alias, an item or an example
question, or dismissed; either way it leaves the list.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.catalog.models import Alias, Item, UnansweredQuestion, WardText
from bot.i18n import JAPANESE
from bot.staff.operations._aliases import add_alias
from bot.staff.operations._errors import existing
from bot.staff.operations._items import create_item
from bot.staff.operations._texts import get_text, with_example


def get_question(session: Session, question_id: int) -> UnansweredQuestion:
    return existing(
        session,
        UnansweredQuestion,
        question_id,
        f"未回答の質問 {question_id} はありません（処理済みかもしれません）。",
    )


def alias_from_unanswered(
    session: Session, question_id: int, item_id: int, alias_name: str | None = None
) -> Alias:
    """Make an unanswered question an alias of an existing item and take it off the list.

    The alias is ``alias_name`` (usually just the item word staff picked out of the
    question) or else the question's text, in the language the question was asked in.
    """
    question = get_question(session, question_id)
    name = alias_name if alias_name is not None else question.text
    alias = add_alias(session, item_id, name, language=question.language or JAPANESE)
    session.delete(question)
    session.flush()
    return alias


def item_from_unanswered(
    session: Session,
    question_id: int,
    name: str,
    category_id: int,
    notes: str = "",
    reading: str = "",
) -> Item:
    """Make an unanswered question a new item and take it off the list."""
    question = get_question(session, question_id)
    item = create_item(session, name, category_id, notes=notes, reading=reading)
    session.delete(question)
    session.flush()
    return item


def dismiss_unanswered(session: Session, question_id: int) -> None:
    """Take a question off the list without changing the catalog (spam, nonsense)."""
    session.delete(get_question(session, question_id))
    session.flush()


def example_from_unanswered(session: Session, question_id: int, key: str) -> WardText:
    """Make an unanswered question an example question of a knowledge entry (or of any
    text, which it makes a knowledge entry) and take it off the list. The next message
    like it is answered with that text."""
    question = get_question(session, question_id)
    text = get_text(session, key)
    text.examples = with_example(text.examples, question.text)
    session.delete(question)
    session.flush()
    return text
