"""Alembic migrations of the catalog, on SQLite and on the real PostgreSQL server.

Every test runs on both databases. PostgreSQL is the one on loopback that CI machines of
this kind run (``NAKANO_BOT_TEST_POSTGRES_URL`` points elsewhere); each test gets a
scratch database of its own, dropped afterwards. If the server does not answer the tests
fail, saying so: a skipped PostgreSQL test would let production's database go untested.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, func, inspect, select, text

from bot.catalog import db
from bot.catalog.importer import CatalogFiles, import_into
from bot.catalog.models import Base, Category, StaffUser
from bot.settings import ROOT
from tests.support.postgres import scratch_postgres

INITIAL = "0001"
#: The tables the foundation's create_all made, before the LINE and staff tables existed.
FOUNDATION_TABLES = {
    "categories", "items", "aliases", "areas", "schedules", "ward_texts",
    "unanswered_questions", "catalog_revision",
}  # fmt: skip
#: The LINE reminders' tables (0005).
REMINDER_TABLES = {"reminder_subscriptions", "reminder_deliveries", "reminder_settings"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
        return
    with scratch_postgres(request.getfixturevalue("postgres_admin"), "nakano_migrations") as url:
        yield url


def head() -> str:
    (revision,) = db.head_revisions()
    return revision


def revisions(url: str) -> tuple[str, ...]:
    with db.get_engine(url).connect() as connection:
        return db.database_revisions(connection)


def schema_diff(url: str, metadata: MetaData = Base.metadata) -> list:
    """What autogenerate would put in a new migration for this database: the models
    against the database's actual schema (types and server defaults included)."""
    with db.get_engine(url).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, metadata)


def columns(url: str) -> dict[str, set[str]]:
    """Table → column names in the database, without Alembic's own table."""
    with db.get_engine(url).connect() as connection:
        inspector = inspect(connection)
        return {
            name: {c["name"] for c in inspector.get_columns(name)}
            for name in inspector.get_table_names()
            if name != db.VERSION_TABLE
        }


def model_columns() -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}


def add_category(url: str, name: str) -> None:
    with db.get_sessionmaker(url)() as session:
        session.add(Category(name=name))
        session.commit()


def category_names(url: str) -> list[str]:
    with db.get_sessionmaker(url)() as session:
        return list(session.scalars(select(Category.name).order_by(Category.name)))


def test_one_chain_from_the_initial_revision() -> None:
    """One head, one line back to the initial revision; the initial revision makes every
    table the later ones do not."""
    script = ScriptDirectory.from_config(db.alembic_config())
    chain = [s.revision for s in script.walk_revisions()]
    assert chain[-1] == INITIAL
    assert chain[0] == head()
    assert len(script.get_heads()) == 1
    later = {
        "staff_sessions", "translations", "notices", "notice_areas", "notice_categories",
        *REMINDER_TABLES,
    }  # fmt: skip
    assert set(script.get_revision(INITIAL).module.TABLES) == set(Base.metadata.tables) - later


def test_upgrade_makes_exactly_the_models_schema(database_url: str) -> None:
    db.create_schema(database_url)

    assert revisions(database_url) == (head(),)
    assert columns(database_url) == model_columns()
    assert schema_diff(database_url) == []


def test_migrations_are_in_sync_with_the_models(database_url: str) -> None:
    """``alembic check``: a model changed without a migration fails here."""
    db.upgrade(database_url)
    command.check(db.alembic_config(database_url))


def test_a_model_change_without_a_migration_shows_as_a_diff(database_url: str) -> None:
    """The check above is not blind: a column added to (a copy of) the models, or a
    length changed, is what autogenerate reports."""
    db.create_schema(database_url)
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["items"].append_column(Column("size", String(20), nullable=True))
    changed.tables["categories"].c.name.type = String(300)

    diff = schema_diff(database_url, changed)

    assert [d[0] for d in diff if isinstance(d, tuple)] == ["add_column"]
    assert [d[0][0] for d in diff if isinstance(d, list)] == ["modify_type"]


def test_upgrade_is_idempotent(database_url: str) -> None:
    db.create_schema(database_url)
    add_category(database_url, "燃やすごみ")

    db.create_schema(database_url)
    db.upgrade(database_url)
    db.upgrade(database_url, "head")

    assert revisions(database_url) == (head(),)
    assert category_names(database_url) == ["燃やすごみ"]
    assert schema_diff(database_url) == []


def test_catalog_made_by_create_all_is_stamped_then_at_head(database_url: str) -> None:
    Base.metadata.create_all(db.get_engine(database_url))
    add_category(database_url, "燃やすごみ")
    assert revisions(database_url) == ()

    db.create_schema(database_url)

    assert revisions(database_url) == (head(),)
    assert category_names(database_url) == ["燃やすごみ"]
    assert schema_diff(database_url) == []


def test_foundation_catalog_gets_the_tables_it_lacks(database_url: str) -> None:
    """A catalog from before the LINE and staff tables: adopted, and those tables added."""
    tables = [t for t in Base.metadata.sorted_tables if t.name in FOUNDATION_TABLES]
    Base.metadata.create_all(db.get_engine(database_url), tables=tables)
    add_category(database_url, "燃やすごみ")

    db.create_schema(database_url)

    assert revisions(database_url) == (head(),)
    assert columns(database_url) == model_columns()
    assert schema_diff(database_url) == []
    assert category_names(database_url) == ["燃やすごみ"]
    with db.get_sessionmaker(database_url)() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    db.create_schema(database_url)
    config = db.alembic_config(database_url)

    command.downgrade(config, "base")
    assert revisions(database_url) == ()
    assert columns(database_url) == {}

    db.create_schema(database_url)
    assert revisions(database_url) == (head(),)
    assert schema_diff(database_url) == []


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    """Workers starting together on one empty database: one migrates, the others wait for
    its lock and then find the database at head (without the lock most of them fail)."""
    code = (
        "import sys; from bot.catalog import db; db.head_revisions(); import alembic.command;"
        "print('ready', flush=True); sys.stdin.readline(); db.create_schema(sys.argv[1])"
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for worker in workers:  # all imported and waiting: then start them at once
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    ended = [(worker.communicate()[1], worker.returncode) for worker in workers]
    failures = [stderr for stderr, returncode in ended if returncode != 0]

    assert failures == []
    assert revisions(database_url) == (head(),)
    assert schema_diff(database_url) == []


def test_shipped_data_imports_into_the_migrated_catalog(database_url: str) -> None:
    report = import_into(database_url, CatalogFiles.shipped(ROOT / "data"))

    assert revisions(database_url) == (head(),)
    assert report.added["items"] > 900
    assert category_names(database_url)


def test_commands_take_the_url_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no URL given, Alembic's env.py reads the app settings (none in alembic.ini)."""
    from bot.settings import get_settings

    url = f"sqlite:///{tmp_path / 'from-settings.sqlite3'}"
    monkeypatch.setenv("NAKANO_BOT_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        command.upgrade(db.alembic_config(), "head")
    finally:
        get_settings.cache_clear()

    assert revisions(url) == (head(),)
    ini = (db.MIGRATIONS_DIR / "alembic.ini").read_text()
    assert "sqlalchemy.url" not in ini.replace("no sqlalchemy.url here", "")


def test_an_existing_catalog_gets_its_resource_categories_marked(database_url: str) -> None:
    """0005: the two categories the answers held in code as resources are marked in a
    catalog from before it; the others are not, and staff's marks are the column's since."""
    db.upgrade(database_url, "0004")
    names = ["燃やすごみ", "資源プラスチック", "びん・缶・ペットボトル", "粗大ごみ"]
    with db.get_engine(database_url).begin() as connection:
        for name in names:
            connection.execute(text("INSERT INTO categories (name) VALUES (:name)"), {"name": name})

    db.upgrade(database_url)

    with db.get_sessionmaker(database_url)() as session:
        marked = dict(session.execute(select(Category.name, Category.resource)).tuples().all())
    assert marked == {
        "燃やすごみ": False,
        "資源プラスチック": True,
        "びん・缶・ペットボトル": True,
        "粗大ごみ": False,
    }
    assert schema_diff(database_url) == []
