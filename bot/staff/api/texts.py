"""``/api/staff/texts``: what the bot says, and knowledge entries (texts with examples)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from bot.catalog.models import WardText
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, TextKey, Viewer, changes_of, reading, writing
from bot.staff.api.schemas import CONFLICT, INVALID, NOT_FOUND, TextCreate, TextOut, TextPatch

router = APIRouter()


@router.get(
    "/texts",
    response_model=list[TextOut],
    summary="List the texts the bot says; those with examples are knowledge entries",
)
def list_texts(request: Request, _caller: Viewer) -> list[TextOut]:
    with reading(request) as session:
        return [
            TextOut.from_row(t) for t in session.scalars(select(WardText).order_by(WardText.key))
        ]


@router.get("/texts/{key}", response_model=TextOut, summary="Get a text", responses=NOT_FOUND)
def get_text(request: Request, _caller: Viewer, key: TextKey) -> TextOut:
    with reading(request) as session:
        return TextOut.from_row(ops.get_text(session, key))


@router.post(
    "/texts",
    response_model=TextOut,
    status_code=201,
    summary="Add a text (with examples: a knowledge entry)",
    responses={**CONFLICT, **INVALID},
)
def create_text(request: Request, caller: Editor, body: TextCreate) -> TextOut:
    """Answered from the next message on, without retraining."""
    with writing(request, caller) as session:
        text = ops.create_text(
            session, body.key, body.title, body.body, "\n".join(body.examples), body.url
        )
        return TextOut.from_row(text)


@router.patch(
    "/texts/{key}",
    response_model=TextOut,
    summary="Change a text's title, body, examples or link",
    responses={**NOT_FOUND, **INVALID},
)
def update_text(request: Request, caller: Editor, key: TextKey, body: TextPatch) -> TextOut:
    """Only the fields sent change; the bot uses them from the next message on."""
    changes = changes_of(body)
    if "examples" in changes:
        changes["examples"] = "\n".join(changes["examples"] or [])
    with writing(request, caller) as session:
        return TextOut.from_row(ops.update_text(session, key, **changes))
