"""How Alembic reaches the catalog database.

The database is, in this order: a SQLAlchemy ``Connection`` the caller passed in
``config.attributes["connection"]`` (what :func:`bot.catalog.db.create_schema` does, so the
app's engine and its SQLite pragmas are used), the ``sqlalchemy.url`` a caller set on the
config (``bot.catalog.db.alembic_config(url)``), or else the app settings
(``NAKANO_BOT_DATABASE_URL`` or ``.env``). No URL is written in ``alembic.ini``.

Every upgrade runs in one transaction holding a lock, so that two processes starting
together (app workers, the action server, several replicas) do not both migrate: on
PostgreSQL a transaction-level advisory lock, on SQLite ``BEGIN IMMEDIATE`` (which also
makes SQLite's DDL transactional, as it is on PostgreSQL). The second process waits, then
finds the database at head and does nothing.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, create_engine, inspect, pool

from bot.catalog.models import Base

#: The revision that creates the schema as ``Base.metadata.create_all`` made it before
#: migrations existed.
INITIAL_REVISION = "0001"
#: Key of the PostgreSQL advisory lock held while migrating ("nakano" in ASCII).
MIGRATION_LOCK_KEY = 0x6E616B616E6F

config = context.config
logger = logging.getLogger("bot.catalog.migrations")
target_metadata = Base.metadata

# Logging as in alembic.ini only from the alembic command line; the app keeps its own.
if config.cmd_opts is not None and config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import get_settings

    return get_settings().database_url


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    dialect = connection.dialect.name if connection is not None else str(url).split(":")[0]
    sqlite = dialect.startswith("sqlite")
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=sqlite,
        # SQLite can roll DDL back; one transaction for the whole upgrade (see _run).
        transactional_ddl=True if sqlite and connection is not None else None,
        compare_type=True,
        compare_server_default=True,
    )


def run_migrations_offline() -> None:
    """``--sql``: print the SQL instead of running it."""
    _configure(url=_database_url())
    with context.begin_transaction():
        context.run_migrations()


def _adopt_unversioned(connection: Connection) -> None:
    """Stamp a catalog that ``create_all`` made before migrations at the initial revision.

    Only on request (``config.attributes["adopt_unversioned"]``, set by
    :func:`bot.catalog.db.upgrade`) and inside the migration lock, so that two processes
    cannot both adopt it. A database without our tables is left to the migrations; one
    with only some of them (made before the LINE and staff tables existed) too: the
    initial revision creates its tables ``IF NOT EXISTS``, so it adds just those missing.
    """
    migration = context.get_context()
    if migration.get_current_heads():
        return
    initial = set(context.script.get_revision(INITIAL_REVISION).module.TABLES)
    found = initial & set(inspect(connection).get_table_names())
    if found == initial:
        logger.info("catalog made before migrations: stamping it at %s", INITIAL_REVISION)
        migration.stamp(context.script, INITIAL_REVISION)
    elif found:
        logger.info(
            "catalog made before migrations, without %s: adding them",
            ", ".join(sorted(initial - found)),
        )


def _run(connection: Connection) -> None:
    """Migrate on ``connection``, which must not be inside a transaction of the caller's."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (create copy, drop old, rename); with foreign
        # keys on, dropping the old one would cascade-delete the rows referring to it. The
        # pragma only works outside a transaction, hence before BEGIN.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        _configure(connection)
        with context.begin_transaction():
            if sqlite:
                # pysqlite begins transactions lazily, at the first write; take SQLite's
                # write lock now, before Alembic reads the current version.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            if config.attributes.get("adopt_unversioned"):
                _adopt_unversioned(connection)
            context.run_migrations()
    finally:
        if connection.in_transaction():
            connection.rollback()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
