"""``/api/staff/unanswered``: questions the bot could not answer, and answering them with
an alias, a new item or a text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from bot.catalog.models import UnansweredQuestion
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, Paging, RowId, Viewer, reading, where_given, writing
from bot.staff.api.schemas import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    AliasFromQuestion,
    AliasOut,
    ExampleFromQuestion,
    ItemFromQuestion,
    ItemOut,
    LanguageCode,
    QuestionOut,
    QuestionPage,
    TextOut,
)

router = APIRouter()


def _question_out(question: UnansweredQuestion) -> QuestionOut:
    return QuestionOut.model_validate(question, from_attributes=True)


@router.get(
    "/unanswered",
    response_model=QuestionPage,
    summary="List questions the bot could not answer, most asked first",
)
def list_unanswered(
    request: Request,
    _caller: Viewer,
    paging: Paging,
    language: Annotated[
        LanguageCode | None, Query(description="Only questions asked in this language")
    ] = None,
) -> QuestionPage:
    asked_in = (UnansweredQuestion.language, language.value if language is not None else None)
    count = where_given(select(func.count()).select_from(UnansweredQuestion), asked_in)
    query = where_given(select(UnansweredQuestion), asked_in).order_by(
        UnansweredQuestion.count.desc(),
        UnansweredQuestion.last_seen.desc(),
        UnansweredQuestion.id,
    )
    with reading(request) as session:
        total = session.scalar(count) or 0
        rows = list(session.scalars(paging.limited(query)))
        return paging.page(QuestionPage, rows, _question_out, total=total)


@router.post(
    "/unanswered/{question_id}/alias",
    response_model=AliasOut,
    status_code=201,
    summary="Answer a question by making it an alias of an item",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def alias_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: AliasFromQuestion
) -> AliasOut:
    """The question leaves the list; the alias is answered from the next message on."""
    with writing(request, caller) as session:
        alias = ops.alias_from_unanswered(session, question_id, body.item_id, body.alias_name)
        return AliasOut.from_row(alias)


@router.post(
    "/unanswered/{question_id}/item",
    response_model=ItemOut,
    status_code=201,
    summary="Answer a question with a new item",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def item_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: ItemFromQuestion
) -> ItemOut:
    """The question leaves the list; the item is answered from the next message on."""
    with writing(request, caller) as session:
        item = ops.item_from_unanswered(
            session, question_id, body.name, body.category_id, body.notes, body.reading
        )
        return ItemOut.from_row(item)


@router.post(
    "/unanswered/{question_id}/example",
    response_model=TextOut,
    status_code=201,
    summary="Answer a question with a text, as one of its example questions",
    responses={**NOT_FOUND, **INVALID},
)
def example_from_unanswered(
    request: Request, caller: Editor, question_id: RowId, body: ExampleFromQuestion
) -> TextOut:
    """The question leaves the list; questions like it get the text from the next
    message on."""
    with writing(request, caller) as session:
        return TextOut.from_row(ops.example_from_unanswered(session, question_id, body.key))


@router.delete(
    "/unanswered/{question_id}",
    status_code=204,
    summary="Dismiss a question (spam, nonsense)",
    responses=NOT_FOUND,
)
def dismiss_unanswered(request: Request, caller: Editor, question_id: RowId) -> None:
    with writing(request, caller) as session:
        ops.dismiss_unanswered(session, question_id)
