"""Item-table import and export in every format, on a real catalog built from the shipped data.

Nothing here is mocked: files are written and read as bytes in each encoding, previews and
applies run against a real SQLite database, and the CLI is driven through typer's runner.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.catalog.db import current_revision, get_sessionmaker
from bot.catalog.formats import (
    ExportEncodingError,
    ItemFormat,
    detect_format,
    export_items,
    index_kana,
    read_item_file,
    write_items,
)
from bot.catalog.importer import CatalogFileError, ItemRow, read_items
from bot.catalog.item_changes import (
    StalePreviewError,
    apply_items,
    preview_items,
    preview_upload,
)
from bot.catalog.models import Alias, Item
from bot.cli import app
from bot.settings import ROOT, get_settings
from tests.support.catalog import make_catalog

SHIPPED_ITEMS = ROOT / "data" / "nakano" / "items.csv"
ENCODINGS = ("utf-8", "utf-8-sig", "cp932")

DA_HEADER = (
    "全国地方公共団体コード,ID,地方公共団体名,ゴミの品目,分別区分,"
    "注意点,料金種別,料金,料金備考,備考"
)
DA_OLD_HEADER = (
    "全国地方公共団体コード,ID,地方公共団体名,地区名,ゴミの品目,ゴミの品目_カナ,ゴミの品目_英字,"
    "分別区分,注意点,備考,粗大ごみ回収料金"
)


@pytest.fixture
def catalog(tmp_path: Path) -> str:
    """A catalog of its own per test, since tests write to it."""
    return make_catalog(tmp_path / "catalog.sqlite3")


@pytest.fixture
def sessions(catalog: str) -> sessionmaker[Session]:
    return get_sessionmaker(catalog)


def export(
    sessions: sessionmaker[Session], fmt: ItemFormat | str, encoding: str = "utf-8"
) -> bytes:
    with sessions() as session:
        return export_items(session, fmt, encoding)


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of the item, alias and category tables, straight from SQLite."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("items", "aliases", "categories")
        }


def revision(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return current_revision(session)


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "".join(line + "\r\n" for line in lines).encode(encoding)


# --- export ----------------------------------------------------------------------------------


def test_nakano_export_of_the_shipped_catalog_is_the_shipped_file(
    sessions: sessionmaker[Session],
) -> None:
    assert export(sessions, ItemFormat.NAKANO) == SHIPPED_ITEMS.read_bytes()


def test_exports_carry_the_columns_of_each_format(sessions: sessionmaker[Session]) -> None:
    da = export(sessions, ItemFormat.DIGITAL_AGENCY).decode().splitlines()
    assert da[0] == DA_HEADER
    assert da[1].startswith("131148,1,中野区,アイスピック,陶器・ガラス・金属ごみ,危険のないよう")
    assert da[1].endswith(",,,,")
    old = export(sessions, ItemFormat.DIGITAL_AGENCY_OLD).decode().splitlines()
    assert old[0] == DA_OLD_HEADER
    assert old[1].startswith("131148,1,中野区,,アイスピック,アイスピック,,陶器・ガラス・金属ごみ,")
    target = export(sessions, ItemFormat.TARGET_5374).decode().splitlines()
    assert target[0] == "label,name,notice,furigana"
    assert target[3] == "陶器・ガラス・金属ごみ,アイロン,,あ"
    assert len(target) == 943


def test_5374_furigana_is_the_index_letter() -> None:
    # 5374.jp groups its list by this letter: voiced and katakana readings file under the
    # plain hiragana row.
    assert index_kana("がすぼんべ") == "か"
    assert index_kana("ビデオテープ") == "ひ"
    assert index_kana("※しーでぃー") == "し"
    assert index_kana("") == ""


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_exports_are_written_in_the_encoding_asked_for(
    sessions: sessionmaker[Session], encoding: str
) -> None:
    data = export(sessions, ItemFormat.NAKANO, encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert data.decode(encoding).lstrip("\ufeff") == SHIPPED_ITEMS.read_bytes().decode()
    if encoding == "cp932":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_cp932_export_names_items_it_cannot_hold(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        item = session.scalar(select(Item).where(Item.name == "アイロン"))
        # cp932 has no EM DASH, and reads its WAVE DASH back as a FULLWIDTH TILDE.
        item.notes = "10〜20cm — 目安"
    with pytest.raises(ExportEncodingError) as caught:
        export(sessions, ItemFormat.NAKANO, "cp932")
    assert caught.value.problems == [
        "「アイロン」の「〜」（U+301C）",
        "「アイロン」の「—」（U+2014）",
    ]
    assert "10〜20cm — 目安".encode() in export(sessions, ItemFormat.NAKANO, "utf-8-sig")


# --- reading, and the round trip -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", list(ItemFormat))
def test_round_trip_in_every_format_and_encoding_changes_nothing(
    catalog: str, sessions: sessionmaker[Session], fmt: ItemFormat, encoding: str
) -> None:
    data = export(sessions, fmt, encoding)
    item_file = read_item_file("export.csv", data)
    assert item_file.format is fmt
    assert item_file.encoding == encoding
    assert len(item_file.rows) == 942
    before, rev = dump(catalog), revision(sessions)
    with sessions() as session:
        preview = preview_items(session, item_file)
    assert preview.ok
    assert not preview.has_changes
    assert preview.unchanged == 942
    with sessions() as session:
        apply_items(session, item_file)
    assert dump(catalog) == before
    assert revision(sessions) == rev


def test_the_shipped_file_reads_as_the_importer_reads_it() -> None:
    item_file = read_item_file(SHIPPED_ITEMS.name, SHIPPED_ITEMS.read_bytes())
    assert item_file.format is ItemFormat.NAKANO
    assert list(item_file.rows) == read_items(SHIPPED_ITEMS)


#: Hand-written files of each format (not made by the writer) and the items they hold:
#: (line, name, reading, category, notes).
MAPPING_CASES = [
    (
        ItemFormat.DIGITAL_AGENCY,
        [
            DA_HEADER,
            "131148,1,中野区,テレビ台,粗大ごみ,一辺が30cm以下なら燃やすごみ,有料,400円,シール,申込制",
            "13114,2,,空き缶,びん・缶・ペットボトル,中をすすぐ,,,,",
        ],
        [
            (2, "テレビ台", "", "粗大ごみ",
             "一辺が30cm以下なら燃やすごみ\n申込制\n料金：有料 400円（シール）"),
            (3, "空き缶", "", "びん・缶・ペットボトル", "中をすすぐ"),
        ],
    ),
    (
        ItemFormat.DIGITAL_AGENCY_OLD,
        [
            DA_OLD_HEADER,
            "131148,1,中野区,,ソファー,ソファー,sofa,粗大ごみ,,二人掛け以上,1200円",
            '131148,2,中野区,,ガスボンベ,ガスボンベ,,金属ごみ,"使い切る\r\n穴は不要",,',
        ],
        [
            (2, "ソファー", "そふぁー", "粗大ごみ", "二人掛け以上\n粗大ごみ回収料金：1200円"),
            (3, "ガスボンベ", "がすぼんべ", "金属ごみ", "使い切る\n穴は不要"),
        ],
    ),
    (
        ItemFormat.TARGET_5374,
        ["label,name,notice,furigana", "燃やすごみ,アルバム,表紙ごと,あ"],
        [(2, "アルバム", "", "燃やすごみ", "表紙ごと")],
    ),
]  # fmt: skip


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("fmt", "lines", "expected"), MAPPING_CASES)
def test_each_format_maps_its_columns_to_items(
    fmt: ItemFormat, lines: list[str], expected: list[tuple], encoding: str
) -> None:
    item_file = read_item_file("upload.csv", csv_bytes(lines, encoding))
    assert (item_file.format, item_file.encoding) == (fmt, encoding)
    assert [(r.line, r.name, r.reading, r.category, r.notes) for r in item_file.rows] == expected


def test_format_can_be_given_and_is_then_enforced() -> None:
    data = csv_bytes(["label,name,notice,furigana", "燃やすごみ,アルバム,,あ"])
    assert read_item_file("t.csv", data, "5374").format is ItemFormat.TARGET_5374
    with pytest.raises(CatalogFileError, match=r"t\.csv:1: 列が足りません：ごみの品目"):
        read_item_file("t.csv", data, ItemFormat.NAKANO)


def test_detection_names_the_closest_format_and_what_it_lacks() -> None:
    with pytest.raises(CatalogFileError) as caught:
        detect_format("x.csv", ["ごみの品目", "インデックス", "区分", "説明"])
    assert str(caught.value) == (
        "x.csv:1: 見出し行がどの品目表の形式にも合いません。"
        "いちばん近い形式（nakano）に足りない列：種別"
    )


# --- preview and apply -----------------------------------------------------------------------


def edited_nakano(sessions: sessionmaker[Session]) -> bytes:
    """The exported table with one item recategorised, one re-noted, パソコン gone, one added."""
    lines = export(sessions, ItemFormat.NAKANO).decode().split("\r\n")
    edited = []
    for line in lines:
        if line.startswith("アイロン,"):
            line = "アイロン,あいろん,燃やすごみ,"
        elif line.startswith("アイス枕,"):
            line = "アイス枕,あいすまくら,燃やすごみ,冷凍庫で固まるもの https://example.jp/ice"
        elif line.startswith("パソコン,"):
            continue
        edited.append(line)
    edited.insert(-1, "ドローン,どろーん,小型充電式電池類,電池を外して出す")
    return "\r\n".join(edited).encode()


def test_preview_lists_added_changed_and_removed_items(
    catalog: str, sessions: sessionmaker[Session]
) -> None:
    before, rev = dump(catalog), revision(sessions)
    with sessions() as session:
        preview = preview_upload(session, "edited.csv", edited_nakano(sessions))
    assert preview.ok, preview.errors
    assert [(r.name, r.category, r.reading) for r in preview.added] == [
        ("ドローン", "小型充電式電池類", "どろーん")
    ]
    assert preview.new_categories == ["小型充電式電池類"]
    changes = {c.name: [(f.field, f.old, f.new) for f in c.fields] for c in preview.changed}
    assert changes == {
        "アイロン": [("category", "陶器・ガラス・金属ごみ", "燃やすごみ")],
        "アイス枕": [
            (
                "notes",
                "一辺が30㎝を超える場合は粗大ごみです。",
                "冷凍庫で固まるもの https://example.jp/ice",
            ),
            ("url", None, "https://example.jp/ice"),
        ],
    }
    assert [r.name for r in preview.removed] == ["パソコン"]
    assert "ノートPC" in preview.removed[0].aliases
    assert preview.removed_aliases == len(preview.removed[0].aliases)
    assert preview.unchanged == 942 - 3
    assert preview.summary().startswith("1 added, 2 changed, 1 removed, 939 unchanged; ")
    json.dumps(preview.to_dict())  # the staff API sends it as it is
    # A preview writes nothing.
    assert dump(catalog) == before
    assert revision(sessions) == rev


def test_apply_writes_the_preview_and_bumps_the_revision(
    catalog: str, sessions: sessionmaker[Session]
) -> None:
    data = edited_nakano(sessions)
    rev = revision(sessions)
    with sessions() as session:
        preview = preview_upload(session, "edited.csv", data)
    with sessions() as session:
        done = apply_items(
            session, read_item_file("edited.csv", data), expected_fingerprint=preview.fingerprint
        )
    assert done.summary() == preview.summary()
    assert revision(sessions) == rev + 1
    with sessions() as session:
        items = {i.name: i for i in session.scalars(select(Item))}
        assert "パソコン" not in items
        assert items["アイロン"].category.name == "燃やすごみ"
        assert items["アイス枕"].url == "https://example.jp/ice"
        assert items["ドローン"].category.name == "小型充電式電池類"
        alias_items = set(session.scalars(select(Alias.item_id)))
        assert alias_items <= {i.id for i in items.values()}  # no alias points at nothing
        assert "ノートPC" not in set(session.scalars(select(Alias.name)))
        assert not preview_upload(session, "edited.csv", data).has_changes
    assert export(sessions, ItemFormat.NAKANO) == data


def test_keep_missing_removes_nothing(sessions: sessionmaker[Session]) -> None:
    data = csv_bytes(["ごみの品目,インデックス,種別,説明", "アイロン,あいろん,燃やすごみ,"])
    with sessions() as session:
        preview = preview_upload(session, "one.csv", data, remove_missing=False)
    assert (len(preview.changed), preview.removed, preview.unchanged) == (1, [], 0)
    with sessions() as session:
        apply_items(session, read_item_file("one.csv", data), remove_missing=False)
    with sessions() as session:
        assert len(session.scalars(select(Item)).all()) == 942


def test_a_format_without_readings_keeps_the_catalogs(sessions: sessionmaker[Session]) -> None:
    lines = export(sessions, ItemFormat.DIGITAL_AGENCY).decode().splitlines()
    lines.append("131148,943,中野区,ドローン,燃やすごみ,,,,,")
    data = csv_bytes(lines)
    with sessions() as session:
        preview = preview_upload(session, "da.csv", data)
        assert [(r.name, r.reading) for r in preview.added] == [("ドローン", "")]
        assert not preview.changed
    with sessions() as session:
        apply_items(session, read_item_file("da.csv", data))
    with sessions() as session:
        assert (
            session.scalar(select(Item.reading).where(Item.name == "スプレー缶")) == "すぷれーかん"
        )


def test_a_preview_gone_stale_is_not_applied(catalog: str, sessions: sessionmaker[Session]) -> None:
    data = edited_nakano(sessions)
    with sessions() as session:
        fingerprint = preview_upload(session, "edited.csv", data).fingerprint
    with sessions.begin() as session:  # someone else edits the catalog meanwhile
        session.scalar(select(Item).where(Item.name == "アイロン")).notes = "別の説明"
    before, rev = dump(catalog), revision(sessions)
    with pytest.raises(StalePreviewError), sessions() as session:
        apply_items(session, read_item_file("edited.csv", data), expected_fingerprint=fingerprint)
    assert dump(catalog) == before
    assert revision(sessions) == rev


# --- bad files -------------------------------------------------------------------------------


def _replace_line(data: bytes, line_no: int, new: str) -> bytes:
    lines = data.decode().split("\r\n")
    lines[line_no - 1] = new
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize(
    ("fmt", "line_no", "bad_line", "message"),
    [
        (ItemFormat.NAKANO, 500, ",なし,燃やすごみ,", "ごみの品目が空です"),
        (ItemFormat.NAKANO, 300, "ハンガー,はんがー,,", "「ハンガー」の種別が空です"),
        (
            ItemFormat.NAKANO,
            12,
            "アイロン,あいろん,燃やすごみ,",
            "「アイロン」は4行目にもあります",
        ),
        (
            ItemFormat.NAKANO,
            1,
            "ごみの品目,よみ,種別,説明",
            "いちばん近い形式（nakano）に足りない列：インデックス",
        ),
        (ItemFormat.NAKANO, 20, "a,b,c", "列の数が見出し行と合いません"),
        (ItemFormat.DIGITAL_AGENCY, 7, "131148,6,中野区,,燃やすごみ,,,,,", "ゴミの品目が空です"),
        (ItemFormat.DIGITAL_AGENCY, 8, "131148,7,中野区,物,,,,,,", "「物」の分別区分が空です"),
        (
            ItemFormat.DIGITAL_AGENCY,
            9,
            "131041,8,新宿区,物,燃やすごみ,,,,,",
            "131041 は中野区（131148）のものではありません",
        ),
        (
            ItemFormat.DIGITAL_AGENCY_OLD,
            10,
            "131148,9,中野区,北部,物,モノ,,燃やすごみ,,,",
            "地区名「北部」",
        ),
        (ItemFormat.TARGET_5374, 11, "燃やすごみ,,,", "nameが空です"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_nothing_is_written(
    catalog: str,
    sessions: sessionmaker[Session],
    fmt: ItemFormat,
    line_no: int,
    bad_line: str,
    message: str,
) -> None:
    data = _replace_line(export(sessions, fmt), line_no, bad_line)
    before, rev = dump(catalog), revision(sessions)
    with sessions() as session:
        preview = preview_upload(session, "bad.csv", data)
    assert [(e.file, e.line) for e in preview.errors] == [("bad.csv", line_no)]
    assert message in preview.errors[0].message
    assert not preview.has_changes
    assert preview.to_dict()["fingerprint"] is None
    with pytest.raises(CatalogFileError) as caught:
        read_item_file("bad.csv", data)
    assert str(caught.value).startswith(f"bad.csv:{line_no}: ")
    assert dump(catalog) == before
    assert revision(sessions) == rev


def test_undecodable_bytes_are_reported_with_their_line() -> None:
    data = csv_bytes(["ごみの品目,インデックス,種別,説明", "アイロン,あいろん,燃やすごみ,"])
    data += b"\xff\xfe,x,y,\r\n"
    with pytest.raises(CatalogFileError) as caught:
        read_item_file("broken.csv", data)
    (error,) = caught.value.errors
    assert error.line == 3
    assert error.message.startswith("UTF-8・Shift_JIS（cp932）のどれでも読めない文字")


def test_a_file_without_rows_is_refused() -> None:
    with pytest.raises(CatalogFileError, match=r"empty\.csv:1: 品目の行がありません"):
        read_item_file("empty.csv", csv_bytes(["label,name,notice,furigana"]))


def test_writing_to_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="encoding must be one of"):
        write_items([ItemRow(2, "a", "あ", "燃やすごみ", "")], ItemFormat.NAKANO, "latin-1")


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli_env(catalog: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", catalog)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_exports_to_a_file_and_to_stdout(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "da.csv"
    result = runner.invoke(
        app,
        ["items", "export", "--format", "digital-agency", "--encoding", "cp932", "-o", str(target)],
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().decode("cp932").startswith(DA_HEADER + "\r\n")
    result = runner.invoke(app, ["items", "export"])
    assert result.exit_code == 0
    assert result.stdout_bytes == SHIPPED_ITEMS.read_bytes()


@pytest.mark.usefixtures("cli_env")
def test_cli_import_previews_and_applies_only_when_confirmed(
    catalog: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    runner = CliRunner()
    upload = tmp_path / "edited.csv"
    upload.write_bytes(edited_nakano(sessions))
    before, rev = dump(catalog), revision(sessions)

    declined = runner.invoke(app, ["items", "import", str(upload)], input="n\n")
    assert declined.exit_code == 1
    assert "1 added, 2 changed, 1 removed, 939 unchanged" in declined.output
    for name in ("ドローン", "アイロン", "パソコン"):
        assert name in declined.output
    assert dump(catalog) == before

    accepted = runner.invoke(app, ["items", "import", str(upload)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Applied: 1 added, 2 changed, 1 removed" in accepted.output
    assert revision(sessions) == rev + 1

    again = runner.invoke(app, ["items", "import", str(upload), "--yes"])
    assert again.exit_code == 0
    assert "Nothing to change." in again.output


@pytest.mark.usefixtures("cli_env")
def test_cli_import_with_yes_and_an_explicit_format(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    upload = tmp_path / "target.csv"
    lines = export(sessions, ItemFormat.TARGET_5374).decode().splitlines()
    upload.write_bytes(csv_bytes([*lines, "燃やすごみ,ドローン,,と"], "utf-8-sig"))
    result = CliRunner().invoke(app, ["items", "import", str(upload), "-f", "5374", "--yes"])
    assert result.exit_code == 0, result.output
    assert "(5374, utf-8-sig)" in result.output
    with sessions() as session:
        assert session.scalar(select(Item.reading).where(Item.name == "ドローン")) == ""


@pytest.mark.usefixtures("cli_env")
def test_cli_import_of_a_bad_file_fails_with_line_numbers(
    catalog: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    upload = tmp_path / "bad.csv"
    data = _replace_line(export(sessions, ItemFormat.NAKANO), 500, ",なし,燃やすごみ,")
    upload.write_bytes(_replace_line(data, 600, "物,もの,,"))
    before = dump(catalog)
    result = CliRunner().invoke(app, ["items", "import", str(upload), "--yes"])
    assert result.exit_code == 1
    assert "bad.csv:500: ごみの品目が空です" in result.output
    assert "bad.csv:600: 「物」の種別が空です" in result.output
    assert "nothing was written" in result.output
    assert dump(catalog) == before


@pytest.mark.usefixtures("cli_env")
def test_cli_keeps_its_other_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("import", "train", "run", "items"):
        assert command in result.output
