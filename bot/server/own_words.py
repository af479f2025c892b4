"""The app's own answers, said without Rasa (an apology when Rasa cannot answer, a request
to slow down), in the language the resident writes in.

A foreign resident who writes in English, Chinese or Korean gets these sentences in that
language from ``data/i18n/replies.yml``, like every answer of the bot; a text in no
language (a tapped button's payload, a number) gets the Japanese, as before.
"""

from __future__ import annotations

from bot.catalog.translations import Translations
from bot.i18n import JAPANESE
from bot.i18n.detect import language_of
from bot.i18n.voice import Voice
from bot.server.rate_limit import TOO_MANY_TEXT


def foreign_voice(language: str | None) -> Voice | None:
    """The voice of ``language`` (a code :func:`language_of` returns), or ``None`` for
    Japanese and for no language, which the app's Japanese constants answer."""
    if language is None or language == JAPANESE:
        return None
    # These sentences name nothing of the catalog, so no translations are needed.
    return Voice(language, Translations([]))


def too_fast_text(text: str) -> str:
    """What a sender who writes too fast is told, in the language of ``text``."""
    voice = foreign_voice(language_of(text))
    return voice.say("too_fast") if voice else TOO_MANY_TEXT
