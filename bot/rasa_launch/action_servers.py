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
- a call whose **connection could not be opened** (refused, no route, a name that does not
  resolve: ``aiohttp.ClientConnectorError``) goes to the next server at once: the server
  never received the request, so the action did not run. That server is then skipped for
  :data:`DOWN_SECONDS` (and tried last, not never: when all are skipped they are all
  tried), after which a call finds out whether it is back;
- anything else is Rasa's as before, and is never sent again: an answer (an error status
  included), a connection that dropped after the request went out (the server may have
  run the action and died before answering), a timeout. Those fail the message, the app
  shows its apology, and an action never runs twice for one message.

With one URL (the embedded profile), the endpoint is Rasa's own, untouched.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from typing import Any

import aiohttp
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

#: The action endpoint's key (in the endpoints file) that lists every action server.
URLS_KEY = "urls"
#: How long a server that refused a connection is skipped. Short: a refusal costs well
#: under a millisecond on loopback, and a restarted server is used again soon.
DOWN_SECONDS = 5.0


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
        #: One plain endpoint per server, with this endpoint's options.
        self.servers = [EndpointConfig.copy(self) for _ in urls]
        for server, url in zip(self.servers, urls, strict=True):
            server.url = url
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
        """Rasa's request to the first server that accepts the connection."""
        refused: aiohttp.ClientConnectorError | None = None
        for index in self.candidates():
            server = self.servers[index]
            try:
                answer = await server.request(*args, **kwargs)
            except aiohttp.ClientConnectorError as error:
                if self.down_until[index] <= time.monotonic():
                    logger.warning(
                        "action server %s refused the connection; trying the next one "
                        "and skipping it for %.0f s: %s",
                        server.url, self._down_seconds, error,
                    )  # fmt: skip
                self.down_until[index] = time.monotonic() + self._down_seconds
                refused = error
                continue
            if self.down_until[index]:
                logger.info("action server %s answers again", server.url)
                self.down_until[index] = 0.0
            return answer
        assert refused is not None
        raise refused

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

    original = AvailableEndpoints.read_endpoints.__func__  # type: ignore[attr-defined]

    def read_endpoints(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
        endpoints = original(cls, endpoint_file)
        endpoints.action = action_servers(endpoints.action)
        return endpoints

    AvailableEndpoints.read_endpoints = classmethod(read_endpoints)  # type: ignore[method-assign]
