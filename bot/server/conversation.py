"""One conversation pipeline for every channel.

The web chat API and the LINE webhook both hand a resident's text to Rasa here and get the
same answers back, so a fix to the bot reaches every channel at once. Each channel names its
conversations in its own namespace (``web:…``, ``line:…``) so that ids never collide.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import WardText
from bot.server.rasa_client import RasaClient, RasaUnavailableError
from bot.server.schemas import ChatMessage

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = (
    "申し訳ありません。ただいま混み合っているか、調整中のためお答えできません。"
    "しばらくしてから、もう一度お試しください。"
)


@dataclass(frozen=True)
class Reply:
    messages: list[ChatMessage]
    #: False when Rasa or the action server did not answer; ``messages`` then say so.
    available: bool = True


class Conversations:
    def __init__(self, rasa: RasaClient, sessions: sessionmaker[Session]) -> None:
        self._rasa = rasa
        self._sessions = sessions
        #: The texts as last read, for when the database cannot be read.
        self._last_read: dict[str, str] = {}

    async def reply(self, sender: str, text: str) -> Reply:
        """The bot's answers to ``text`` in conversation ``sender`` (already namespaced)."""
        try:
            messages = await self._rasa.send(sender, text)
        except RasaUnavailableError:
            text = "\n".join(filter(None, [UNAVAILABLE_TEXT, self.ward_text("contact")]))
            return Reply([ChatMessage(text=text)], available=False)
        return Reply(messages)

    def ward_text(self, key: str) -> str:
        """A text staff keep in the database (greeting, contact…); empty if it is missing.

        When the database cannot be read (a PostgreSQL restart, which is also when Rasa
        cannot answer), the text as last read: the apology still gives the ward's phone
        number, and a broken database never stops the apology from being sent."""
        try:
            with self._sessions() as session:
                row = session.get(WardText, key)
                text = row.body if row else ""
        except SQLAlchemyError as error:
            logger.warning("could not read the ward text %r (%s); using the last read", key, error)
            return self._last_read.get(key, "")
        self._last_read[key] = text
        return text
