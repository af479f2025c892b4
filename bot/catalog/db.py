"""Engine and session set-up, the schema (Alembic migrations), and the catalog revision
counter."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, column, create_engine, event, inspect, select, table
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from bot.catalog.models import CatalogRevision

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: it costs ~0.1 s at start-up, and the app and the
# action server import this module without ever migrating.

#: Alembic's environment and the revisions, inside the package so they are found from any
#: working directory.
MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
#: Alembic's record of the revision a database is at (Alembic's default name).
VERSION_TABLE = "alembic_version"
_upgrading = threading.Lock()


#: How long SQLite waits for another writer before giving up.
SQLITE_WAIT_MS = 5000


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    """One engine per database URL and process."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the action server read while an import writes; foreign keys are off in
    # SQLite unless asked for. synchronous=NORMAL: in WAL mode a commit then appends to
    # the log without an fsync (the log is synced at checkpoints). The action server
    # commits a chat event with every message, and that fsync would be most of its
    # database time. A crashed process loses nothing and the file cannot be corrupted;
    # only a power cut may undo the last commits before it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_WAIT_MS}")
    cursor.close()


def get_sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def alembic_config(url: str | None = None, *, connection: Connection | None = None) -> Config:
    """Alembic's configuration for the catalog at ``url`` (default: the app settings'
    ``database_url``, read by ``env.py``), or on an open ``connection``."""
    from alembic.config import Config

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revisions() -> tuple[str, ...]:
    """The revision(s) the code expects, from the migration files (read once)."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_revisions(connection: Connection) -> tuple[str, ...]:
    """The revision(s) a database is at; ``()`` when it has never been migrated. Read with
    plain SQL: this runs at every start and command, and Alembic's context logs as it
    is made."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    return tuple(
        connection.execute(
            select(column("version_num")).select_from(table(VERSION_TABLE))
        ).scalars()
    )


MIGRATION_WAIT_SECONDS = 120


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the catalog at ``url`` to ``revision``, adopting a catalog that
    ``create_all`` made before migrations existed (it is stamped at the initial revision
    first). Safe to run from several processes at once: ``env.py`` holds a lock in the
    database. Threads of one process take turns here, since Alembic's ``context`` is
    module-global."""
    # Alembic lists every plugin it loads at INFO; keep the log to what was migrated.
    plugins_log = logging.getLogger("alembic.runtime.plugins")
    if plugins_log.level == logging.NOTSET:
        plugins_log.setLevel(logging.WARNING)
    from alembic import command

    with _upgrading, get_engine(url).connect() as connection:
        if connection.dialect.name == "sqlite":
            # Another process may hold the migration lock for a while on a busy machine;
            # wait for it rather than fail the start-up.
            connection.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_WAIT_SECONDS * 1000}")
        config = alembic_config(url, connection=connection)
        config.attributes["adopt_unversioned"] = True
        try:
            command.upgrade(config, revision)
        finally:
            if connection.dialect.name == "sqlite":  # back to the pool's usual wait
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WAIT_MS}")


def create_schema(url: str) -> None:
    """Bring the catalog at ``url`` to the current schema: Alembic's "upgrade to head".

    This is the path every database takes, the fresh test catalogs included: production
    runs exactly what the tests run. A catalog already at head costs one query on
    ``alembic_version`` and returns (the head is read from the migration files once per
    process), which is the common case at every start and CLI command.

    Fresh catalogs take the migrations too, rather than ``Base.metadata.create_all``
    followed by a stamp at head: that shortcut would be a second way of making the schema
    that has to be kept equivalent to the migrations, and it buys a few milliseconds on a
    new catalog only (docs/BENCHMARKS.md has the figures).

    A database made by ``create_all`` before migrations (our tables, no
    ``alembic_version``) is stamped at the initial revision and then upgraded; see
    ``migrations/env.py``.
    """
    if url.startswith("sqlite:///"):  # a new SQLite catalog: its folder may not exist yet
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with get_engine(url).connect() as connection:
        if set(database_revisions(connection)) == set(head_revisions()):
            return
    upgrade(url)


def current_revision(session: Session) -> int:
    row = session.get(CatalogRevision, 1)
    return row.revision if row else 0


_BUMPED = "catalog_revision_bumped"


def bump_revision(session: Session) -> None:
    """Mark the catalog changed; call inside the transaction that changes it.

    Once per transaction is enough for readers to reload, so later calls in the same
    transaction do nothing: an import both bumps explicitly and flushes audited writes
    (each of which would bump again), and the revision moves by one all the same.
    """
    if session.info.get(_BUMPED):
        return
    row = session.scalar(select(CatalogRevision).where(CatalogRevision.id == 1))
    if row is None:
        session.add(CatalogRevision(id=1, revision=1))
    else:
        row.revision += 1
    session.info[_BUMPED] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one: committed or rolled back
        session.info.pop(_BUMPED, None)
