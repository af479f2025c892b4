"""Rasa's REST channel, answering nothing for a turn it could not save.

Rasa's REST channel answers even when handling the message failed after the answer was
made — when the tracker could not be saved (a PostgreSQL restart): the resident read an
answer the conversation does not remember (``scripts/measure/faults.py`` found such turns
at every restart; docs/PRODUCTION.md). :class:`RestInput` drops the answer of a failed
turn; the REST channel then returns ``[]`` and the app shows its apology, so what the
resident sees is always what the conversation holds.

Rasa loads it by its hook for custom channels: ``credentials.yml`` names the class instead
of ``rest``. Its name is Rasa's ``rest``, so it serves the same URLs
(``/webhooks/rest/webhook``, and ``/webhooks/rest/`` for health).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint


class RestInput(rasa.core.channels.rest.RestInput):
    """Rasa's REST channel whose messages are dropped when their turn fails, before
    Rasa's handler (which logs the error) sees the failure."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except BaseException:
                if isinstance(message.output_channel, CollectingOutputChannel):
                    message.output_channel.messages.clear()
                raise

        return super().blueprint(handle)
