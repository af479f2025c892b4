"""The item table in the file formats staff meet: reading, telling apart and writing them.

Staff keep the item table in a spreadsheet and pass it between the ward's own open data
(``data/nakano/items.csv``), the Digital Agency's standard dataset 「ゴミの分別方法一覧」 that
portals expect, and 5374.jp apps. Each format is one :class:`_Layout`: its columns, how a row
becomes an :class:`~bot.catalog.importer.ItemRow` and back. Reading shares the importer's
CSV parsing and row checks, so errors look the same (``file:line: message``) everywhere.

Files come from Excel as often as from scripts, so UTF-8 (with or without BOM) and
Shift_JIS (cp932) are both read; which one is told strictly, never guessed leniently.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.importer import (
    ITEM_COLUMNS,
    CatalogFileError,
    ItemRow,
    RowError,
    check_items,
    decode_text,
    parse_csv,
    read_header,
)
from bot.catalog.models import Item
from bot.japanese import fold_kana

#: 全国地方公共団体コード of 中野区 (with its check digit); files may drop the check digit.
NAKANO_CODE = "131148"
NAKANO_NAME = "中野区"
_NAKANO_CODES = {NAKANO_CODE, NAKANO_CODE[:5]}

#: Tried in this order: UTF-8 (a BOM is dropped) first, since cp932 would also accept many
#: a broken UTF-8 file as mojibake.
READ_ENCODINGS = ("utf-8-sig", "cp932")
WRITE_ENCODINGS = ("utf-8", "utf-8-sig", "cp932")
#: ``format`` value asking :func:`read_item_file` to tell the format from the header row.
AUTO = "auto"

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


class ItemFormat(str, Enum):
    """The item-table formats, by the names the CLI and the admin use."""

    #: The ward's open data as shipped: ごみの品目, インデックス, 種別, 説明.
    NAKANO = "nakano"
    #: 自治体標準オープンデータセット No.28 「ゴミの分別方法一覧」, current columns.
    DIGITAL_AGENCY = "digital-agency"
    #: The same dataset's older columns (with 地区名, ゴミの品目_カナ, 粗大ごみ回収料金).
    DIGITAL_AGENCY_OLD = "digital-agency-old"
    #: 5374.jp's ``target.csv``: label, name, notice, furigana.
    TARGET_5374 = "5374"


#: What a file to import may be declared as, in the command line's and the staff API's
#: options: one of the formats, or ``auto`` to tell it from the header row.
ImportFormat = Enum(
    "ImportFormat", [(AUTO, AUTO), *((f.value, f.value) for f in ItemFormat)], type=str
)
#: The encodings an export may be asked for (:data:`WRITE_ENCODINGS`), as options.
ExportEncoding = Enum("ExportEncoding", [(e, e) for e in WRITE_ENCODINGS], type=str)


Cells = dict[str, str]


@dataclass(frozen=True)
class _Layout:
    columns: tuple[str, ...]
    #: The columns holding the item name and category, named in error messages.
    name_column: str
    category_column: str
    #: False when the format carries no reading; the catalog's reading is then kept.
    has_readings: bool
    #: A row's cells → the item, or the message of what is wrong with the row.
    read: Callable[[int, Cells], ItemRow | str]
    #: The 1-based row number and an item → its cells in ``columns`` order.
    write: Callable[[int, ItemRow], tuple[str, ...]]


@dataclass(frozen=True)
class ItemFile:
    """A parsed item-table file whose rows have all passed the checks."""

    file: str
    format: ItemFormat
    #: The encoding it was read in: ``utf-8``, ``utf-8-sig`` (with BOM) or ``cp932``.
    encoding: str
    rows: tuple[ItemRow, ...]

    @property
    def has_readings(self) -> bool:
        return _LAYOUTS[self.format].has_readings


class ExportEncodingError(ValueError):
    """Some item text would not survive the encoding asked for (cp932 and 「—」, for one)."""

    def __init__(self, encoding: str, problems: list[str]) -> None:
        self.encoding = encoding
        self.problems = problems
        super().__init__(f"{encoding} では書き出せない文字があります：" + "、".join(problems))


def to_katakana(text: str) -> str:
    """Hiragana to katakana, for columns that the standard names カナ."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def index_kana(reading: str) -> str:
    """The 50-sound index letter of a reading (「がすぼんべ」 → 「か」), as 5374.jp groups by.

    5374's ``furigana`` column holds this letter, not the whole reading.
    """
    for char in fold_kana(reading):
        if "ぁ" <= char <= "ゖ":
            return unicodedata.normalize("NFD", char)[0]
    return ""


def _municipality_error(cells: Cells) -> str | None:
    # The standard dataset names its municipality on every row; another ward's file would
    # otherwise replace Nakano's whole table.
    code, name = cells["全国地方公共団体コード"], cells["地方公共団体名"]
    if code and code not in _NAKANO_CODES:
        return f"全国地方公共団体コード {code} は{NAKANO_NAME}（{NAKANO_CODE}）のものではありません"
    if name and name != NAKANO_NAME:
        return f"地方公共団体名「{name}」は{NAKANO_NAME}ではありません"
    return None


def _join_notes(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _read_nakano(line: int, c: Cells) -> ItemRow | str:
    return ItemRow(line, c["ごみの品目"], c["インデックス"], c["種別"], c["説明"])


def _write_nakano(_: int, row: ItemRow) -> tuple[str, ...]:
    return (row.name, row.reading, row.category, row.notes)


def _read_digital_agency(line: int, c: Cells) -> ItemRow | str:
    # The catalog has one notes text: 注意点, then 備考, then the fee, each on its own line.
    fee = " ".join(part for part in (c["料金種別"], c["料金"]) if part)
    if c["料金備考"]:
        fee += f"（{c['料金備考']}）"
    notes = _join_notes(c["注意点"], c["備考"], fee and f"料金：{fee}")
    return _municipality_error(c) or ItemRow(line, c["ゴミの品目"], "", c["分別区分"], notes)


def _write_digital_agency(number: int, row: ItemRow) -> tuple[str, ...]:
    return (
        NAKANO_CODE,
        str(number),
        NAKANO_NAME,
        row.name,
        row.category,
        row.notes,
        "",
        "",
        "",
        "",
    )


def _read_digital_agency_old(line: int, c: Cells) -> ItemRow | str:
    if c["地区名"]:
        return f"地区名「{c['地区名']}」：品目表は区全体で一つです（地区ごとの行は取り込めません）"
    fee = c["粗大ごみ回収料金"]
    notes = _join_notes(c["注意点"], c["備考"], fee and f"粗大ごみ回収料金：{fee}")
    reading = fold_kana(c["ゴミの品目_カナ"])
    return _municipality_error(c) or ItemRow(line, c["ゴミの品目"], reading, c["分別区分"], notes)


def _write_digital_agency_old(number: int, row: ItemRow) -> tuple[str, ...]:
    return (
        *(NAKANO_CODE, str(number), NAKANO_NAME, "", row.name, to_katakana(row.reading), ""),
        *(row.category, row.notes, "", ""),
    )


def _read_5374(line: int, c: Cells) -> ItemRow | str:
    return ItemRow(line, c["name"], "", c["label"], c["notice"])


def _write_5374(_: int, row: ItemRow) -> tuple[str, ...]:
    return (row.category, row.name, row.notes, index_kana(row.reading))


_LAYOUTS: dict[ItemFormat, _Layout] = {
    ItemFormat.NAKANO: _Layout(
        ITEM_COLUMNS, "ごみの品目", "種別", True, _read_nakano, _write_nakano
    ),
    ItemFormat.DIGITAL_AGENCY: _Layout(
        (
            *("全国地方公共団体コード", "ID", "地方公共団体名", "ゴミの品目", "分別区分"),
            *("注意点", "料金種別", "料金", "料金備考", "備考"),
        ),
        "ゴミの品目",
        "分別区分",
        False,
        _read_digital_agency,
        _write_digital_agency,
    ),
    ItemFormat.DIGITAL_AGENCY_OLD: _Layout(
        (
            *("全国地方公共団体コード", "ID", "地方公共団体名", "地区名", "ゴミの品目"),
            *("ゴミの品目_カナ", "ゴミの品目_英字", "分別区分", "注意点", "備考"),
            "粗大ごみ回収料金",
        ),
        "ゴミの品目",
        "分別区分",
        True,
        _read_digital_agency_old,
        _write_digital_agency_old,
    ),
    ItemFormat.TARGET_5374: _Layout(
        ("label", "name", "notice", "furigana"), "name", "label", False, _read_5374, _write_5374
    ),
}


def detect_format(file: str, header: list[str]) -> ItemFormat:
    """The format whose columns the header row holds (extra columns are ignored).

    When several fit, the one using most of the header wins; when none fits, the error
    names the closest format and the columns it lacks, since that is usually a typo.
    """
    present = {cell.strip() for cell in header}
    fitting = [f for f, layout in _LAYOUTS.items() if present >= set(layout.columns)]
    if fitting:
        return max(fitting, key=lambda f: len(_LAYOUTS[f].columns))
    closest = max(_LAYOUTS, key=lambda f: len(present & set(_LAYOUTS[f].columns)))
    missing = [c for c in _LAYOUTS[closest].columns if c not in present]
    raise CatalogFileError(
        [
            RowError(
                file,
                1,
                "見出し行がどの品目表の形式にも合いません。いちばん近い形式"
                f"（{closest.value}）に足りない列：{'、'.join(missing)}",
            )
        ]
    )


def read_item_file(file: str, data: bytes, fmt: ItemFormat | str = AUTO) -> ItemFile:
    """Parse and check an item-table file (``file`` names it in errors).

    Raises :class:`CatalogFileError` with every bad line when the file cannot be imported:
    undecodable bytes, a header of no known format, a row with an empty name or category,
    a repeated name, another municipality's row, or no rows at all.
    """
    text, encoding = decode_text(file, data, READ_ENCODINGS)
    if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8"
    item_format = detect_format(file, read_header(text)) if fmt == AUTO else ItemFormat(fmt)
    layout = _LAYOUTS[item_format]
    rows = check_items(
        file,
        (
            _row_or_error(file, line, layout.read(line, _one_line_break(cells)))
            for line, cells in parse_csv(file, text, layout.columns)
        ),
        layout.name_column,
        layout.category_column,
    )
    if not rows:
        raise CatalogFileError([RowError(file, 1, "品目の行がありません")])
    return ItemFile(file, item_format, encoding, tuple(rows))


def _one_line_break(cells: Cells) -> Cells:
    # A break inside a cell is CRLF or LF depending on the tool that saved the file;
    # the catalog keeps LF so that the same text from two tools compares equal.
    return {column: value.replace("\r\n", "\n") for column, value in cells.items()}


def _row_or_error(file: str, line: int, row: ItemRow | str) -> ItemRow | RowError:
    return RowError(file, line, row) if isinstance(row, str) else row


def write_items(rows: Iterable[ItemRow], fmt: ItemFormat | str, encoding: str = "utf-8") -> bytes:
    """The file of ``rows`` in ``fmt``: CSV with CRLF line ends, as the ward publishes.

    Raises :class:`ExportEncodingError` naming each item with a character ``encoding``
    cannot hold or would read back as another, rather than writing 「?」 in its place.
    """
    if encoding not in WRITE_ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(WRITE_ENCODINGS)}: {encoding!r}")
    layout = _LAYOUTS[ItemFormat(fmt)]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(layout.columns)
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        cells = layout.write(number, row)
        problems += (
            f"「{row.name}」の「{char}」（U+{ord(char):04X}）"
            for char in dict.fromkeys("".join(cells))
            if not _survives(char, encoding)
        )
        writer.writerow(cells)
    if problems:
        raise ExportEncodingError(encoding, problems)
    return out.getvalue().encode(encoding)


def _survives(char: str, encoding: str) -> bool:
    """Whether ``char`` reads back as itself: cp932 has no 「—」 and turns 「〜」 into 「～」."""
    try:
        return char.encode(encoding).decode(encoding) == char
    except UnicodeEncodeError:
        return False


def catalog_rows(session: Session) -> list[ItemRow]:
    """The catalog's items in the order of the file they came from (staff-added ones last).

    Keeping the source order makes an export of an unedited catalog the very file that
    was imported, so a diff of two exports shows only real edits.
    """
    items = session.scalars(
        select(Item).order_by(Item.source_row.is_(None), Item.source_row, Item.name)
    )
    return [
        ItemRow(item.source_row or 0, item.name, item.reading, item.category.name, item.notes)
        for item in items
    ]


def export_items(session: Session, fmt: ItemFormat | str, encoding: str = "utf-8") -> bytes:
    """The catalog's item table as a file in ``fmt`` and ``encoding``."""
    return write_items(catalog_rows(session), fmt, encoding)


def csv_media_type(encoding: str) -> str:
    """The Content-Type of an exported file. cp932 is labelled by its IANA name,
    Windows-31J (browsers and Excel read it so), not Shift_JIS, which lacks characters
    such as ① that cp932 files carry."""
    charset = "Windows-31J" if encoding == "cp932" else "utf-8"
    return f"text/csv; charset={charset}"
