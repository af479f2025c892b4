"""Import of the ward's open data (items, collection days) and the seed texts.

A file is read and checked whole before anything is written: one bad row fails the import
with every problem listed by file and line, and the database is left as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.db import bump_revision, create_schema, get_sessionmaker
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
from bot.i18n import FOREIGN, JAPANESE, LANGUAGES

ITEM_COLUMNS = ("ごみの品目", "インデックス", "種別", "説明")
ALIAS_COLUMNS = ("別名", "品目")
#: An alias file's optional column: the language residents use the name in (``ja`` when
#: there is no such column).
ALIAS_LANGUAGE_COLUMN = "言語"
AREA_COLUMNS = ("町名", "丁目")
#: Collection-day column → the catalog's 種別 for the same thing.
SCHEDULE_COLUMNS = {
    "燃やすごみ": "燃やすごみ",
    "陶器,ガラス,金属ごみ": "陶器・ガラス・金属ごみ",
    "資源プラスチック": "資源プラスチック",
    "びん,ペットボトル": "びん・缶・ペットボトル",
}
WEEKDAYS = "月火水木金土日"

_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
_WEEKDAY_RULE = re.compile(
    r"^(?:第(?P<weeks>[1-5](?:;第?[1-5])*))?(?P<days>[月火水木金土日]曜日(?:;[月火水木金土日]曜日)*)$"
)
_CHOME = re.compile(r"^(?P<numbers>\d+(?:;\d+)*)(?:[（(](?P<remark>[^）)]*)[）)])?$")
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp932": "Shift_JIS（cp932）"}


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogFileError(Exception):
    """A file could not be imported; ``errors`` says where and why."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ItemRow:
    line: int
    name: str
    reading: str
    category: str
    notes: str

    @property
    def url(self) -> str | None:
        match = _URL.search(self.notes)
        return match.group(0).rstrip(".,") if match else None


@dataclass(frozen=True)
class ScheduleRule:
    weekdays: list[int]
    nth_weeks: list[int]
    source_text: str


@dataclass(frozen=True)
class AreaRow:
    line: int
    town: str
    chome_text: str
    chome: list[int]
    remark: str
    schedules: dict[str, ScheduleRule]


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        table = getattr(self, outcome)
        table[kind] = table.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        kinds = sorted({*self.added, *self.updated, *self.unchanged})
        return ", ".join(
            f"{kind}: {self.added.get(kind, 0)} added, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        )


def decode_text(
    file: str, data: bytes, encodings: tuple[str, ...] = ("utf-8-sig",)
) -> tuple[str, str]:
    """``data`` decoded by the first of ``encodings`` that reads all of it, and that encoding.

    Strictly, because a lenient decode would import mojibake without a word. When none
    fits, the error names the line of the first byte the first encoding could not read.
    """
    first: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first = first or exc
    assert first is not None
    names = "・".join(dict.fromkeys(_ENCODING_NAMES.get(e, e) for e in encodings))
    line = data[: first.start].count(b"\n") + 1
    message = f"{names}のどれでも読めない文字があります（{first.start + 1}バイト目）"
    raise CatalogFileError([RowError(file, line, message)])


def read_header(text: str) -> list[str]:
    """The column names of the CSV ``text`` (its first record), to tell its format."""
    return next(csv.reader(io.StringIO(text, newline="")), [])


def parse_csv(file: str, text: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows with the line each starts on (cells may hold newlines), cells stripped.

    ``file`` names the file in errors; a missing column or a row with the wrong number of
    cells fails the whole file.
    """
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogFileError([RowError(file, 1, f"列が足りません：{'、'.join(missing)}")])
        start = reader.line_num + 1
        for row in reader:
            if None in row or any(row[c] is None for c in reader.fieldnames):
                errors.append(RowError(file, start, "列の数が見出し行と合いません"))
            else:
                rows.append((start, {k: v.strip() for k, v in row.items()}))
            start = reader.line_num + 1
    except csv.Error as exc:
        message = 'CSVとして読めません（「"」の閉じ忘れや、長すぎるセルがないか確かめてください）'
        raise CatalogFileError([RowError(file, reader.line_num, message)]) from exc
    if errors:
        raise CatalogFileError(errors)
    return rows


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a shipped UTF-8 file (BOM or not); see :func:`parse_csv`."""
    text, _ = decode_text(path.name, path.read_bytes())
    return parse_csv(path.name, text, required)


def check_items(
    file: str,
    rows: Iterable[ItemRow | RowError],
    name_column: str = "ごみの品目",
    category_column: str = "種別",
) -> list[ItemRow]:
    """The item rows of a file, failing it on an empty name or category or a repeated name.

    ``rows`` may carry errors a format found on its own lines; they are reported with the
    rest, in line order. Column names are those of the file, so messages match what staff
    see in their spreadsheet.
    """
    errors: list[RowError] = []
    items: list[ItemRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        if isinstance(row, RowError):
            errors.append(row)
        elif not row.name:
            errors.append(RowError(file, row.line, f"{name_column}が空です"))
        elif not row.category:
            errors.append(RowError(file, row.line, f"「{row.name}」の{category_column}が空です"))
        elif row.name in seen:
            errors.append(
                RowError(file, row.line, f"「{row.name}」は{seen[row.name]}行目にもあります")
            )
        else:
            seen[row.name] = row.line
            items.append(row)
    if errors:
        raise CatalogFileError(errors)
    return items


def read_items(path: Path) -> list[ItemRow]:
    return check_items(
        path.name,
        (
            ItemRow(line, row["ごみの品目"], row["インデックス"], row["種別"], row["説明"])
            for line, row in _read_csv(path, ITEM_COLUMNS)
        ),
    )


def parse_schedule_rule(text: str) -> ScheduleRule:
    """「火曜日;金曜日」 → Tue, Fri every week; 「第2;第4土曜日」 → Sat of weeks 2 and 4."""
    compact = text.replace(" ", "").replace("；", ";")
    match = _WEEKDAY_RULE.match(compact)
    if not match:
        raise ValueError(f"not a weekday rule: {text!r}")
    days = [WEEKDAYS.index(d[0]) for d in match["days"].split(";")]
    weeks = [int(w.lstrip("第")) for w in match["weeks"].split(";")] if match["weeks"] else []
    return ScheduleRule(days, weeks, text)


def parse_chome(text: str) -> tuple[list[int], str]:
    """「1;2;4;5」 → [1, 2, 4, 5]; 「全域」 → [] (whole town); a bracketed remark is kept."""
    if text == "全域":
        return [], ""
    match = _CHOME.match(text.replace(" ", ""))
    if not match:
        raise ValueError(f"not a 丁目 list: {text!r}")
    return [int(n) for n in match["numbers"].split(";")], match["remark"] or ""


def read_collection_days(path: Path) -> list[AreaRow]:
    errors: list[RowError] = []
    areas: list[AreaRow] = []
    for line, row in _read_csv(path, AREA_COLUMNS + tuple(SCHEDULE_COLUMNS)):
        try:
            chome, remark = parse_chome(row["丁目"])
            if not row["町名"]:
                raise ValueError("町名 is empty")
            schedules = {
                category: parse_schedule_rule(row[column])
                for column, category in SCHEDULE_COLUMNS.items()
            }
        except ValueError as exc:
            errors.append(RowError(path.name, line, str(exc)))
            continue
        areas.append(AreaRow(line, row["町名"], row["丁目"], chome, remark, schedules))
    if errors:
        raise CatalogFileError(errors)
    return areas


@dataclass(frozen=True)
class AliasRow:
    line: int
    alias: str
    item: str
    language: str = JAPANESE


def read_aliases(path: Path, item_names: set[str]) -> list[AliasRow]:
    """The alias table: another name residents use, the catalog item it means, and, in a
    ``言語`` column, the language of the name (Japanese without one)."""
    errors: list[RowError] = []
    aliases: list[AliasRow] = []
    for line, row in _read_csv(path, ALIAS_COLUMNS):
        language = (row.get(ALIAS_LANGUAGE_COLUMN) or JAPANESE).strip()
        if not row["別名"]:
            errors.append(RowError(path.name, line, "別名が空です"))
        elif row["品目"] not in item_names:
            errors.append(RowError(path.name, line, f"品目「{row['品目']}」はありません"))
        elif language not in LANGUAGES:
            errors.append(
                RowError(
                    path.name, line, f"言語「{language}」は {'・'.join(LANGUAGES)} のどれかです"
                )
            )
        else:
            aliases.append(AliasRow(line, row["別名"], row["品目"], language))
    if errors:
        raise CatalogFileError(errors)
    return aliases


@dataclass(frozen=True)
class Seed:
    #: Each text's ``title``, ``body`` and, for a knowledge entry, ``examples`` and ``url``.
    texts: dict[str, dict[str, Any]]
    category_guidance: dict[str, str]
    town_readings: dict[str, str]
    #: Each category's ``order`` and ``description``.
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_seed(path: Path) -> Seed:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        seed = Seed(
            raw["texts"],
            raw.get("category_guidance", {}),
            raw.get("town_readings", {}),
            raw.get("categories", {}),
        )
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise CatalogFileError([RowError(path.name, 1, f"not a valid seed file: {exc}")]) from exc
    unknown = set(seed.category_guidance.values()) - set(seed.texts)
    if unknown:
        raise CatalogFileError(
            [RowError(path.name, 1, f"category_guidance names unknown texts: {sorted(unknown)}")]
        )
    return seed


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
        aliases += _read_if_there(files.languages / f"aliases_{language}.csv", names)
        translations[language] = _read_translations(files.languages / language / "texts.yml")

    report = ImportReport()
    with session.begin():
        categories = _sync_categories(session, items, seed, report)
        sync_items(session, items, categories, report)
        _sync_aliases(session, aliases, report)
        _sync_areas(session, areas, categories, seed, report)
        _seed_texts(session, seed, report)
        _seed_translations(session, seed, translations, report)
        if report.changed:
            bump_revision(session)
    return report


def _sync_categories(
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


def _sync_aliases(session: Session, rows: list[AliasRow], report: ImportReport) -> None:
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


def _sync_areas(
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


def _seed_texts(session: Session, seed: Seed, report: ImportReport) -> None:
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


def _read_if_there(path: Path, item_names: set[str]) -> list[AliasRow]:
    return read_aliases(path, item_names) if path.exists() else []


def _read_translations(path: Path) -> dict[str, Any]:
    """A language's ``texts.yml``: ``texts``, ``categories`` and ``notes``."""
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogFileError([RowError(path.name, 1, f"not a valid YAML file: {exc}")]) from exc
    return raw


def _seed_translations(
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


def import_into(database_url: str, files: CatalogFiles) -> ImportReport:
    """Create the schema where missing and import ``files``."""
    create_schema(database_url)
    with get_sessionmaker(database_url)() as session:
        return import_catalog(session, files)
