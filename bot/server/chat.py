"""``POST /api/chat`` and ``GET /healthz``."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text as sql
from sqlalchemy.exc import SQLAlchemyError

from bot.server.conversation import Conversations, app_address
from bot.server.own_words import too_fast_text
from bot.server.rasa_client import RasaClient
from bot.server.rate_limit import RateLimits, caller
from bot.server.schemas import ChatMessage, ChatRequest, ChatResponse, HealthReport

logger = logging.getLogger(__name__)
router = APIRouter()

#: Sender ids are namespaced per channel, so a LINE user and a web visitor never share a
#: conversation even if their ids collide.
WEB_CHANNEL = "web"


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={
        429: {"model": ChatResponse, "description": "Too many messages; see Retry-After"},
        503: {"model": ChatResponse, "description": "Rasa or the action server is down"},
    },
)
async def chat(body: ChatRequest, request: Request) -> ChatResponse | JSONResponse:
    """Send one message of a resident's conversation; get the bot's answers, in the
    language the message is written in (also the 429 and 503 answers)."""
    who = caller(request)
    limits: RateLimits = request.app.state.rate_limits
    verdict = await limits.check(
        sender=f"{WEB_CHANNEL}:{body.sender_id}", **({} if who.local else {"client": who.address})
    )
    if not verdict.allowed:
        return JSONResponse(
            status_code=429,
            content=ChatResponse(
                messages=[ChatMessage(text=too_fast_text(body.text))]
            ).model_dump(),
            headers={"Retry-After": str(verdict.retry_after)},
        )
    conversations: Conversations = request.app.state.conversations
    reply = await conversations.reply(
        f"{WEB_CHANNEL}:{body.sender_id}", body.text, app_address(request)
    )
    response = ChatResponse(messages=reply.messages)
    if reply.available:
        return response
    return JSONResponse(status_code=503, content=response.model_dump())


@router.get("/healthz", response_model=HealthReport, responses={503: {"model": HealthReport}})
async def healthz(request: Request) -> HealthReport | JSONResponse:
    """200 only when the app, its database, Rasa and the action server all answer. With
    several Rasa replicas (production), each is listed as ``rasa_1``, ``rasa_2``, … and
    ``rasa`` is ok while at least one of them answers."""
    rasa: RasaClient = request.app.state.rasa
    components = {
        "app": "ok",
        "database": "ok" if _database_up(request) else "down",
    }
    if rasa.balanced:
        replicas = await rasa.probe_replicas()
        components["rasa"] = "ok" if any(replicas.values()) else "down"
        for number, up in enumerate(replicas.values(), start=1):
            components[f"rasa_{number}"] = "ok" if up else "down"
    else:
        components["rasa"] = "ok" if await rasa.rasa_up() else "down"
    components["action_server"] = "ok" if await rasa.action_server_up() else "down"
    healthy = all(
        state == "ok" for name, state in components.items() if not name.startswith("rasa_")
    )
    report = HealthReport(status="ok" if healthy else "unavailable", components=components)
    if healthy:
        return report
    return JSONResponse(status_code=503, content=report.model_dump())


def _database_up(request: Request) -> bool:
    try:
        with request.app.state.sessions() as session:
            session.execute(sql("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
