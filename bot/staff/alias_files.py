"""The alias table as a CSV file staff download, correct in Excel and upload again.

Columns 別名, 品目, 言語, 確認済み: the shipped alias files' columns (``data/aliases.csv``,
``data/i18n/aliases_<lang>.csv``) with the clerk's tick added, so a downloaded file can
also serve as one of those. A file is checked whole before anything is written: one bad
line refuses the file, with every bad line named by its number and why, and the aliases
stay as they were. Aliases the file does not list are kept (a file of a few lines adds a
few names); a listed alias that exists takes the file's language and tick.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.catalog.formats import READ_ENCODINGS
from bot.catalog.importer import (
    ALIAS_COLUMNS,
    ALIAS_LANGUAGE_COLUMN,
    CatalogFileError,
    RowError,
    decode_text,
    parse_csv,
)
from bot.catalog.models import Alias, Item
from bot.i18n import JAPANESE, LANGUAGE_NAMES, LANGUAGES
from bot.staff.operations import MAX_NAME

REVIEWED_COLUMN = "確認済み"
COLUMNS = (*ALIAS_COLUMNS, ALIAS_LANGUAGE_COLUMN, REVIEWED_COLUMN)
#: What a 確認済み cell may say (Excel users type any of these); empty is the default.
YES = {"はい", "済", "済み", "確認済み", "○", "〇", "1", "true", "yes", "y"}
NO = {"いいえ", "未", "未確認", "×", "0", "false", "no", "n"}
#: Encodings a downloaded file may be written in. Not Shift_JIS: it has no Hangul.
WRITE_ENCODINGS = {"utf-8-sig": "UTF-8（BOM付き、Excel向け）", "utf-8": "UTF-8"}
#: A language may be written by its code or its Japanese name (「英語」).
_LANGUAGE_CODES = {
    **{code: code for code in LANGUAGES},
    **{name: code for code, name in LANGUAGE_NAMES.items()},
}


def export_aliases(session: Session, encoding: str = "utf-8-sig") -> bytes:
    """Every alias: Japanese first, then English, Chinese, Korean; each by item reading."""
    order = case({code: rank for rank, code in enumerate(LANGUAGES)}, value=Alias.language)
    rows = session.execute(
        select(Alias.name, Item.name, Alias.language, Alias.reviewed)
        .join(Item, Alias.item_id == Item.id)
        .order_by(order, Item.reading, Item.name, Alias.id)
    ).tuples()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for alias, item, language, reviewed in rows:
        writer.writerow([alias, item, language, "はい" if reviewed else "いいえ"])
    return out.getvalue().encode(encoding)


@dataclass(frozen=True)
class AliasLine:
    line: int
    name: str
    item: str
    language: str
    reviewed: bool


@dataclass
class AliasImport:
    """What an alias file changed."""

    file: str
    added: list[AliasLine] = field(default_factory=list)
    changed: list[AliasLine] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"別名を取り込みました（追加 {len(self.added)}件、言語・確認済みの変更 "
            f"{len(self.changed)}件、変更なし {self.unchanged}件）。"
            "次の質問から使われます。"
        )

    def to_dict(self) -> dict[str, object]:
        def lines(rows: list[AliasLine]) -> list[dict[str, object]]:
            return [
                {
                    "line": r.line,
                    "name": r.name,
                    "item": r.item,
                    "language": r.language,
                    "reviewed": r.reviewed,
                }
                for r in rows
            ]

        return {
            "file": self.file,
            "added": lines(self.added),
            "changed": lines(self.changed),
            "unchanged": self.unchanged,
            "summary": self.summary(),
        }


def _reviewed(cell: str, language: str) -> bool | str:
    """The tick, or what is wrong with the cell. Empty: Japanese names are taken as
    checked, names in other languages as not yet (the rule of the shipped files)."""
    value = cell.strip().lower()
    if not value:
        return language == JAPANESE
    if value in YES:
        return True
    if value in NO:
        return False
    return f"確認済み「{cell}」は「はい」か「いいえ」で書いてください"


def read_alias_file(session: Session, file: str, data: bytes) -> list[AliasLine]:
    """The lines of an uploaded alias file, or :class:`CatalogFileError` with every bad
    line (UTF-8 with or without BOM, or Shift_JIS as Excel saves it)."""
    text, _ = decode_text(file, data, READ_ENCODINGS)
    rows = parse_csv(file, text, ALIAS_COLUMNS)
    items = set(session.scalars(select(Item.name)))
    languages = "・".join(f"{code}（{name}）" for code, name in LANGUAGE_NAMES.items())
    errors: list[RowError] = []
    lines: list[AliasLine] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        name, item = row["別名"], row["品目"]
        language_cell = row.get(ALIAS_LANGUAGE_COLUMN) or JAPANESE
        language = _LANGUAGE_CODES.get(language_cell) or _LANGUAGE_CODES.get(language_cell.lower())
        problem = None
        if not name:
            problem = "別名が空です"
        elif len(name) > MAX_NAME:
            problem = f"別名は{MAX_NAME}文字以内にしてください"
        elif not item:
            problem = "品目が空です"
        elif item not in items:
            problem = f"品目「{item}」は品目の一覧にありません"
        elif language is None:
            problem = f"言語「{language_cell}」は {languages} のどれかにしてください"
        elif (name, item) in first_line:
            problem = f"別名「{name}」（{item}）は{first_line[name, item]}行目にもあります"
        if problem is None:
            reviewed = _reviewed(row.get(REVIEWED_COLUMN) or "", language or JAPANESE)
            if isinstance(reviewed, str):
                problem = reviewed
            else:
                assert language is not None
                first_line[name, item] = line
                lines.append(AliasLine(line, name, item, language, reviewed))
        if problem is not None:
            errors.append(RowError(file, line, problem))
    if errors:
        raise CatalogFileError(errors)
    return lines


def import_aliases(session: Session, file: str, data: bytes) -> AliasImport:
    """Add the file's new aliases and set the language and tick of those that exist, in
    ``session`` (commit is the caller's); nothing is written if any line is wrong."""
    lines = read_alias_file(session, file, data)
    item_ids = dict(session.execute(select(Item.name, Item.id)).tuples().all())
    existing = {(alias.name, alias.item_id): alias for alias in session.scalars(select(Alias))}
    done = AliasImport(file)
    for row in lines:
        alias = existing.get((row.name, item_ids[row.item]))
        if alias is None:
            session.add(
                Alias(
                    name=row.name,
                    item_id=item_ids[row.item],
                    language=row.language,
                    reviewed=row.reviewed,
                )
            )
            done.added.append(row)
        elif (alias.language, alias.reviewed) != (row.language, row.reviewed):
            alias.language, alias.reviewed = row.language, row.reviewed
            done.changed.append(row)
        else:
            done.unchanged += 1
    session.flush()
    return done
