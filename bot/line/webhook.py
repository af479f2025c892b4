"""``POST /line/webhook``: the door LINE knocks on.

Order matters: the signature is checked on the raw body before anything is parsed, stored
or logged, so a forged request costs one HMAC and leaves no trace but the refusal. Then
the events already taken in are dropped, LINE gets its 200 at once (it retries a slow
webhook), and the answers are worked out in the background.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from linebot.v3.exceptions import InvalidSignatureError

from bot.line.channel import LineChannel
from bot.line.seen_events import claim_new
from bot.server.conversation import app_address
from bot.settings import Settings

logger = logging.getLogger(__name__)
router = APIRouter(tags=["LINE"])

#: LINE's webhook bodies are a few kilobytes; anything far larger is not from LINE.
MAX_BODY_BYTES = 1_000_000
NOT_CONFIGURED = (
    "The LINE channel is not configured: set LINE_CHANNEL_SECRET and "
    "LINE_CHANNEL_ACCESS_TOKEN in the environment and restart."
)


@router.post(
    "/line/webhook",
    responses={
        400: {"description": "Missing or wrong X-Line-Signature, or not a webhook body"},
        413: {"description": "Body too large to be from LINE"},
        503: {"description": "The LINE channel is not configured"},
    },
)
async def line_webhook(
    request: Request,
    background: BackgroundTasks,
    x_line_signature: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    """Take LINE's events; answer them with the Reply API after this returns."""
    channel: LineChannel | None = request.app.state.line
    if channel is None:
        raise HTTPException(status_code=503, detail=NOT_CONFIGURED)
    body = await _body_within_limit(request)
    if not x_line_signature:
        logger.warning("refused a LINE webhook request without a signature")
        raise HTTPException(status_code=400, detail="missing X-Line-Signature")
    try:
        events = channel.parser.parse(body.decode("utf-8"), x_line_signature)
    except (InvalidSignatureError, UnicodeDecodeError):
        logger.warning("refused a LINE webhook request with a wrong signature")
        raise HTTPException(status_code=400, detail="invalid signature") from None
    except (ValueError, KeyError, TypeError):
        # Signed with our secret but not a webhook body: a misconfigured sender, not LINE.
        logger.warning("a correctly signed LINE webhook body could not be parsed")
        raise HTTPException(status_code=400, detail="not a LINE webhook body") from None

    settings: Settings = request.app.state.settings
    fresh = await run_in_threadpool(
        claim_new, request.app.state.sessions, events, settings.line_seen_event_days
    )
    if len(fresh) < len(events):
        logger.info("ignored %d LINE event(s) already taken in", len(events) - len(fresh))
    if fresh:
        background.add_task(channel.handle, fresh, app_address(request))
    return {"status": "ok"}


async def _body_within_limit(request: Request) -> bytes:
    """The body, refused with 413 as soon as it passes ``MAX_BODY_BYTES``: from its
    declared length, or while it arrives when it is sent in chunks without one."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise HTTPException(status_code=413, detail="body too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail="body too large")
    return bytes(body)
