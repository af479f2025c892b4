"""Process-wide handles the actions share: settings, database sessions, the live index."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import get_sessionmaker
from bot.catalog.loader import LiveCatalog
from bot.settings import get_settings


@lru_cache
def sessions() -> sessionmaker[Session]:
    return get_sessionmaker(get_settings().database_url)


@lru_cache
def live_catalog() -> LiveCatalog:
    return LiveCatalog(sessions())
