"""What residents read, in their language: the translations staff keep beside the Japanese.

A translation is used only while it translates the Japanese as it is now (its ``source``
is the current Japanese): when staff change a Japanese text, its old translation would say
something else, so the resident gets the Japanese instead, with a line saying so, until
someone updates the translation. A clerk's tick (``reviewed``) does not change what is
said; it tells the admin which translations a person has checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Translation

#: The kinds of text translated, and their fields. A notice (お知らせ) is keyed by its id.
TEXT, CATEGORY, NOTE, NOTICE = "text", "category", "note", "notice"
FIELDS = {
    TEXT: ("title", "body", "examples"),
    CATEGORY: ("name", "description"),
    NOTE: ("note",),
    NOTICE: ("text",),
}


@dataclass(frozen=True)
class Translated:
    source: str
    body: str


def translates(source: str, japanese: str) -> bool:
    """Whether a translation made from ``source`` still translates ``japanese``: the same
    lines, whatever the blank lines and the spaces around them (a clerk who re-saves a text
    has not changed what it says)."""
    return _lines(source) == _lines(japanese)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Translations:
    """Every translation in memory, found by kind, key, field and language."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, str, str]]) -> None:
        self._rows = {
            (kind, key, field, language): Translated(source, body)
            for kind, key, field, language, source, body in rows
        }

    @classmethod
    def load(cls, session: Session) -> Translations:
        return cls(
            session.execute(
                select(
                    Translation.kind,
                    Translation.key,
                    Translation.field,
                    Translation.language,
                    Translation.source,
                    Translation.body,
                )
            ).tuples()
        )

    def get(self, kind: str, key: str, field: str, language: str, japanese: str) -> str | None:
        """The translation of ``japanese`` (the ``field`` of ``kind`` ``key``), or ``None``
        when there is none, it is empty, or it translates another Japanese text."""
        found = self._rows.get((kind, key, field, language))
        if found is None or not found.body.strip() or not translates(found.source, japanese):
            return None
        return found.body

    def note(self, japanese: str, language: str) -> str | None:
        """An item's notes, found by the Japanese notes themselves (items share them)."""
        return self.get(NOTE, japanese.strip(), "note", language, japanese)
