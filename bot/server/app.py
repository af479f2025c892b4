"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import get_sessionmaker
from bot.catalog.privacy import purge_old
from bot.line.channel import LineChannel
from bot.line.webhook import router as line_router
from bot.logs import configure_logging
from bot.server.chat import router as chat_router
from bot.server.conversation import Conversations
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
            settings.rasa_urls, settings.action_server_url, settings.rasa_timeout_seconds
        )
        await run_in_threadpool(ensure_first_admin, app.state.staff_sessions, settings)
        app.state.conversations = Conversations(app.state.rasa, app.state.sessions)
        app.state.line = (
            LineChannel(settings, app.state.conversations, app.state.rate_limits)
            if settings.line_configured
            else None
        )
        await _purge(app.state.sessions, settings.chat_log_days)
        housekeeping = asyncio.create_task(_purge_daily(app.state.sessions, settings))
        try:
            yield
        finally:
            housekeeping.cancel()
            if app.state.line is not None:
                await app.state.line.aclose()
            await app.state.rasa.aclose()

    app = FastAPI(
        title="中野区 ごみ分別AIチャットボット",
        summary="Nakano ward garbage-sorting chatbot: chat API and health.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.rate_limits = RateLimits(settings)
    app.state.sessions = get_sessionmaker(settings.database_url)
    app.include_router(chat_router)
    app.include_router(widget_router)
    app.include_router(line_router)
    app.include_router(staff_api_router)
    app.state.staff_sessions = staff_sessionmaker(settings.database_url)
    mount_admin(app, settings, app.state.staff_sessions)
    app.add_middleware(SecurityHeadersMiddleware)
    app.state.metrics = Metrics(app.state.sessions)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.include_router(metrics_router)
    if settings.cors_origins:
        # Only the ward's own sites may call the chat API from a browser.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["POST"],
            allow_headers=["Content-Type"],
        )
    return app
