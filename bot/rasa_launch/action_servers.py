"""Rasa's action endpoint over several action servers, so that one can die unnoticed.

Rasa 3.6 calls one action server URL: with one server, every message that needs an action
fails from the moment it dies until it is back (about half of them under load). The
endpoints file that ``bot.services`` writes lists every server under the action endpoint's
``urls`` key (``url`` is the first, what a plain ``rasa run`` would call)::

    action_endpoint:
      url: http://127.0.0.1:5055/webhook
      urls: [http://127.0.0.1:5055/webhook, http://127.0.0.1:5056/webhook]

and :func:`apply` makes Rasa's action endpoint an :class:`ActionServers`:

- each call goes to the next server, round-robin, so that the servers share the work;
- a call that **the server never received** goes to the next server at once, and that
  server is then skipped for :data:`DOWN_SECONDS` (and tried last, not never: when all are
  skipped they are all tried), after which a call finds out whether it is back. "Never
  received" is proven, not guessed: each call asks the server for leave to send its body
  (``Expect: 100-continue``) and sends it only when the server asks for it, which the
  action server (Sanic) does just before it reads it, to run the action. A call fails
  over when its connection could not be opened (refused, no route, a name that does not
  resolve: ``aiohttp.ClientConnectorError``) or was lost before its body was sent. The
  second is a server killed a moment ago: its dying process still held the listening
  socket, the kernel accepted the connection, and then reset it
  (``ClientOSError: [Errno 104] Connection reset by peer``), a few milliseconds after the
  kill on a quiet machine, longer on a loaded one. The headers alone name no action
  (the action and the conversation are in the body), so nothing ran;
- anything else is Rasa's as before, and is never sent again: an answer (an error status
  included), a connection lost once the body was (being) sent (the server may have run
  the action and died before answering), a timeout. Those fail the message, the app
  shows its apology, and an action never runs twice for one message.

With one URL (the embedded profile), the endpoint is Rasa's own, untouched.

Why a patch: Rasa 3.6 has no hook for the action endpoint. Unlike ``tracker_store`` and
``lock_store``, the endpoints file's ``action_endpoint`` takes no ``type``: Rasa always
reads it into its own ``EndpointConfig`` (``AvailableEndpoints.read_endpoints``), which
:func:`apply` wraps.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_launch.patching import expect

logger = logging.getLogger(__name__)

#: The action endpoint's key (in the endpoints file) that lists every action server.
URLS_KEY = "urls"
#: How long a server that did not take a call is skipped. Short: finding out costs well
#: under a millisecond on loopback, and a restarted server is used again soon.
DOWN_SECONDS = 5.0


async def _body_sent(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceRequestChunkSentParams,
) -> None:
    # Called before each piece of the body is handed to the socket: once it is, the
    # server may have read it.
    context.trace_request_ctx.body_sent = True


#: Tells :meth:`ActionServer.request` whether a call's body was handed to the socket.
_BODY_TRACE = aiohttp.TraceConfig()
_BODY_TRACE.on_request_chunk_sent.append(_body_sent)


class NotReceivedError(aiohttp.ClientConnectionError):
    """The connection was lost before the call's body was sent: the server never had the
    action to run, and another server may run it."""


class ActionServer(EndpointConfig):
    """One action server: Rasa's endpoint whose calls send their body only when the server
    asks for it, so that a connection lost before then is known not to have delivered the
    call (:class:`NotReceivedError`)."""

    @classmethod
    def of(cls, endpoint: EndpointConfig, url: str) -> ActionServer:
        """``endpoint``'s headers, token, parameters and options at ``url``."""
        return cls(
            url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
            endpoint.token_name, endpoint.cafile, **endpoint.kwargs,
        )  # fmt: skip

    def session(self) -> aiohttp.ClientSession:
        """Rasa's session (its headers, basic authentication and timeout), traced."""
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            trace_configs=[_BODY_TRACE],
        )

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        """Rasa's request, with ``Expect: 100-continue``; :class:`NotReceivedError` when
        the connection failed before the body was sent (a timeout is Rasa's: not that)."""
        call = SimpleNamespace(body_sent=False)
        try:
            return await super().request(*args, expect100=True, trace_request_ctx=call, **kwargs)
        except aiohttp.ClientConnectionError as error:
            if call.body_sent or isinstance(error, asyncio.TimeoutError):
                raise
            raise NotReceivedError(f"{type(error).__name__}: {error}") from error

    def copy(self) -> ActionServer:
        return ActionServer.of(self, self.url)


class ActionServers(EndpointConfig):
    """Rasa's action :class:`EndpointConfig` (same headers, token, parameters and options)
    whose :meth:`request` goes to one of several servers; see the module."""

    def __init__(
        self,
        endpoint: EndpointConfig,
        urls: Sequence[str],
        *,
        down_seconds: float = DOWN_SECONDS,
    ) -> None:
        if not urls:
            raise ValueError("at least one action server is needed")
        options = {k: v for k, v in endpoint.kwargs.items() if k != URLS_KEY}
        if endpoint.type is not None:
            options["type"] = endpoint.type
        super().__init__(
            urls[0], endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
            endpoint.token_name, endpoint.cafile, **options,
        )  # fmt: skip
        #: One endpoint per server, with this endpoint's options.
        self.servers = [ActionServer.of(self, url) for url in urls]
        #: Until when (``time.monotonic``) each server is skipped; 0: in service.
        self.down_until = [0.0] * len(urls)
        self._turn = itertools.count()
        self._down_seconds = down_seconds

    def candidates(self) -> list[int]:
        """The servers to try, in order: those in service round-robin, then the skipped
        ones (the earliest to come back first)."""
        now = time.monotonic()
        count = len(self.servers)
        start = next(self._turn) % count
        order = [(start + i) % count for i in range(count)]
        up = [i for i in order if self.down_until[i] <= now]
        down = sorted(
            (i for i in order if self.down_until[i] > now), key=self.down_until.__getitem__
        )
        return up + down

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        """Rasa's request to the first server that receives the call."""
        missed: NotReceivedError | None = None
        for index in self.candidates():
            server = self.servers[index]
            try:
                answer = await server.request(*args, **kwargs)
            except NotReceivedError as error:
                if self.down_until[index] <= time.monotonic():
                    how = (
                        "it refused the connection"
                        if isinstance(error.__cause__, aiohttp.ClientConnectorError)
                        else "it closed the connection before it read the call"
                    )
                    logger.warning(
                        "action server %s is down (%s); trying the next one and skipping "
                        "it for %.0f s: %s",
                        server.url, how, self._down_seconds, error,
                    )  # fmt: skip
                self.down_until[index] = time.monotonic() + self._down_seconds
                missed = error
                continue
            if self.down_until[index]:
                logger.info("action server %s answers again", server.url)
                self.down_until[index] = 0.0
            return answer
        assert missed is not None
        raise missed

    def copy(self) -> ActionServers:
        return ActionServers(self, [s.url for s in self.servers], down_seconds=self._down_seconds)


def action_servers(endpoint: EndpointConfig | None) -> EndpointConfig | None:
    """``endpoint`` over every server its ``urls`` names (the ``url`` first when it is not
    among them), or ``endpoint`` itself when there is only one."""
    if endpoint is None or not endpoint.kwargs.get(URLS_KEY):
        return endpoint
    urls = list(dict.fromkeys(u for u in [endpoint.url, *endpoint.kwargs[URLS_KEY]] if u))
    if len(urls) == 1:
        return endpoint
    return ActionServers(endpoint, urls)


def apply() -> None:
    from rasa.core.utils import AvailableEndpoints

    original = expect(__name__, AvailableEndpoints, "read_endpoints", "(cls, endpoint_file)")
    # What ActionServer and ActionServers take over from Rasa's endpoint.
    for name, parameters in (
        (
            "__init__",
            "(self, url, params, headers, basic_auth, token, token_name, cafile, **kwargs)",
        ),
        ("session", "(self)"),
        ("request", "(self, method, subpath, content_type, compress, **kwargs)"),
    ):
        expect(__name__, EndpointConfig, name, parameters)

    def read_endpoints(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
        endpoints = original(cls, endpoint_file)
        endpoints.action = action_servers(endpoints.action)
        return endpoints

    AvailableEndpoints.read_endpoints = classmethod(read_endpoints)  # type: ignore[method-assign]
