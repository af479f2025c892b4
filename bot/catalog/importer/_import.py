"""The files a catalog is imported from, and the import itself: read and check them all,
then write them in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.catalog.db import bump_revision, create_schema, get_sessionmaker
from bot.catalog.importer._report import ImportReport
from bot.catalog.importer._rows import read_aliases, read_collection_days, read_if_there, read_items
from bot.catalog.importer._seed import read_seed, read_translations
from bot.catalog.importer._sync import (
    seed_texts,
    seed_translations,
    sync_aliases,
    sync_areas,
    sync_categories,
    sync_items,
)
from bot.i18n import FOREIGN


@dataclass(frozen=True)
class CatalogFiles:
    items: Path
    collection_days: Path
    seed: Path
    aliases: Path
    #: The folder of other languages' aliases (``aliases_<lang>.csv``) and translations
    #: (``<lang>/texts.yml``); none, for a catalog in Japanese only.
    languages: Path | None = None

    @classmethod
    def shipped(cls, data_dir: Path) -> CatalogFiles:
        """The files in this repository's ``data/`` folder."""
        return cls(
            items=data_dir / "nakano" / "items.csv",
            collection_days=data_dir / "nakano" / "collection_days.csv",
            seed=data_dir / "catalog_seed.yml",
            aliases=data_dir / "aliases.csv",
            languages=data_dir / "i18n",
        )


def import_catalog(session: Session, files: CatalogFiles) -> ImportReport:
    """Bring the database up to the files; idempotent, all or nothing.

    Items and areas are matched by name (町名 + 丁目) and updated in place, so their ids,
    aliases and staff-added rows survive a re-import. Aliases missing from the database are
    added. Nothing is deleted.
    """
    items = read_items(files.items)
    areas = read_collection_days(files.collection_days)
    seed = read_seed(files.seed)
    names = {i.name for i in items}
    aliases = read_aliases(files.aliases, names)
    translations: dict[str, dict[str, Any]] = {}
    for language in FOREIGN if files.languages else ():
        aliases += read_if_there(files.languages / f"aliases_{language}.csv", names)
        translations[language] = read_translations(files.languages / language / "texts.yml")

    report = ImportReport()
    with session.begin():
        categories = sync_categories(session, items, seed, report)
        sync_items(session, items, categories, report)
        sync_aliases(session, aliases, report)
        sync_areas(session, areas, categories, seed, report)
        seed_texts(session, seed, report)
        seed_translations(session, seed, translations, report)
        if report.changed:
            bump_revision(session)
    return report


def import_into(database_url: str, files: CatalogFiles) -> ImportReport:
    """Create the schema where missing and import ``files``."""
    create_schema(database_url)
    with get_sessionmaker(database_url)() as session:
        return import_catalog(session, files)
