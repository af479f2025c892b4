"""Reading the catalog out of the database into memory, and keeping it fresh."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import current_revision
from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.catalog.models import Alias, Item
from bot.catalog.schedule import AreaDirectory

logger = logging.getLogger(__name__)


def load_index(session: Session) -> CatalogIndex:
    items = [
        CatalogItem(
            id=item.id,
            name=item.name,
            reading=item.reading,
            category=item.category.name,
            notes=item.notes,
            url=item.url,
            guidance_key=item.category.guidance_key,
        )
        for item in session.scalars(select(Item))
    ]
    aliases = session.execute(select(Alias.name, Alias.item_id)).tuples()
    return CatalogIndex(items, aliases)


class LiveCatalog:
    """The item index and the area table in memory, rebuilt when the catalog revision moves.

    Each call costs one primary-key read; a staff edit (which bumps the revision) is
    therefore seen by the very next message.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._index: CatalogIndex | None = None
        self._areas: AreaDirectory | None = None
        self._revision = -1
        self._lock = threading.Lock()

    def index(self) -> CatalogIndex:
        self._refresh()
        assert self._index is not None
        return self._index

    def areas(self) -> AreaDirectory:
        self._refresh()
        assert self._areas is not None
        return self._areas

    def _refresh(self) -> None:
        with self._sessions() as session:
            revision = current_revision(session)
            if revision == self._revision:
                return
            with self._lock:
                if revision != self._revision:
                    self._index = load_index(session)
                    self._areas = AreaDirectory.load(session)
                    self._revision = revision
                    logger.info(
                        "catalog loaded: revision %d, %d items, %d areas",
                        revision,
                        len(self._index),
                        len(self._areas.areas),
                    )
