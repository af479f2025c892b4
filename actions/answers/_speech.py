"""What every answer shares: the resident's language, the ward texts in it, and sending."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.context import live_catalog
from actions.reading import Reading
from actions.replies import Reply
from bot.catalog.models import WardText
from bot.i18n.detect import base_language
from bot.i18n.voice import Voice


def voice_for(reading: Reading) -> Voice:
    """The answer's voice: in the language the resident wrote in."""
    catalog = live_catalog()
    language = reading.language
    names = {**catalog.item_names(base_language(language)), **reading.said_names}
    return Voice(language, catalog.translations(), names)


def ward_texts(session: Session, voice: Voice) -> dict[str, str]:
    """The ward texts, in the resident's language."""
    rows = session.execute(select(WardText.key, WardText.body)).tuples().all()
    return {key: voice.text(key, body) for key, body in rows}


def send(dispatcher: CollectingDispatcher, replies_: list[Reply]) -> None:
    """Each reply as one message; its links ride along as the message's custom JSON,
    which the app puts back on the message (``bot/server/rasa_client.py``)."""
    for reply in replies_:
        dispatcher.utter_message(
            text=reply.text,
            buttons=reply.buttons or None,
            json_message={"links": reply.links} if reply.links else None,
        )
