"""``/api/staff/items``: the item table, row by row."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.catalog.models import Category, Item
from bot.japanese import match_key
from bot.staff import operations as ops
from bot.staff.api.deps import (
    Editor,
    Paging,
    RowId,
    Viewer,
    changes_of,
    http_error,
    reading,
    where_given,
    writing,
)
from bot.staff.api.schemas import (
    CONFLICT,
    INVALID,
    MAX_ID,
    NOT_FOUND,
    ItemCreate,
    ItemOut,
    ItemPage,
    ItemPatch,
)

router = APIRouter()


def _key_rank(key: str, keys: list[str]) -> int | None:
    """0 for an exact match, 1 for a prefix, 2 for a substring, None for none."""
    if key in keys:
        return 0
    if any(k.startswith(key) for k in keys):
        return 1
    if any(key in k for k in keys):
        return 2
    return None


def _searched(items: list[Item], text: str | None) -> list[Item]:
    """The items whose name, reading or an alias holds ``text`` (in any script): exact
    matches first, then those starting with it, then the rest, each in table order."""
    key = match_key(text or "")
    if not key:
        return items
    ranked = []
    for position, item in enumerate(items):
        keys = [match_key(item.name), match_key(item.reading)]
        keys += [match_key(a.name) for a in item.aliases]
        rank = _key_rank(key, keys)
        if rank is not None:
            ranked.append((rank, position, item))
    return [item for _, _, item in sorted(ranked, key=lambda r: r[:2])]


@router.get("/items", response_model=ItemPage, summary="List and search items")
def list_items(
    request: Request,
    _caller: Viewer,
    paging: Paging,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Text in the name, reading or an alias, in any script: "
            "「すぷれー」, 「スプレー」 and 「ｽﾌﾟﾚｰ」 find the same items",
        ),
    ] = None,
    category_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only items of this category")
    ] = None,
    category: Annotated[
        str | None, Query(description="Only items of the category of this name")
    ] = None,
) -> ItemPage:
    """Items in the order of the ward's table (staff-added ones last); with `q`, exact
    matches first, then names starting with it, then names containing it."""
    query = where_given(
        select(Item).options(selectinload(Item.aliases)), (Item.category_id, category_id)
    )
    if category is not None:
        named = select(Category.id).where(Category.name == category)
        query = query.where(Item.category_id.in_(named))
    query = query.order_by(Item.source_row.is_(None), Item.source_row, Item.name)
    with reading(request) as session:
        items = _searched(list(session.scalars(query)), q)
        return paging.page(ItemPage, items, ItemOut.from_row)


@router.post(
    "/items",
    response_model=ItemOut,
    status_code=201,
    summary="Create an item",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def create_item(request: Request, caller: Editor, body: ItemCreate) -> ItemOut:
    """The bot answers the new item from the next message on."""
    with writing(request, caller) as session:
        item = ops.create_item(
            session, body.name, body.category_id, body.notes, body.reading, body.url
        )
        return ItemOut.from_row(item)


@router.get("/items/{item_id}", response_model=ItemOut, summary="Get one item", responses=NOT_FOUND)
def get_item(request: Request, _caller: Viewer, item_id: RowId) -> ItemOut:
    with reading(request) as session:
        try:
            return ItemOut.from_row(ops.get_item(session, item_id))
        except ops.OperationError as exc:
            raise http_error(exc) from exc


@router.patch(
    "/items/{item_id}",
    response_model=ItemOut,
    summary="Change fields of an item",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def update_item(request: Request, caller: Editor, item_id: RowId, body: ItemPatch) -> ItemOut:
    """Only the fields sent are changed."""
    changes = changes_of(body, required=("name", "category_id"))
    with writing(request, caller) as session:
        return ItemOut.from_row(ops.update_item(session, item_id, **changes))


@router.delete("/items/{item_id}", status_code=204, summary="Delete an item", responses=NOT_FOUND)
def delete_item(request: Request, caller: Editor, item_id: RowId) -> None:
    """Its aliases are deleted with it."""
    with writing(request, caller) as session:
        ops.delete_item(session, item_id)
