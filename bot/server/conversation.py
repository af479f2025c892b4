"""One conversation pipeline for every channel.

The web chat API and the LINE webhook both hand a resident's text to Rasa here and get the
same answers back, so a fix to the bot reaches every channel at once. Each channel names its
conversations in its own namespace (``web:…``, ``line:…``) so that ids never collide.

Rasa reads a text that starts with ``/`` (after ``str.strip()``) as an intent with entities
(``/restart``, ``/session_start``, ``/ask_item{"item_id": 3}``), and so would obey anything a
resident typed that way. Only the bot's own buttons may speak that way: on the way out each
``/…`` payload is signed (:class:`ButtonPayloads`), on the way in a correctly signed text is
handed to Rasa as the payload it was, and any other text that would start with ``/`` (also
after NFKC, so a full-width ``／``) starts with ``／`` instead, which Rasa reads as words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from bot.catalog.models import Translation, WardText
from bot.catalog.translations import TEXT, Translations
from bot.i18n.detect import base_language, language_of
from bot.server.own_words import foreign_voice
from bot.server.rasa_client import RasaClient, RasaUnavailableError
from bot.server.schemas import Button, ChatMessage, Link
from bot.settings import Settings

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = (
    "申し訳ありません。ただいま混み合っているか、調整中のためお答えできません。"
    "しばらくしてから、もう一度お試しください。"
)


#: Rasa's intent prefix (``rasa.shared.constants.INTENT_MESSAGE_PREFIX``).
INTENT_PREFIX = "/"
#: What a resident's leading ``/`` becomes: the full-width slash, read as plain text.
PLAIN_SLASH = "／"
#: Between a payload and its signature; not in the signature's URL-safe base64 alphabet.
SIGNATURE_MARK = "~"


class ButtonPayloads:
    """Signs the intent payloads of the bot's buttons and recognises them when they come
    back, so that Rasa obeys intent syntax from a tapped button only."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def sign(self, payload: str) -> str:
        """What the button carries: ``payload~signature`` for an intent payload; a plain
        question (an example, a 丁目) as it is, since it is read as words anyway."""
        if not payload.startswith(INTENT_PREFIX):
            return payload
        return f"{payload}{SIGNATURE_MARK}{self._signature(payload)}"

    def read(self, text: str) -> str:
        """What Rasa is given for ``text`` a resident sent: the payload of a button the bot
        signed, or the text as words."""
        payload, mark, signature = text.rpartition(SIGNATURE_MARK)
        if (
            mark
            and payload.startswith(INTENT_PREFIX)
            and hmac.compare_digest(signature, self._signature(payload))
        ):
            return payload
        return as_words(text)

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def as_words(text: str) -> str:
    """``text`` such that Rasa cannot read it as an intent: Rasa strips it and looks for a
    leading ``/``, so a text that would have one (NFKC folds ``／`` into it) gets ``／``."""
    stripped = text.strip()
    if unicodedata.normalize("NFKC", stripped).startswith(INTENT_PREFIX):
        return PLAIN_SLASH + stripped[1:]
    return text


def button_secret(settings: Settings) -> bytes:
    """The key for :class:`ButtonPayloads`: ``button_secret``, or else the one in
    ``button_secret_file``, which the first process to need it writes. Every app worker
    must use the same key, or a button shown by one would not be obeyed by another."""
    if settings.button_secret is not None:
        return settings.button_secret.get_secret_value().encode("utf-8")
    path = settings.button_secret_file
    if not path.exists():
        _write_new_secret(path)
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def _write_new_secret(path: Path) -> None:
    """Write a random key to ``path`` unless another process got there first: the key is
    written whole to a file of its own and linked into place, which fails if ``path``
    exists, so no process ever reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48))
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


def app_address(request: Request) -> str:
    """Where residents reach the app, for the links the bot gives: ``public_url`` when an
    operator set it, else the address ``request`` came to (behind the ward's proxy, its
    ``Host`` and ``X-Forwarded-Proto``)."""
    return request.app.state.settings.public_url or str(request.base_url)


def on_the_app(url: str, base: str) -> str:
    """``url`` as an address a resident can open: a URL without a host is on the app at
    ``base``, in the app's scheme unless it names its own (``/api/calendar.ics?…`` →
    ``https://host/api/calendar.ics?…``, ``webcal:/api/…`` → ``webcal://host/api/…``)."""
    link = urlsplit(url)
    if link.netloc:
        return url
    app = urlsplit(base)
    path = app.path.rstrip("/") + link.path
    return urlunsplit((link.scheme or app.scheme, app.netloc, path, link.query, link.fragment))


@dataclass(frozen=True)
class Reply:
    messages: list[ChatMessage]
    #: False when Rasa or the action server did not answer; ``messages`` then say so.
    available: bool = True


class Conversations:
    def __init__(
        self, rasa: RasaClient, sessions: sessionmaker[Session], payloads: ButtonPayloads
    ) -> None:
        self._rasa = rasa
        self._sessions = sessions
        self._payloads = payloads
        #: The texts as last read, for when the database cannot be read.
        self._last_read: dict[str, str] = {}

    async def reply(self, sender: str, text: str, base: str) -> Reply:
        """The bot's answers to ``text`` in conversation ``sender`` (already namespaced):
        what a resident typed or a button they tapped. ``base`` is the app's address
        (:func:`app_address`), on which the answers' links are made."""
        try:
            messages = await self._rasa.send(sender, self._payloads.read(text))
        except RasaUnavailableError:
            return Reply([ChatMessage(text=self.unavailable_text(text))], available=False)
        return Reply([self._finished(message, base) for message in messages])

    def _finished(self, message: ChatMessage, base: str) -> ChatMessage:
        """The message as residents get it: its buttons signed, its links addresses."""
        buttons = [
            Button(title=b.title, payload=self._payloads.sign(b.payload)) for b in message.buttons
        ]
        links = [Link(title=link.title, url=on_the_app(link.url, base)) for link in message.links]
        return ChatMessage(text=message.text, buttons=buttons, links=links)

    def unavailable_text(self, text: str) -> str:
        """The apology for ``text`` when Rasa cannot answer, in the language ``text`` is
        written in (Japanese when it is in none, e.g. a tapped button), with the ward's
        contact, so that a resident always has a phone number to call instead. A foreign
        resident gets the contact's translation while it translates the current Japanese,
        else the Japanese contact: the number is the same in both."""
        voice = foreign_voice(language_of(text))
        contact = self.ward_text("contact")
        if voice is None:
            return "\n".join(filter(None, [UNAVAILABLE_TEXT, contact]))
        local = self.translated_ward_text("contact", voice.language, contact)
        return "\n".join(filter(None, [voice.say("unavailable"), local or contact]))

    def translated_ward_text(self, key: str, language: str, japanese: str) -> str | None:
        """The translation of the ward text ``key`` (whose Japanese is ``japanese``) into
        ``language``, or ``None`` when there is no current one or it cannot be read."""
        if not japanese.strip():
            return None
        base = base_language(language)
        try:
            with self._sessions() as session:
                rows = session.execute(
                    select(
                        Translation.kind,
                        Translation.key,
                        Translation.field,
                        Translation.language,
                        Translation.source,
                        Translation.body,
                    ).where(
                        Translation.kind == TEXT,
                        Translation.key == key,
                        Translation.field == "body",
                        Translation.language == base,
                    )
                ).tuples()
                translations = Translations(rows)
        except SQLAlchemyError as error:
            logger.warning("could not read the translation of %r (%s)", key, error)
            return None
        local = translations.get(TEXT, key, "body", base, japanese)
        voice = foreign_voice(language)
        return voice.finish(local) if local and voice else None

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
