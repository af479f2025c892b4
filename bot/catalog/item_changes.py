"""Replacing the catalog's item table with a file: a preview first, then all or nothing.

Staff upload a whole item table (any format of :mod:`bot.catalog.formats`). Before anything
is written they see what it would do — items added, items changed field by field, items
removed with the aliases that go with them, categories that would be created — because a
wrong file (another year's table, a half-saved spreadsheet) would otherwise silently rewrite
the answers residents get. Applying recomputes the same plan inside one transaction and can
be told to refuse if the plan is no longer the one staff confirmed.

The web admin calls :func:`preview_upload` with the uploaded bytes, shows the preview, and on
confirmation calls :func:`apply_items` on :func:`~bot.catalog.formats.read_item_file` of the
same bytes with the preview's ``fingerprint``; the CLI does the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.db import bump_revision
from bot.catalog.formats import AUTO, ItemFile, ItemFormat, read_item_file
from bot.catalog.importer import (
    CatalogFileError,
    ImportReport,
    ItemRow,
    RowError,
    ensure_categories,
    sync_items,
)
from bot.catalog.models import Category, Item
from bot.japanese import fold_kana

#: The fields of an item a file can change, in the order a preview lists them.
FIELDS = ("reading", "category", "notes", "url")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ItemChange:
    name: str
    #: The line of the file the new values come from.
    line: int
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RemovedItem:
    name: str
    category: str
    #: Its aliases, removed with it so that none points at nothing.
    aliases: tuple[str, ...]


@dataclass
class ItemPreview:
    """What importing a file would do (or, after :func:`apply_upload`, did).

    ``errors`` holds the file's bad lines; when there are any, nothing else is filled in and
    the file cannot be applied.
    """

    file: str
    format: ItemFormat | None = None
    encoding: str | None = None
    added: list[ItemRow] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    removed: list[RemovedItem] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def removed_aliases(self) -> int:
        return sum(len(item.aliases) for item in self.removed)

    @property
    def fingerprint(self) -> str:
        """A digest of the plan: confirming it guards against a catalog edited meanwhile."""
        canonical = json.dumps(self._plan_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} error(s); nothing can be imported"
        text = (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )
        if self.removed_aliases:
            text += f"; {self.removed_aliases} alias(es) removed with their items"
        if self.new_categories:
            text += f"; new categories: {'、'.join(self.new_categories)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for the staff API; ``fingerprint`` is None for a bad file."""
        return {
            "file": self.file,
            "encoding": self.encoding,
            **self._plan_dict(),
            "summary": self.summary(),
            "fingerprint": self.fingerprint if self.ok else None,
        }

    def _plan_dict(self) -> dict[str, Any]:
        return {
            "format": self.format.value if self.format else None,
            "added": [
                {
                    "line": r.line,
                    "name": r.name,
                    "reading": r.reading,
                    "category": r.category,
                    "notes": r.notes,
                    "url": r.url,
                }
                for r in self.added
            ],
            "changed": [
                {
                    "line": c.line,
                    "name": c.name,
                    "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
                }
                for c in self.changed
            ],
            "removed": [
                {"name": r.name, "category": r.category, "aliases": list(r.aliases)}
                for r in self.removed
            ],
            "new_categories": self.new_categories,
            "unchanged": self.unchanged,
            "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in self.errors],
        }


class StalePreviewError(Exception):
    """The catalog changed between the preview staff confirmed and the apply."""


@dataclass
class _Plan:
    preview: ItemPreview
    #: The file's rows with the readings they will get (kept where the file has none).
    rows: list[ItemRow]
    removed: list[Item]


def _plan(session: Session, item_file: ItemFile, remove_missing: bool) -> _Plan:
    existing = {item.name: item for item in session.scalars(select(Item))}
    categories = set(session.scalars(select(Category.name)))
    preview = ItemPreview(item_file.file, item_file.format, item_file.encoding)
    rows: list[ItemRow] = []
    for row in item_file.rows:
        item = existing.get(row.name)
        row = _with_reading(row, item, item_file.has_readings)
        rows.append(row)
        if row.category not in categories and row.category not in preview.new_categories:
            preview.new_categories.append(row.category)
        if item is None:
            preview.added.append(row)
            continue
        old = (item.reading, item.category.name, item.notes, item.url)
        new = (row.reading, row.category, row.notes, row.url)
        pairs = zip(FIELDS, old, new, strict=True)
        fields = tuple(FieldChange(f, o, n) for f, o, n in pairs if o != n)
        if fields:
            preview.changed.append(ItemChange(row.name, row.line, fields))
        else:
            preview.unchanged += 1
    in_file = {row.name for row in rows}
    removed = [item for name, item in existing.items() if remove_missing and name not in in_file]
    removed.sort(key=lambda item: (item.source_row is None, item.source_row or 0, item.name))
    preview.removed = [
        RemovedItem(item.name, item.category.name, tuple(sorted(a.name for a in item.aliases)))
        for item in removed
    ]
    return _Plan(preview, rows, removed)


def _with_reading(row: ItemRow, item: Item | None, file_has_readings: bool) -> ItemRow:
    # A format without readings keeps the catalog's; one whose reading differs only in
    # script (the standard's カナ column) keeps it too, since matching folds kana anyway.
    if item is None:
        return row
    if not file_has_readings or fold_kana(item.reading) == fold_kana(row.reading):
        return replace(row, reading=item.reading)
    return row


@contextmanager
def _read_only(session: Session) -> Iterator[None]:
    """Leave the session as found: end the read transaction a preview started."""
    started = not session.in_transaction()
    try:
        yield
    finally:
        if started:
            session.rollback()


def preview_items(
    session: Session, item_file: ItemFile, *, remove_missing: bool = True
) -> ItemPreview:
    """What :func:`apply_items` would do with ``item_file``; writes nothing.

    With ``remove_missing`` false, items absent from the file are kept (for a file that
    holds only some rows).
    """
    with _read_only(session):
        return _plan(session, item_file, remove_missing).preview


def apply_items(
    session: Session,
    item_file: ItemFile,
    *,
    remove_missing: bool = True,
    expected_fingerprint: str | None = None,
) -> ItemPreview:
    """Bring the item table to ``item_file`` in one transaction; returns what was done.

    Items are matched by name, so ids and aliases of kept items survive; removed items take
    their aliases with them. New categories are created. The catalog revision is bumped so
    the running bot reloads. If ``expected_fingerprint`` is given and the plan differs from
    it (the catalog changed since the preview), nothing is written and
    :class:`StalePreviewError` is raised. ``session`` must not be in a transaction.
    """
    with session.begin():
        plan = _plan(session, item_file, remove_missing)
        if expected_fingerprint is not None and plan.preview.fingerprint != expected_fingerprint:
            raise StalePreviewError("the catalog changed since the preview; preview the file again")
        if not plan.preview.has_changes:
            return plan.preview
        report = ImportReport()
        categories = ensure_categories(session, (r.category for r in plan.rows), {}, report)
        sync_items(session, plan.rows, categories, report)
        for item in plan.removed:
            session.delete(item)
        bump_revision(session)
    return plan.preview


def preview_upload(
    session: Session,
    file: str,
    data: bytes,
    fmt: ItemFormat | str = AUTO,
    *,
    remove_missing: bool = True,
) -> ItemPreview:
    """Parse an uploaded file and preview it; a bad file gives a preview with ``errors``."""
    try:
        item_file = read_item_file(file, data, fmt)
    except CatalogFileError as exc:
        return ItemPreview(file, errors=exc.errors)
    return preview_items(session, item_file, remove_missing=remove_missing)
