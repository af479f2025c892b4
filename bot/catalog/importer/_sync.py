"""Writing the rows and the seed to the database: matched by name, added or updated in
place, never deleted; what staff have changed since is left as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.importer._report import ImportReport
from bot.catalog.importer._rows import SCHEDULE_COLUMNS, AliasRow, AreaRow, ItemRow
from bot.catalog.importer._seed import Seed
from bot.catalog.models import (
    DEFAULT_SORT_ORDER,
    Alias,
    Area,
    Category,
    Item,
    Schedule,
    Translation,
    WardText,
)
from bot.catalog.translations import CATEGORY, NOTE, TEXT
from bot.i18n import JAPANESE


def sync_categories(
    session: Session, items: list[ItemRow], seed: Seed, report: ImportReport
) -> dict[str, Category]:
    names = [*(i.category for i in items), *SCHEDULE_COLUMNS.values()]
    existing = set(session.scalars(select(Category.name)))
    categories = ensure_categories(session, names, seed.category_guidance, report)
    _seed_categories(categories, seed, added=categories.keys() - existing)
    return categories


def ensure_categories(
    session: Session, names: Iterable[str], guidance: Mapping[str, str], report: ImportReport
) -> dict[str, Category]:
    """Every category by name, adding those of ``names`` not in the database yet.

    A new 種別 in the ward's table is accepted rather than refused: the table is the
    authority, and the new category gets its guidance text from ``guidance`` if any.
    """
    existing = {c.name: c for c in session.scalars(select(Category))}
    for name in dict.fromkeys(names):
        if name in existing:
            report.count("categories", "unchanged")
            continue
        category = Category(name=name, guidance_key=guidance.get(name))
        session.add(category)
        existing[name] = category
        report.count("categories", "added")
    session.flush()
    return existing


def sync_items(
    session: Session,
    rows: list[ItemRow],
    categories: dict[str, Category],
    report: ImportReport,
) -> None:
    """Add or update the items of ``rows``, matched by name; never deletes.

    ``categories`` must hold every row's category (see :func:`ensure_categories`).
    """
    existing = {i.name: i for i in session.scalars(select(Item))}
    for row in rows:
        values = {
            "reading": row.reading,
            "category_id": categories[row.category].id,
            "notes": row.notes,
            "url": row.url,
            "source_row": row.line,
        }
        item = existing.get(row.name)
        if item is None:
            session.add(Item(name=row.name, **values))
            report.count("items", "added")
        elif any(getattr(item, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(item, key, value)
            report.count("items", "updated")
        else:
            report.count("items", "unchanged")


def sync_aliases(session: Session, rows: list[AliasRow], report: ImportReport) -> None:
    session.flush()
    item_ids = dict(session.execute(select(Item.name, Item.id)).tuples().all())
    # One name of an item is one alias, whatever its language: 「AirPods」 is Japanese and
    # English alike (and matched in English messages too, see bot.catalog.loader).
    existing = set(session.execute(select(Alias.name, Alias.item_id)).tuples().all())
    for row in rows:
        key = (row.alias, item_ids[row.item])
        if key in existing:
            report.count("aliases", "unchanged")
        else:
            # Names the developers wrote in other languages wait for a clerk's check.
            reviewed = row.language == JAPANESE
            session.add(
                Alias(
                    name=row.alias,
                    item_id=item_ids[row.item],
                    language=row.language,
                    reviewed=reviewed,
                )
            )
            existing.add(key)
            report.count("aliases", "added")


def sync_areas(
    session: Session,
    rows: list[AreaRow],
    categories: dict[str, Category],
    seed: Seed,
    report: ImportReport,
) -> None:
    existing = {(a.town, a.chome_text): a for a in session.scalars(select(Area))}
    for row in rows:
        area = existing.get((row.town, row.chome_text))
        if area is None:
            area = Area(
                town=row.town,
                chome_text=row.chome_text,
                town_reading=seed.town_readings.get(row.town, ""),
            )
            session.add(area)
            outcome = "added"
        else:
            outcome = "unchanged"
        wanted = {
            categories[name].id: (rule.weekdays, rule.nth_weeks, rule.source_text)
            for name, rule in row.schedules.items()
        }
        have = {s.category_id: (s.weekdays, s.nth_weeks, s.source_text) for s in area.schedules}
        fields = (area.chome, area.remark, area.source_row)
        if outcome == "unchanged" and (
            have != wanted or fields != (row.chome, row.remark, row.line)
        ):
            outcome = "updated"
        area.chome, area.remark, area.source_row = row.chome, row.remark, row.line
        if have != wanted:
            area.schedules = [
                Schedule(category_id=cid, weekdays=days, nth_weeks=weeks, source_text=text)
                for cid, (days, weeks, text) in wanted.items()
            ]
        report.count("areas", outcome)


def _seed_categories(
    categories: Mapping[str, Category], seed: Seed, added: Collection[str]
) -> None:
    """The seeded order and description of each category, where it still has none (a
    catalog from before categories had them), and whether it is a resource, for the
    categories this import ``added`` (a yes or no has no "none": an existing category's is
    staff's, or migration 0005's); never over a value staff set."""
    for name, values in seed.categories.items():
        category = categories.get(name)
        if category is None:
            continue
        if category.sort_order in (None, DEFAULT_SORT_ORDER):
            category.sort_order = int(values.get("order", DEFAULT_SORT_ORDER))
        if not category.description:
            category.description = values.get("description", "")
        if name in added:
            category.resource = values.get("resource", False) is True


def seed_texts(session: Session, seed: Seed, report: ImportReport) -> None:
    """Add the seeded texts that are missing. An existing text is staff's: only its
    examples and link are filled in, and only while they are empty (a catalog from before
    texts had them)."""
    for key, text in seed.texts.items():
        examples = "\n".join(text.get("examples", []))
        existing = session.get(WardText, key)
        if existing is None:
            session.add(
                WardText(
                    key=key,
                    title=text["title"],
                    body=text["body"],
                    examples=examples,
                    url=text.get("url"),
                )
            )
            report.count("texts", "added")
            continue
        if not existing.examples and examples:
            existing.examples = examples
        if existing.url is None and text.get("url"):
            existing.url = text["url"]
        report.count("texts", "unchanged")


def seed_translations(
    session: Session, seed: Seed, translations: dict[str, dict[str, Any]], report: ImportReport
) -> None:
    """Add the shipped translations that are missing, unreviewed. Each records the
    Japanese it translates (the seed's), so that one whose Japanese staff have changed
    since is not used. Existing rows are staff's and stay as they are."""
    existing = set(
        session.execute(
            select(Translation.kind, Translation.key, Translation.field, Translation.language)
        )
        .tuples()
        .all()
    )
    for language, data in translations.items():
        for kind, key, field_, source, body in _translated_fields(seed, data):
            if (kind, key, field_, language) in existing or not body.strip():
                continue
            session.add(
                Translation(
                    kind=kind, key=key, field=field_, language=language, source=source, body=body
                )
            )
            existing.add((kind, key, field_, language))
            report.count("translations", "added")


def _translated_fields(
    seed: Seed, data: dict[str, Any]
) -> Iterable[tuple[str, str, str, str, str]]:
    """``(kind, key, field, Japanese, translation)`` of one language's ``texts.yml``."""
    for key, fields in (data.get("texts") or {}).items():
        japanese = seed.texts.get(key)
        if japanese is None:
            continue
        for field_ in ("title", "body", "examples"):
            body = fields.get(field_)
            source = japanese.get(field_)
            if isinstance(body, list):
                body, source = "\n".join(body), "\n".join(source or [])
            if body and source:
                yield TEXT, key, field_, str(source), str(body)
    for name, fields in (data.get("categories") or {}).items():
        described = seed.categories.get(name, {}).get("description", "")
        yield CATEGORY, name, "name", name, str(fields.get("name") or "")
        if described:
            yield CATEGORY, name, "description", described, str(fields.get("description") or "")
    for japanese, body in (data.get("notes") or {}).items():
        yield NOTE, str(japanese).strip(), "note", str(japanese).strip(), str(body or "")
