"""What a resident sees when two messages meet, or when a turn cannot be saved.

- A conversation's second message, sent while its first is still being answered (a double
  tap, or two messages sent in a row), waits for Rasa's conversation lock, which Rasa
  re-checks once a *second*: that message takes a second or two instead of milliseconds,
  the slowest answers under load (docs/BENCHMARKS.md). :func:`_lock_waits_briefly`
  re-checks every 20 ms; the order of messages is kept (it is the same ticket lock).
- Rasa's REST channel answers even when handling the message failed after the answer was
  made — when the tracker could not be saved (a PostgreSQL restart): the resident reads an
  answer the conversation does not remember. :func:`_rest_answers_only_saved_turns` drops
  the answer of a failed turn; the REST channel then returns ``[]`` and the app shows its
  apology, so what the resident sees is always what the conversation holds.
"""

from __future__ import annotations

from typing import Any

#: How often a message waiting for its conversation's lock looks again (Rasa: 1 s). A look
#: is a dict read in memory, or a GET (and a SET) in Redis.
LOCK_POLL_SECONDS = 0.02


def _lock_waits_briefly() -> None:
    """Rasa's ticket lock, re-checked every :data:`LOCK_POLL_SECONDS` instead of every second."""
    from rasa.core.lock_store import LockStore

    original = LockStore.lock

    def lock(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> Any:
        if len(args) < 2:  # (lock_lifetime, wait_time_in_seconds) not both given
            kwargs.setdefault("wait_time_in_seconds", LOCK_POLL_SECONDS)
        return original(self, conversation_id, *args, **kwargs)

    LockStore.lock = lock  # type: ignore[method-assign]


def _rest_answers_only_saved_turns() -> None:
    """The REST channel with no answer for a turn that failed: the messages the bot had
    collected are dropped before Rasa's handler (which logs the error) sees the failure."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.channels.rest import RestInput

    original = RestInput.blueprint

    def blueprint(self: Any, on_new_message: Any) -> Any:
        async def handle(message: Any) -> None:
            try:
                await on_new_message(message)
            except BaseException:
                if isinstance(message.output_channel, CollectingOutputChannel):
                    message.output_channel.messages.clear()
                raise

        return original(self, handle)

    RestInput.blueprint = blueprint  # type: ignore[method-assign]


def apply() -> None:
    _lock_waits_briefly()
    _rest_answers_only_saved_turns()
