"""Rasa's lock stores, with a waiting message re-checking its conversation's lock often.

A conversation's second message, sent while its first is still being answered (a double
tap, or two messages sent in a row), waits for Rasa's conversation lock, which Rasa
re-checks once a *second*: that message waited up to a second for a lock freed long
before, which made the load test's open-loop latency (docs/BENCHMARKS.md). These re-check
every :data:`LOCK_POLL_SECONDS`; the order of messages is kept (it is the same ticket lock).

Rasa loads them by its hook for custom lock stores: the endpoints file that
``bot.services`` writes names one as the lock store's ``type``, with the options of Rasa's
own store (``type: redis``: ``url``, ``port``, ``db``, ``key_prefix``, …)::

    lock_store:
      type: bot.rasa_launch.lock_store.RedisLockStore
      url: 127.0.0.1
      port: 6379

Rasa calls ``lock(conversation_id)`` and takes the wait between looks from the method's
default, which these change; :func:`check` makes sure at start-up that Rasa's ``lock``
still takes that wait as its ``wait_time_in_seconds``.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import rasa.core.lock_store
from rasa.core.lock import TicketLock
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_launch.patching import expect

#: How often a message waiting for its conversation's lock looks again (Rasa: 1 s). A look
#: is a dict read in memory, or a GET (and a SET) in Redis.
LOCK_POLL_SECONDS = 0.02


class _BriefWaits(rasa.core.lock_store.LockStore):
    """Rasa's ticket lock, re-checked every :data:`LOCK_POLL_SECONDS` instead of every second."""

    def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = rasa.core.lock_store.LOCK_LIFETIME,
        wait_time_in_seconds: float = LOCK_POLL_SECONDS,
    ) -> AbstractAsyncContextManager[TicketLock]:
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)


class InMemoryLockStore(_BriefWaits, rasa.core.lock_store.InMemoryLockStore):
    """Rasa's in-memory lock store (one Rasa process), with brief waits. Rasa passes the
    endpoint (it has no options)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        super().__init__()


class RedisLockStore(_BriefWaits, rasa.core.lock_store.RedisLockStore):
    """Rasa's Redis lock store (several Rasa processes), with brief waits; the endpoint's
    options are those of Rasa's ``type: redis``."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)


def check() -> None:
    """Stop Rasa unless its ``lock`` takes the wait as the classes pass it."""
    expect(
        __name__,
        rasa.core.lock_store.LockStore,
        "lock",
        "(self, conversation_id, lock_lifetime, wait_time_in_seconds)",
    )
