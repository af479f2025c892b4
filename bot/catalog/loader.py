"""Reading the catalog out of the database into the matcher's index, and keeping it fresh."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import current_revision
from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.catalog.models import Alias, Item

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
    """The current :class:`CatalogIndex`, rebuilt when the catalog revision moves.

    Each call to :meth:`index` costs one primary-key read; a staff edit (which bumps the
    revision) is therefore seen by the very next message.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._index: CatalogIndex | None = None
        self._revision = -1
        self._lock = threading.Lock()

    def index(self) -> CatalogIndex:
        with self._sessions() as session:
            revision = current_revision(session)
            if self._index is not None and revision == self._revision:
                return self._index
            with self._lock:
                if self._index is None or revision != self._revision:
                    self._index = load_index(session)
                    self._revision = revision
                    logger.info(
                        "catalog index built: revision %d, %d items", revision, len(self._index)
                    )
        return self._index
