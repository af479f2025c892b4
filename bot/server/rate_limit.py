"""Per-resident and per-address limits, so one script cannot crowd out everyone else.

Built on ``limits`` (the library behind slowapi and Flask-Limiter) with a moving window:
in memory for the embedded default, in Redis (``NAKANO_BOT_RATE_LIMIT_STORAGE=redis://…``)
when several app workers must share the counts.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

from bot.settings import Settings

logger = logging.getLogger(__name__)

TOO_MANY_TEXT = (
    "申し訳ありません。短い時間にたくさんのご質問をいただいたため、少しお待ちください。"
    "1分ほどしてから、もう一度お試しください。"
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: Seconds until the caller may try again (for ``Retry-After``).
    retry_after: int = 0


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        scheme, _, rest = settings.rate_limit_storage.partition("://")
        if scheme == "memory":
            storage = storage_from_string("async+memory://")
        else:  # redis: through redis-py's asyncio client, which the app already has
            storage = storage_from_string(f"async+{scheme}://{rest}", implementation="redispy")
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits: dict[str, RateLimitItem] = {
            "sender": parse(settings.rate_limit_per_sender),
            "client": parse(settings.rate_limit_per_client),
        }

    async def check(self, **keys: str) -> Verdict:
        """Count one request against each ``kind=key`` given (``sender=…``, ``client=…``);
        refused if any limit is spent. A storage failure lets the request through: a broken
        limiter must not take the chat down with it."""
        for kind, key in keys.items():
            limit = self._limits[kind]
            try:
                if not await self._limiter.hit(limit, kind, key):
                    stats = await self._limiter.get_window_stats(limit, kind, key)
                    logger.warning("rate limit reached (%s)", kind)
                    return Verdict(False, retry_after=max(1, int(stats.reset_time - time.time())))
            except Exception:
                logger.exception("rate limit storage failed; letting the request through")
        return Verdict(True)


#: Headers a reverse proxy names the resident's address in; whichever form the ward's
#: proxy uses, a request carrying one came through the proxy.
FORWARDED_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


@dataclass(frozen=True)
class Caller:
    """Where a request came from, decided once for every use (per-address limits,
    ``/metrics``, the staff part of the API description)."""

    #: The address to count per-address limits against.
    address: str
    #: On this machine and not relayed: the operator, a Prometheus agent, the tests.
    local: bool


def caller(request: HTTPConnection) -> Caller:
    """The caller of ``request``, one rule for every forwarded form.

    uvicorn already replaces the peer by the ``X-Forwarded-For`` address when the proxy is
    on loopback; ``X-Real-IP`` and ``Forwarded: for=`` it leaves alone. So: a request from
    loopback that carries any forwarding header is the forwarded resident's, never local,
    whatever address the header names (a resident may send the header to the proxy
    themselves). The header is believed for the address only when the peer is on loopback
    (the ward's proxy); from anywhere else the peer's own address counts.
    """
    peer = request.client.host if request.client else None
    if not is_loopback(peer):
        return Caller(peer or "unknown", local=False)
    headers = request.headers
    if not any(headers.get(name) for name in FORWARDED_HEADERS):
        return Caller(peer or "unknown", local=True)
    return Caller(_forwarded_address(headers) or "unknown", local=False)


def _forwarded_address(headers: Headers) -> str | None:
    """The address the nearest proxy named: the last ``for=`` of ``Forwarded``, the last
    entry of ``X-Forwarded-For``, or ``X-Real-IP`` (cut short: it becomes a storage key)."""
    if forwarded := headers.get("forwarded"):
        last = forwarded.split(",")[-1]
        for part in last.split(";"):
            name, _, value = part.strip().partition("=")
            if name.lower() == "for" and value:
                return _bare_address(value.strip().strip('"'))[:64]
    if chain := headers.get("x-forwarded-for"):
        return chain.split(",")[-1].strip()[:64] or None
    return headers.get("x-real-ip", "").strip()[:64] or None


def _bare_address(value: str) -> str:
    """``[2001:db8::1]:4711`` → ``2001:db8::1``; ``192.0.2.1:80`` → ``192.0.2.1``."""
    if value.startswith("["):
        return value[1:].partition("]")[0]
    if value.count(":") == 1:
        return value.partition(":")[0]
    return value


def is_loopback(address: str | None) -> bool:
    """Whether ``address`` is on this machine (Starlette's test client calls itself
    ``testclient``)."""
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "testclient"
