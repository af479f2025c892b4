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


def is_loopback(address: str | None) -> bool:
    """Callers on this machine (the ward's reverse proxy without forwarded headers, the
    benchmark, the tests) are not limited per address; residents behind the proxy are
    seen by their own address through uvicorn's proxy headers."""
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "testclient"
