"""Reading the catalog out of the database into memory, and keeping it fresh."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.categories import CategoryGuide
from bot.catalog.db import current_revision
from bot.catalog.knowledge import KnowledgeBase, KnowledgeEntry
from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.catalog.models import Alias, Category, Item, WardText
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


def load_knowledge(session: Session) -> KnowledgeBase:
    """The ward texts that have example questions: the knowledge entries."""
    texts = session.scalars(select(WardText).where(WardText.examples != "").order_by(WardText.key))
    return KnowledgeBase(
        [
            KnowledgeEntry(
                key=text.key,
                title=text.title,
                body=text.body,
                examples=tuple(line.strip() for line in text.examples.splitlines() if line.strip()),
                url=text.url,
            )
            for text in texts
        ]
    )


def load_categories(session: Session) -> CategoryGuide:
    """The categories, each with its best-known items first: those residents have given
    the most other names (aliases), then the shortest names."""
    alias_counts = dict(
        session.execute(select(Alias.item_id, func.count()).group_by(Alias.item_id)).tuples().all()
    )
    typical: dict[str, list[str]] = {}
    for item in sorted(
        session.scalars(select(Item)),
        key=lambda i: (-alias_counts.get(i.id, 0), len(i.name), i.name),
    ):
        if "（" not in item.name and "／" not in item.name:
            typical.setdefault(item.category.name, []).append(item.name)
    return CategoryGuide.load(session.scalars(select(Category)).all(), typical)


class LiveCatalog:
    """The item index, the area table, the knowledge entries and the categories in memory,
    rebuilt when the catalog revision moves.

    Each call costs one primary-key read; a staff edit (which bumps the revision) is
    therefore seen by the very next message.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._index: CatalogIndex | None = None
        self._areas: AreaDirectory | None = None
        self._knowledge: KnowledgeBase | None = None
        self._categories: CategoryGuide | None = None
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

    def knowledge(self) -> KnowledgeBase:
        self._refresh()
        assert self._knowledge is not None
        return self._knowledge

    def categories(self) -> CategoryGuide:
        self._refresh()
        assert self._categories is not None
        return self._categories

    def _refresh(self) -> None:
        with self._sessions() as session:
            revision = current_revision(session)
            if revision == self._revision:
                return
            with self._lock:
                if revision != self._revision:
                    self._index = load_index(session)
                    self._areas = AreaDirectory.load(session)
                    self._knowledge = load_knowledge(session)
                    self._categories = load_categories(session)
                    self._revision = revision
                    logger.info(
                        "catalog loaded: revision %d, %d items, %d areas",
                        revision,
                        len(self._index),
                        len(self._areas.areas),
                    )
