"""Talking to the Rasa server's REST channel and checking the action server.

The embedded profile has one Rasa server and talks to it directly. The production profile
has several (replicas of the same model, sharing the conversations in PostgreSQL and the
conversation locks in Redis), and the client balances across them:

- round-robin over the replicas that are in service;
- a replica whose request fails (no connection, a broken or timed-out answer, a 5xx) is
  taken out of service at once;
- the request is sent again, once, to another replica only when the first one cannot have
  seen it: the connection was refused or could not be opened. After the request went out
  (a read timeout, a dropped connection, a 5xx) Rasa may already have recorded the message
  and run the actions, and a second attempt could answer the resident twice and record
  the message twice; the resident gets the friendly apology instead and can send again;
- a background probe asks every replica ``/webhooks/rest/`` every few seconds and puts a
  replica back in service when it answers again (and takes out one that stopped);
- a replica that dropped the connection in the middle of a message (it crashed while
  answering) leaves that conversation locked in Redis until its lock expires
  (:func:`lock_lifetime`, longer than the app's timeout). The conversation's next messages,
  until then, are given the time to outlast that lock instead of the usual timeout: they
  wait for the lock to expire on another replica and are answered, where the usual timeout
  would have given the resident a second apology for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.server.schemas import Button, ChatMessage, Link

logger = logging.getLogger(__name__)

#: Seconds between two health probes of each replica (production only).
PROBE_INTERVAL_SECONDS = 3.0
#: Rasa is on loopback or a private network: a connection takes milliseconds.
CONNECT_TIMEOUT_SECONDS = 2.0
#: Errors raised before the request reached a replica: safe to send to another one.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
#: How much longer than the app waits for an answer Rasa's conversation locks live.
LOCK_MARGIN_SECONDS = 5


def lock_lifetime(timeout: float) -> int:
    """Seconds a Rasa conversation lock lives (Rasa's ``TICKET_LOCK_LIFETIME``) when the app
    waits ``timeout`` seconds for an answer: a little longer, so that a lock never frees a
    conversation whose message is still being answered, and short enough that a replica
    that died while answering holds the conversation only briefly (Rasa's default: 60 s)."""
    return math.ceil(timeout) + LOCK_MARGIN_SECONDS


class RasaUnavailableError(Exception):
    """Rasa (or, behind it, the action server) did not answer."""


class _ReplicaFailedError(Exception):
    """One replica failed a request; ``retry_safe`` when it cannot have seen it."""

    def __init__(self, replica: Replica, retry_safe: bool) -> None:
        super().__init__(replica.url)
        self.replica = replica
        self.retry_safe = retry_safe


@dataclass
class Replica:
    url: str
    #: In service: chosen for residents' messages. Set false on a failure, true again by
    #: the probe (or a successful answer).
    healthy: bool = True
    #: Messages this replica answered (for tests and figures).
    answered: int = 0


class RasaClient:
    """One pooled HTTP client for the life of the app; Rasa is on loopback.

    ``rasa_url`` is one Rasa server or a list of replicas. With one, a message costs
    exactly one request and nothing runs in the background. ``action_server_url`` is one
    action server or a list of them (only their health is asked here; Rasa calls them).
    """

    def __init__(
        self,
        rasa_url: str | Sequence[str],
        action_server_url: str | Sequence[str],
        timeout: float,
        *,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
    ) -> None:
        urls = [rasa_url] if isinstance(rasa_url, str) else list(rasa_url)
        if not urls:
            raise ValueError("at least one Rasa server is needed")
        self._rasa_url = urls[0]
        self._replicas = [Replica(url) for url in urls]
        self._timeout = timeout
        #: Conversations whose message a replica dropped mid-answer, and until when
        #: (``time.monotonic``) that replica's lock may still hold them.
        self._locked_by_lost: dict[str, float] = {}
        self._next = 0
        self._probe_interval = probe_interval
        self._probe_task: asyncio.Task[None] | None = None
        self._action_server_urls = (
            [action_server_url] if isinstance(action_server_url, str) else list(action_server_url)
        )
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_SECONDS),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        if self.balanced:
            with contextlib.suppress(RuntimeError):  # no event loop yet: at the first use
                asyncio.get_running_loop()
                self._ensure_probe()

    @property
    def replicas(self) -> list[Replica]:
        return self._replicas

    @property
    def balanced(self) -> bool:
        return len(self._replicas) > 1

    async def aclose(self) -> None:
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe_task
            self._probe_task = None
        await self._http.aclose()

    async def send(self, sender: str, text: str) -> list[ChatMessage]:
        if self.balanced:
            payload = await self._send_balanced(sender, text)
        else:
            try:
                response = await self._http.post(
                    f"{self._rasa_url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                )
                response.raise_for_status()
                payload = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                logger.warning("rasa did not answer: %s: %s", type(exc).__name__, exc)
                raise RasaUnavailableError("rasa") from exc
        messages = messages_of(payload)
        if not messages:
            # Every message gets an answer from the rules (the fallback included), so
            # nothing at all means Rasa failed inside: a failed action, or its tracker
            # store unreachable (its REST channel logs the error and answers empty). The
            # resident gets the apology and can send again, not an answer that never came.
            if not await self.action_server_up():
                logger.warning("action server is down; rasa answered nothing")
                raise RasaUnavailableError("action server")
            logger.warning("rasa answered nothing (an error inside rasa; see its log)")
            raise RasaUnavailableError("rasa answered nothing")
        return messages

    # --- several replicas --------------------------------------------------------------

    async def _send_balanced(self, sender: str, text: str) -> list[dict]:
        self._ensure_probe()
        tried: list[Replica] = []
        timeout = self._timeout_for(sender)
        for replica in self._candidates()[:2]:  # the first choice and one retry
            tried.append(replica)
            try:
                return await self._post(replica, sender, text, timeout)
            except _ReplicaFailedError as failure:
                if not failure.retry_safe:
                    break
        raise RasaUnavailableError(", ".join(r.url for r in tried))

    def _candidates(self) -> list[Replica]:
        """The replicas to try in order: those in service, round-robin, then the others
        (as a last resort: the probe may not have seen one come back yet)."""
        healthy = [r for r in self._replicas if r.healthy]
        rest = [r for r in self._replicas if not r.healthy]
        if not healthy:
            healthy, rest = rest, []
        start = self._next % len(healthy)
        self._next += 1
        return healthy[start:] + healthy[:start] + rest

    def _timeout_for(self, sender: str) -> httpx.Timeout | None:
        """The usual timeout (None), or for a conversation a dead replica may still hold
        locked, the time left on that lock plus the usual timeout."""
        now = time.monotonic()
        for expired in [s for s, until in self._locked_by_lost.items() if until <= now]:
            del self._locked_by_lost[expired]
        until = self._locked_by_lost.get(sender)
        if until is None:
            return None
        return httpx.Timeout(until - now + self._timeout, connect=CONNECT_TIMEOUT_SECONDS)

    async def _post(
        self, replica: Replica, sender: str, text: str, timeout: httpx.Timeout | None = None
    ) -> list[dict]:
        try:
            response = await self._http.post(
                f"{replica.url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                **({"timeout": timeout} if timeout is not None else {}),
            )
        except httpx.PoolTimeout as exc:
            # Our own connection pool is full: not the replica's fault.
            logger.warning("no free connection to rasa: %s", exc)
            raise RasaUnavailableError("rasa") from exc
        except httpx.ReadTimeout as exc:
            # A slow answer is not a dead replica: the usual cause is a conversation lock
            # another replica left in Redis (it waits out its lifetime). Taking this replica
            # out would punish every other conversation; the probe (a cheap GET that does
            # not wait on locks) takes out a replica that has really stopped answering.
            logger.warning("rasa at %s answered too slowly", replica.url)
            raise _ReplicaFailedError(replica, retry_safe=False) from exc
        except httpx.HTTPError as exc:
            self._take_out(replica, f"{type(exc).__name__}: {exc}")
            sent = not isinstance(exc, _NOT_SENT)
            if sent:  # it had the message and its conversation lock, and is gone
                self._locked_by_lost[sender] = time.monotonic() + lock_lifetime(self._timeout)
            raise _ReplicaFailedError(replica, retry_safe=not sent) from exc
        if response.status_code >= 500:
            self._take_out(replica, f"HTTP {response.status_code}")
            raise _ReplicaFailedError(replica, retry_safe=False)
        try:
            response.raise_for_status()
            payload = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("rasa at %s did not answer: %s: %s", replica.url, type(exc), exc)
            raise RasaUnavailableError("rasa") from exc
        replica.healthy = True
        replica.answered += 1
        return payload

    def _take_out(self, replica: Replica, why: str) -> None:
        if replica.healthy:
            logger.warning("rasa replica %s taken out of service: %s", replica.url, why)
        replica.healthy = False

    def _ensure_probe(self) -> None:
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = asyncio.create_task(self._probe_forever())

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(self._probe_interval)
            try:
                await self.probe_replicas()
            except Exception:  # the probe must outlive any surprise
                logger.exception("rasa health probe failed")

    async def probe_replicas(self) -> dict[str, bool]:
        """Ask every replica whether it answers; put it in or out of service to match."""
        answers = await asyncio.gather(
            *(self._ok(f"{r.url}/webhooks/rest/") for r in self._replicas)
        )
        for replica, up in zip(self._replicas, answers, strict=True):
            if up and not replica.healthy:
                logger.info("rasa replica %s is back in service", replica.url)
            elif not up:
                self._take_out(replica, "health probe failed")
            replica.healthy = up
        return {r.url: up for r, up in zip(self._replicas, answers, strict=True)}

    # --- health ------------------------------------------------------------------------

    async def rasa_up(self) -> bool:
        """Whether Rasa answers: with replicas, whether at least one does."""
        if self.balanced:
            self._ensure_probe()
            return any((await self.probe_replicas()).values())
        return await self._ok(f"{self._rasa_url}/webhooks/rest/")

    async def action_server_up(self) -> bool:
        """Whether an action server answers: with several, whether at least one does (each
        Rasa server skips one that is down)."""
        answers = await asyncio.gather(
            *(self._ok(f"{url}/health") for url in self._action_server_urls)
        )
        return any(answers)

    async def _ok(self, url: str) -> bool:
        try:
            response = await self._http.get(url, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def messages_of(payload: list[dict]) -> list[ChatMessage]:
    """The chat messages in what Rasa's REST channel answered. An action's message with
    custom JSON comes as two: its text (and buttons), then the custom JSON alone; the
    custom JSON's ``links`` belong to the text before it."""
    messages: list[ChatMessage] = []
    for m in payload:
        custom = m.get("custom")
        said = custom.get("links") if isinstance(custom, dict) else None
        links = [Link(title=link["title"], url=link["url"]) for link in said or []]
        if m.get("text"):
            buttons = [
                Button(title=b["title"], payload=b["payload"]) for b in m.get("buttons") or []
            ]
            messages.append(ChatMessage(text=m["text"], buttons=buttons, links=links))
        elif messages:
            messages[-1].links.extend(links)
    return messages
