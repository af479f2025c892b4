"""The importer on the real shipped files and on broken copies of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.catalog.db import create_schema, current_revision, get_sessionmaker
from bot.catalog.importer import CatalogFileError, CatalogFiles, import_catalog, parse_chome
from bot.catalog.models import Alias, Area, Category, Item, Schedule, WardText
from bot.settings import ROOT


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    create_schema(url)
    return url


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "nakano", target / "nakano")
    for name in ("catalog_seed.yml", "aliases.csv"):
        shutil.copy(ROOT / "data" / name, target / name)
    return target


def counts(url: str) -> dict[str, int]:
    with get_sessionmaker(url)() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Item, Category, Area, Schedule, WardText, Alias)
        }


def test_imports_the_shipped_data_verbatim(empty_db: str) -> None:
    with get_sessionmaker(empty_db)() as session:
        report = import_catalog(session, CatalogFiles.shipped(ROOT / "data"))
    assert report.added["items"] == 942
    assert report.added["categories"] == 15
    assert report.added["areas"] == 42
    assert counts(empty_db)["schedules"] == 42 * 4
    with get_sessionmaker(empty_db)() as session:
        spray = session.scalar(select(Item).where(Item.name == "スプレー缶"))
        assert spray.category.name == "陶器・ガラス・金属ごみ"
        assert spray.reading == "すぷれーかん"
        assert spray.notes.startswith("できるだけ中身を使い切り")
        amp = session.scalar(select(Item).where(Item.name == "アンプ／※オーディオ機器"))
        assert amp is not None
        nakano = session.scalar(
            select(Area).where(Area.town == "中野", Area.chome_text.contains("毎日"))
        )
        assert nakano.chome == [2, 3, 5]
        assert nakano.remark == "毎日収集地域は除く"
        whole = session.scalar(select(Area).where(Area.town == "江原町"))
        assert whole.whole_town
        assert whole.chome_text == "全域"
        rules = {s.category.name: (s.weekdays, s.nth_weeks) for s in whole.schedules}
        assert rules["燃やすごみ"] == ([2, 5], [])
        assert rules["陶器・ガラス・金属ごみ"] == ([3], [2, 4])
        assert session.get(WardText, "bulky_waste").body.count("03-5715-2255") == 1


def test_reimport_is_idempotent(empty_db: str) -> None:
    sessions = get_sessionmaker(empty_db)
    with sessions() as session:
        import_catalog(session, CatalogFiles.shipped(ROOT / "data"))
    before, revision = counts(empty_db), current_revision(sessions())
    with sessions() as session:
        report = import_catalog(session, CatalogFiles.shipped(ROOT / "data"))
    assert not report.changed
    assert report.unchanged["items"] == 942
    assert counts(empty_db) == before
    assert current_revision(sessions()) == revision


def test_the_seed_marks_the_resources_it_adds_and_a_reimport_keeps_staffs_marks(
    empty_db: str,
) -> None:
    sessions = get_sessionmaker(empty_db)
    with sessions() as session:
        import_catalog(session, CatalogFiles.shipped(ROOT / "data"))
    query = select(Category.name).where(Category.resource).order_by(Category.sort_order)
    with sessions() as session:
        assert list(session.scalars(query)) == ["資源プラスチック", "びん・缶・ペットボトル"]
        session.scalar(select(Category).where(Category.name == "資源プラスチック")).resource = False
        session.scalar(select(Category).where(Category.name == "燃やすごみ")).resource = True
        session.commit()
    with sessions() as session:
        import_catalog(session, CatalogFiles.shipped(ROOT / "data"))
    with sessions() as session:
        assert list(session.scalars(query)) == ["燃やすごみ", "びん・缶・ペットボトル"]


def test_reimport_updates_a_changed_row(empty_db: str, data_copy: Path) -> None:
    sessions = get_sessionmaker(empty_db)
    with sessions() as session:
        import_catalog(session, CatalogFiles.shipped(data_copy))
    items = data_copy / "nakano" / "items.csv"
    items.write_text(
        items.read_text(encoding="utf-8").replace(
            "アイロン,あいろん,陶器・ガラス・金属ごみ,",
            "アイロン,あいろん,陶器・ガラス・金属ごみ,新しい説明",
        ),
        encoding="utf-8",
    )
    with sessions() as session:
        report = import_catalog(session, CatalogFiles.shipped(data_copy))
    assert report.updated == {"items": 1}
    with sessions() as session:
        assert session.scalar(select(Item.notes).where(Item.name == "アイロン")) == "新しい説明"


def _break_line(path: Path, line_no: int, replacement: str, encoding: str = "utf-8") -> None:
    lines = path.read_text(encoding=encoding).splitlines(keepends=True)
    lines[line_no - 1] = replacement
    path.write_text("".join(lines), encoding=encoding)


def test_a_bad_item_row_fails_with_its_line_and_writes_nothing(
    empty_db: str, data_copy: Path
) -> None:
    _break_line(data_copy / "nakano" / "items.csv", 500, ",なし,燃やすごみ,\r\n")
    with pytest.raises(CatalogFileError) as caught, get_sessionmaker(empty_db)() as session:
        import_catalog(session, CatalogFiles.shipped(data_copy))
    assert [(e.file, e.line) for e in caught.value.errors] == [("items.csv", 500)]
    assert "ごみの品目が空です" in str(caught.value)
    assert counts(empty_db) == dict.fromkeys(counts(empty_db), 0)


def test_a_bad_weekday_fails_with_its_line(empty_db: str, data_copy: Path) -> None:
    path = data_copy / "nakano" / "collection_days.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(
        "\ufeff" + text.replace('"第1;第3金曜日"', '"第1;第3金よう"', 1), encoding="utf-8"
    )
    broken_line = next(
        n
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
        if "金よう" in line
    )
    with pytest.raises(CatalogFileError) as caught, get_sessionmaker(empty_db)() as session:
        import_catalog(session, CatalogFiles.shipped(data_copy))
    assert caught.value.errors[0].file == "collection_days.csv"
    assert caught.value.errors[0].line == broken_line
    assert counts(empty_db)["items"] == 0


def test_line_numbers_count_newlines_inside_cells(empty_db: str, data_copy: Path) -> None:
    items = data_copy / "nakano" / "items.csv"
    text = items.read_text(encoding="utf-8")
    # A quoted note with a line break on line 2, then an empty name on the row after it.
    text = text.replace(
        "アイスピック,あいすぴっく,陶器・ガラス・金属ごみ,危険のないよう",
        'アイスピック,あいすぴっく,陶器・ガラス・金属ごみ,"一行目\r\n二行目"\r\n,x,燃やすごみ,\r\nダミー,だみー,燃やすごみ,危険のないよう',
        1,
    )
    items.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogFileError) as caught, get_sessionmaker(empty_db)() as session:
        import_catalog(session, CatalogFiles.shipped(data_copy))
    assert [e.line for e in caught.value.errors] == [4]


def test_missing_column_is_reported(empty_db: str, data_copy: Path) -> None:
    items = data_copy / "nakano" / "items.csv"
    _break_line(items, 1, "ごみの品目,インデックス,説明\r\n")
    with (
        pytest.raises(CatalogFileError, match=r"items\.csv:1: 列が足りません"),
        get_sessionmaker(empty_db)() as session,
    ):
        import_catalog(session, CatalogFiles.shipped(data_copy))


@pytest.mark.parametrize(
    ("cell", "chome", "remark"),
    [
        ("1;2;4;5", [1, 2, 4, 5], ""),
        ("全域", [], ""),
        ("2;3;5（毎日収集地域は除く）", [2, 3, 5], "毎日収集地域は除く"),
    ],
)
def test_parse_chome(cell: str, chome: list[int], remark: str) -> None:
    assert parse_chome(cell) == (chome, remark)


def test_aliases_are_seeded_and_checked(empty_db: str, data_copy: Path) -> None:
    with get_sessionmaker(empty_db)() as session:
        report = import_catalog(session, CatalogFiles.shipped(data_copy))
    assert report.added["aliases"] > 50
    aliases = data_copy / "aliases.csv"
    aliases.write_text(
        aliases.read_text(encoding="utf-8") + "なにか,存在しない品目\n", encoding="utf-8"
    )
    with pytest.raises(CatalogFileError) as caught, get_sessionmaker(empty_db)() as session:
        import_catalog(session, CatalogFiles.shipped(data_copy))
    last_line = len(aliases.read_text(encoding="utf-8").splitlines())
    assert [(e.file, e.line) for e in caught.value.errors] == [("aliases.csv", last_line)]
