"""The API's description (``/openapi.json``, ``/docs``, ``/redoc``).

The public contract (the chat API, health, the LINE webhook) is described to anyone: the
ward's web team and outside evaluators build on it. The staff API is described only where
``staff_api_docs`` allows: by default to callers on this machine (the operator, the tests),
so a stranger does not get a map of the staff endpoints.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import iter_route_contexts

from bot.server.rate_limit import caller
from bot.settings import Settings

STAFF_PREFIX = "/api/staff"
router = APIRouter(include_in_schema=False)


def staff_part_shown(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    if settings.staff_api_docs == "public":
        return True
    return settings.staff_api_docs == "loopback" and caller(request).local


def describe(app: FastAPI, *, staff: bool) -> dict[str, Any]:
    """The OpenAPI description of ``app``, with or without the staff API; made once each."""
    cache: dict[bool, dict[str, Any]] | None = getattr(app.state, "openapi_specs", None)
    if cache is None:
        cache = app.state.openapi_specs = {}
    if staff not in cache:
        routes = [
            route
            for route in iter_route_contexts(app.routes)
            if staff or not (route.path or "").startswith(STAFF_PREFIX)
        ]
        cache[staff] = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=routes
        )
    return cache[staff]


@router.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    staff = staff_part_shown(request)
    # The answer depends on who asks: no shared cache may hand one caller's to another.
    return JSONResponse(
        describe(request.app, staff=staff), headers={"Cache-Control": "private, no-store"}
    )


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title=request.app.title)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url="/openapi.json", title=request.app.title)
