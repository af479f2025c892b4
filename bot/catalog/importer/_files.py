"""Reading a catalog file strictly: decoded whole or refused, a CSV's rows with the line
each starts on, and every problem reported by file and line (:class:`RowError`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

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


def read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a shipped UTF-8 file (BOM or not); see :func:`parse_csv`."""
    text, _ = decode_text(path.name, path.read_bytes())
    return parse_csv(path.name, text, required)
