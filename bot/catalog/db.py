"""Engine and session set-up, and the catalog revision counter."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import Base, CatalogRevision


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    """One engine per database URL and process."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the action server read while an import writes; foreign keys are off in
    # SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def get_sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def create_schema(url: str) -> None:
    Base.metadata.create_all(get_engine(url))


def current_revision(session: Session) -> int:
    row = session.get(CatalogRevision, 1)
    return row.revision if row else 0


def bump_revision(session: Session) -> None:
    """Mark the catalog changed; call inside the transaction that changes it."""
    row = session.scalar(select(CatalogRevision).where(CatalogRevision.id == 1))
    if row is None:
        session.add(CatalogRevision(id=1, revision=1))
    else:
        row.revision += 1
