"""The catalog's items: their readings, and adding, changing and deleting them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.importer import ItemRow
from bot.catalog.models import Item
from bot.japanese import fold_kana, get_analyzer
from bot.staff.operations._categories import get_category
from bot.staff.operations._checks import MAX_READING, check_url, clean_name
from bot.staff.operations._errors import ConflictError, OperationError, existing

_KANA_READING = re.compile(r"^[ぁ-ゖー]+$")
#: Sudachi parts of speech whose surface a catalog reading keeps as it is (「（」, 「／」).
_KEPT_AS_WRITTEN = ("補助記号", "空白")


def suggest_reading(name: str) -> str:
    """A hiragana reading of ``name`` in the catalog's style (「ざる（木製）」 →
    「ざる（もくせい）」), from Sudachi's readings; empty when Sudachi has no kana reading
    for some word of it (Latin letters, a word it does not know), since no reading is better
    than a wrong one: the matcher then reads the name with Sudachi itself."""
    parts: list[str] = []
    for morpheme in get_analyzer().analyze(name, keep_spaces=True):
        if morpheme.pos[0] in _KEPT_AS_WRITTEN:
            parts.append(morpheme.text)
            continue
        reading = fold_kana(morpheme.reading)
        if not _KANA_READING.match(reading):
            return ""
        parts.append(reading)
    return "".join(parts).strip()


def _clean_reading(reading: str | None, name: str) -> str:
    reading = fold_kana((reading or "").strip())
    if not reading:
        reading = suggest_reading(name)
    if len(reading) > MAX_READING:
        raise OperationError(f"読みは{MAX_READING}文字以内にしてください。")
    return reading


def get_item(session: Session, item_id: int) -> Item:
    return existing(session, Item, item_id, f"品目 {item_id} はありません。")


def _url_of(notes: str) -> str | None:
    # The same rule as the importer's: the first link in the notes is the item's link.
    return ItemRow(0, "", "", "", notes).url


def _check_unique_name(session: Session, name: str, except_id: int | None = None) -> None:
    query = select(Item.id).where(Item.name == name)
    if except_id is not None:
        query = query.where(Item.id != except_id)
    if session.scalar(query) is not None:
        raise ConflictError(f"品目「{name}」はすでにあります。")


def create_item(
    session: Session,
    name: str,
    category_id: int,
    notes: str = "",
    reading: str = "",
    url: str | None = None,
) -> Item:
    """A new item. Without ``reading`` one is suggested (:func:`suggest_reading`); without
    ``url`` the first link in ``notes`` is taken, as the importer does."""
    name = clean_name(name)
    _check_unique_name(session, name)
    category = get_category(session, category_id)
    notes = (notes or "").strip()
    item = Item(
        name=name,
        reading=_clean_reading(reading, name),
        category=category,
        notes=notes,
        url=check_url(url) if url else _url_of(notes),
    )
    session.add(item)
    session.flush()
    return item


#: The fields :func:`update_item` changes.
ITEM_FIELDS = ("name", "reading", "category_id", "notes", "url")


def update_item(session: Session, item_id: int, **changes: Any) -> Item:
    """Change the given fields of an item (any of :data:`ITEM_FIELDS`).

    New ``notes`` without a ``url`` take their link as the item's, as on import.
    """
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise OperationError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    item = get_item(session, item_id)
    if "name" in changes:
        name = clean_name(changes["name"])
        _check_unique_name(session, name, except_id=item.id)
        item.name = name
    if "reading" in changes:
        reading = fold_kana((changes["reading"] or "").strip())
        if len(reading) > MAX_READING:
            raise OperationError(f"読みは{MAX_READING}文字以内にしてください。")
        item.reading = reading
    if "category_id" in changes:
        item.category = get_category(session, changes["category_id"])
    if "notes" in changes:
        item.notes = (changes["notes"] or "").strip()
        if "url" not in changes:
            item.url = _url_of(item.notes)
    if "url" in changes:
        item.url = check_url(changes["url"])
    session.flush()
    return item


def delete_item(session: Session, item_id: int) -> None:
    """Delete an item; its aliases go with it."""
    session.delete(get_item(session, item_id))
    session.flush()
