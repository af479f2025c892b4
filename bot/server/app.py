"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.trustedhost import TrustedHostMiddleware

from bot.catalog.db import get_sessionmaker
from bot.catalog.privacy import purge_old
from bot.line.channel import LineChannel
from bot.line.webhook import router as line_router
from bot.logs import configure_logging
from bot.reminders.sender import ReminderSender
from bot.reminders.timer import run_timer
from bot.server.api_docs import router as api_docs_router
from bot.server.calendar import router as calendar_router
from bot.server.chat import router as chat_router
from bot.server.conversation import ButtonPayloads, Conversations, button_secret
from bot.server.metrics import Metrics, MetricsMiddleware
from bot.server.metrics import router as metrics_router
from bot.server.rasa_client import RasaClient
from bot.server.rate_limit import RateLimits
from bot.server.security_headers import SecurityHeadersMiddleware
from bot.server.widget import router as widget_router
from bot.settings import Settings, get_settings
from bot.staff.admin import mount_admin
from bot.staff.api import router as staff_api_router
from bot.staff.audit import staff_sessionmaker
from bot.staff.operations import ensure_first_admin

logger = logging.getLogger(__name__)

PURGE_INTERVAL_SECONDS = 24 * 3600
#: Characters of a refused value echoed back in a 422, and entries of a refused list or
#: object: enough to see what was wrong, not a way to make the app send back megabytes.
ECHO_CHARACTERS = 100
ECHO_ENTRIES = 10


async def _purge_daily(sessions: sessionmaker[Session], settings: Settings) -> None:
    """Drop chat records older than ``chat_log_days`` once a day (the first at start)."""
    while True:
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)
        await _purge(sessions, settings.chat_log_days)


async def _purge(sessions: sessionmaker[Session], days: int) -> None:
    def purge() -> dict[str, int]:
        with sessions() as session:
            deleted = purge_old(session, days)
            session.commit()
            return deleted

    try:
        deleted = await run_in_threadpool(purge)
    except SQLAlchemyError:
        logger.exception("could not remove old chat records")
        return
    if any(deleted.values()):
        logger.info("removed old chat records: %s", deleted)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not logging.getLogger().handlers:  # a uvicorn worker process: nobody set logs up
        configure_logging(settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(
            settings.rasa_urls, settings.action_urls, settings.rasa_timeout_seconds
        )
        await run_in_threadpool(ensure_first_admin, app.state.staff_sessions, settings)
        payloads = ButtonPayloads(button_secret(settings))
        app.state.conversations = Conversations(app.state.rasa, app.state.sessions, payloads)
        app.state.line = (
            LineChannel(
                settings, app.state.conversations, app.state.rate_limits, app.state.sessions
            )
            if settings.line_configured
            else None
        )
        await _purge(app.state.sessions, settings.chat_log_days)
        background = [asyncio.create_task(_purge_daily(app.state.sessions, settings))]
        if settings.line_configured and settings.reminders_in_app:
            sender = ReminderSender.from_settings(settings, app.state.sessions)
            timer = run_timer(sender, app.state.sessions, settings.fixed_today)
            background.append(asyncio.create_task(timer))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            if app.state.line is not None:
                await app.state.line.aclose()
            await app.state.rasa.aclose()

    app = FastAPI(
        title="中野区 ごみ分別AIチャットボット",
        summary="Nakano ward garbage-sorting chatbot: chat API and health.",
        version="0.1.0",
        lifespan=lifespan,
        # Served by api_docs, which keeps the staff API's part for whom settings allow.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.add_exception_handler(RequestValidationError, validation_error)
    app.state.settings = settings
    app.state.rate_limits = RateLimits(settings)
    app.state.sessions = get_sessionmaker(settings.database_url)
    app.include_router(chat_router)
    app.include_router(calendar_router)
    app.include_router(widget_router)
    app.include_router(line_router)
    app.include_router(staff_api_router)
    app.state.staff_sessions = staff_sessionmaker(settings.database_url)
    mount_admin(app, settings, app.state.staff_sessions)
    app.add_middleware(SecurityHeadersMiddleware)
    app.state.metrics = Metrics(app.state.sessions)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.include_router(metrics_router)
    app.include_router(api_docs_router)
    if settings.cors_origins:
        # Only the ward's own sites may call the chat API from a browser.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["POST"],
            allow_headers=["Content-Type"],
        )
    if settings.allowed_hosts != ["*"]:
        app.add_middleware(
            TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False
        )
    return app


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 saying what is wrong, like FastAPI's own, but echoing at most a little of the
    refused input, and only what can be sent: a lone surrogate (``"\\ud800"``, valid JSON
    but not encodable as UTF-8) is shown escaped instead of failing the answer."""
    assert isinstance(exc, RequestValidationError)
    detail = [
        {key: _sendable(value) if key == "msg" else _echo(value) for key, value in error.items()}
        for error in exc.errors()
    ]
    return JSONResponse(status_code=422, content={"detail": detail})


def _sendable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _echo(value: Any, depth: int = 0) -> Any:
    """``value`` cut short for a 422: strings to ``ECHO_CHARACTERS``, lists and objects to
    ``ECHO_ENTRIES`` entries and three levels; anything else (``NaN`` too, which JSON
    answers may not hold) as its text."""
    if isinstance(value, str):
        return _sendable(value if len(value) <= ECHO_CHARACTERS else value[:ECHO_CHARACTERS] + "…")
    if (
        value is None
        or isinstance(value, bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        return value
    if depth >= 3:
        return "…"
    if isinstance(value, dict):
        entries = list(value.items())[:ECHO_ENTRIES]
        return {_echo(str(k)): _echo(v, depth + 1) for k, v in entries}
    if isinstance(value, list | tuple):
        return [_echo(v, depth + 1) for v in value[:ECHO_ENTRIES]]
    return _echo(str(value))
