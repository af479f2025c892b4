"""The staff API: JSON endpoints under ``/api/staff`` for scripts and the ward's other tools.

Every call needs ``Authorization: Bearer <token>``, a token an admin created (stored only as
its SHA-256, see :mod:`bot.staff.accounts`). A token's role decides what it may do: a
``viewer`` reads, an ``editor`` also changes the catalog, an ``admin`` also manages tokens.

Writes go through :mod:`bot.staff.operations` on sessions from
``request.app.state.staff_sessions`` (a :func:`bot.staff.audit.staff_sessionmaker`), so each
is audited under ``token:<name>`` and seen by the bot on the next message.

Mount with ``app.include_router(router)`` and set ``app.state.staff_sessions``. The package
is laid out the FastAPI way: :mod:`.deps` (the caller, its role, sessions, paging),
:mod:`.schemas` (what is sent and answered) and one module of routes per resource.
"""

from __future__ import annotations

from fastapi import APIRouter

from bot.staff.api import (
    aliases,
    areas,
    item_files,
    items,
    notices,
    texts,
    tokens,
    unanswered,
)
from bot.staff.api.schemas import ErrorOut

router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    responses={
        401: {"model": ErrorOut, "description": "No token, or a wrong or revoked one"},
        403: {"model": ErrorOut, "description": "The token's role may not do this"},
    },
)
# In the order the OpenAPI description lists them.
router.include_router(items.router)
router.include_router(aliases.router)
router.include_router(texts.router)
router.include_router(areas.router)
router.include_router(notices.router)
router.include_router(unanswered.router)
router.include_router(item_files.router)
router.include_router(tokens.router)

__all__ = ["router"]
