"""What the conversation remembers from earlier turns, kept in Rasa slots (see domain.yml).

The slots are read into one :class:`Context` per message; the answers set them again
with ``SlotSet`` events under the names here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rasa_sdk import Tracker

from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.i18n import JAPANESE
from bot.japanese import match_key

#: Slots of the conversation (see domain.yml).
AREA_SLOT = "area_id"
PENDING_SLOT = "pending_question"
LAST_ITEMS_SLOT = "last_items"
LAST_SAID_SLOT = "last_said"
LAST_TOPIC_SLOT = "last_topic"
LAST_QUESTION_SLOT = "last_question"
LANGUAGE_SLOT = "language"
TOWN_SLOT = "town"
PENDING_REMINDER_SLOT = "pending_reminder"


@dataclass
class Context:
    """What the conversation remembers from earlier turns."""

    area_id: int | None = None
    #: A collection-day question waiting for the resident's area.
    pending_question: str | None = None
    #: The items of the last item answer (one, or the variants asked about).
    last_items: list[int] = field(default_factory=list)
    #: What the resident called the last item.
    last_said: str = ""
    #: The knowledge entry the last answer came from (or said after an item answer).
    last_topic: str | None = None
    #: The last collection-day question answered, for 「2丁目だと？」.
    last_question: str | None = None
    #: The language of the resident's last message that was in one (a tapped button's
    #: payload, or 「PC」, is in none, and is answered in this one).
    language: str = JAPANESE
    #: A town the resident named without the 丁目 it needs (「野方に住んでる」), until they
    #: say the 丁目.
    town: str | None = None
    #: The conversation's id: ``line:user:<id>`` in a LINE friend's one-to-one chat, the
    #: only kind reminders can be pushed to (:mod:`bot.line.conversation_ids`).
    sender: str = ""
    #: Reminders being set up (a request waiting for the area, or just confirmed): the
    #: categories asked for (empty: all of them); ``None`` otherwise.
    pending_reminder: list[str] | None = None

    def items(self, index: CatalogIndex) -> list[CatalogItem]:
        """The last items, the one whose name the resident said first (「ビールびん」,
        not 「酒びん」, which the same word names)."""
        items = [index.items[i] for i in self.last_items if i in index.items]
        said = match_key(self.last_said)
        return sorted(items, key=lambda item: match_key(item.base_name) != said)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Context:
        slot = tracker.get_slot
        area = slot(AREA_SLOT)
        try:
            last_items = [int(i) for i in json.loads(slot(LAST_ITEMS_SLOT) or "[]")]
        except (TypeError, ValueError):
            last_items = []
        return cls(
            area_id=int(area) if area and str(area).isdigit() else None,
            pending_question=slot(PENDING_SLOT),
            last_items=last_items,
            last_said=slot(LAST_SAID_SLOT) or "",
            last_topic=slot(LAST_TOPIC_SLOT),
            last_question=slot(LAST_QUESTION_SLOT),
            language=slot(LANGUAGE_SLOT) or JAPANESE,
            town=slot(TOWN_SLOT),
            sender=tracker.sender_id or "",
            pending_reminder=_names(slot(PENDING_REMINDER_SLOT)),
        )


def _names(raw: str | None) -> list[str] | None:
    """A slot holding a JSON list of names; ``None`` when unset or unreadable."""
    try:
        names = json.loads(raw) if raw else None
    except ValueError:
        return None
    return [str(n) for n in names] if isinstance(names, list) else None
