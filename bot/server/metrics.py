"""Prometheus metrics at ``/metrics``: requests, latency, how questions ended, and whether
each backend (and each Rasa replica) answers.

Request counts and latency are measured in the app as requests pass. How questions ended
is decided in the action server, which writes it to the database (``ChatEvent``); it is
read from there when Prometheus scrapes, so it is the same figure the staff see and
survives restarts. ``/metrics`` answers callers on this machine only (a Prometheus agent or
the operator), not residents through the proxy, whichever header the proxy names them in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.catalog.models import ChatEvent
from bot.server.rasa_client import RasaClient
from bot.server.rate_limit import caller

router = APIRouter()

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """One registry per app, so that several apps in one process (tests) stay apart."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "nakano_http_requests", "HTTP requests", ["route", "method", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "nakano_http_request_seconds", "Time to answer, by route", ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 15),
            registry=self.registry,
        )  # fmt: skip
        self.up = Gauge(
            "nakano_component_up", "1 if the component answered at the last scrape",
            ["component"], registry=self.registry,
        )  # fmt: skip
        self.replica_up = Gauge(
            "nakano_rasa_replica_up", "1 while the Rasa replica is in service", ["replica"],
            registry=self.registry,
        )  # fmt: skip
        self.registry.register(_OutcomeCollector(sessions))


class _OutcomeCollector:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "nakano_chat_outcomes",
            "Resident messages by how they ended (kept for chat_log_days)",
            labels=["outcome"],
        )
        try:
            with self._sessions() as session:
                rows = session.execute(
                    select(ChatEvent.outcome, func.count()).group_by(ChatEvent.outcome)
                ).all()
        except SQLAlchemyError:
            rows = []
        for outcome, count in rows:
            family.add_metric([outcome], count)
        yield family


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = _route(scope)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)


def _route(scope: Scope) -> str:
    """The route's template (``/api/staff/items/{item_id}``), never the raw path, so that
    ids and scanners' junk paths do not each make a time series."""
    path = getattr(scope.get("route"), "path", None)
    admin = scope["path"].startswith("/admin")
    if path:
        return f"/admin{path}" if admin else path
    return "/admin" if admin else "other"


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    if not caller(request).local:
        return PlainTextResponse("Not found", status_code=404)
    state = request.app.state
    rasa: RasaClient = state.rasa
    state.metrics.up.labels("rasa").set(1 if await rasa.rasa_up() else 0)
    state.metrics.up.labels("action_server").set(1 if await rasa.action_server_up() else 0)
    for number, replica in enumerate(rasa.replicas, start=1):
        state.metrics.replica_up.labels(str(number)).set(1 if replica.healthy else 0)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE)
