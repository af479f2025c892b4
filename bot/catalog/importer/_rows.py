"""The catalog's tables read into checked rows: the ward's item table (ごみ分別一覧), its
collection days by area, and the aliases, in the ward's own notation (「第2;第4土曜日」,
「1;2;4;5」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.importer._files import CatalogFileError, RowError, read_csv
from bot.i18n import JAPANESE, LANGUAGES

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
            for line, row in read_csv(path, ITEM_COLUMNS)
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
    for line, row in read_csv(path, AREA_COLUMNS + tuple(SCHEDULE_COLUMNS)):
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
    for line, row in read_csv(path, ALIAS_COLUMNS):
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


def read_if_there(path: Path, item_names: set[str]) -> list[AliasRow]:
    return read_aliases(path, item_names) if path.exists() else []
