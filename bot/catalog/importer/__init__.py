"""Import of the ward's open data (items, collection days) and the seed texts.

A file is read and checked whole before anything is written: one bad row fails the import
with every problem listed by file and line, and the database is left as it was.

How the catalog is imported (:func:`import_catalog`, in ``_import``), one private module
per step:

1. Files (``_files``): each file decoded strictly and read as CSV, problems by line.
2. Rows (``_rows``): the item table, the collection days and the aliases as checked rows.
3. Seed (``_seed``): the shipped texts, category settings and translations.
4. Writing (``_sync``): rows and seed written to the database in one transaction, counted
   in an :class:`ImportReport` (``_report``).

The staff's uploads (:mod:`bot.catalog.formats`, :mod:`bot.catalog.item_changes`,
:mod:`bot.staff.alias_files`) read and write through the same functions.
"""

from bot.catalog.importer._files import (
    CatalogFileError,
    RowError,
    decode_text,
    parse_csv,
    read_header,
)
from bot.catalog.importer._import import CatalogFiles, import_catalog, import_into
from bot.catalog.importer._report import ImportReport
from bot.catalog.importer._rows import (
    ALIAS_COLUMNS,
    ALIAS_LANGUAGE_COLUMN,
    AREA_COLUMNS,
    ITEM_COLUMNS,
    SCHEDULE_COLUMNS,
    WEEKDAYS,
    AliasRow,
    AreaRow,
    ItemRow,
    ScheduleRule,
    check_items,
    parse_chome,
    parse_schedule_rule,
    read_aliases,
    read_collection_days,
    read_items,
)
from bot.catalog.importer._seed import Seed, read_seed
from bot.catalog.importer._sync import ensure_categories, sync_items

__all__ = [
    "ALIAS_COLUMNS",
    "ALIAS_LANGUAGE_COLUMN",
    "AREA_COLUMNS",
    "ITEM_COLUMNS",
    "SCHEDULE_COLUMNS",
    "WEEKDAYS",
    "AliasRow",
    "AreaRow",
    "CatalogFileError",
    "CatalogFiles",
    "ImportReport",
    "ItemRow",
    "RowError",
    "ScheduleRule",
    "Seed",
    "check_items",
    "decode_text",
    "ensure_categories",
    "import_catalog",
    "import_into",
    "parse_chome",
    "parse_csv",
    "parse_schedule_rule",
    "read_aliases",
    "read_collection_days",
    "read_header",
    "read_items",
    "read_seed",
    "sync_items",
]
