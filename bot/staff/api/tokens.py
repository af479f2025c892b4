"""``/api/staff/tokens``: the API's own tokens, managed by an admin token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from bot.catalog.models import StaffToken
from bot.staff import operations as ops
from bot.staff.accounts import AccountError, revoke_token
from bot.staff.api.deps import Admin, RowId, reading, writing
from bot.staff.api.schemas import INVALID, NOT_FOUND, TokenCreate, TokenCreated, TokenOut

router = APIRouter()


@router.get("/tokens", response_model=list[TokenOut], summary="List API tokens (admin)")
def list_tokens(request: Request, _caller: Admin) -> list[TokenOut]:
    with reading(request) as session:
        tokens = session.scalars(select(StaffToken).order_by(StaffToken.id))
        return [TokenOut.from_row(t) for t in tokens]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token (admin)",
    responses=INVALID,
)
def create_token(request: Request, caller: Admin, body: TokenCreate) -> TokenCreated:
    """The token is in the answer this once; only its hash is kept."""
    with writing(request, caller) as session:
        token, value = ops.issue_token(session, body.name, body.role, caller.actor)
        session.flush()
        return TokenCreated(**TokenOut.from_row(token).model_dump(), token=value)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenOut,
    summary="Revoke an API token (admin)",
    responses=NOT_FOUND,
)
def revoke(request: Request, caller: Admin, token_id: RowId) -> TokenOut:
    """It stops working at once; the row stays for the audit trail."""
    with writing(request, caller) as session:
        try:
            token = revoke_token(session, token_id)
        except AccountError as exc:
            raise ops.NotFoundError(str(exc)) from exc
        session.flush()
        return TokenOut.from_row(token)
