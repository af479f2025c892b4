"""Reading the catalog out of the database into memory, and keeping it fresh."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.categories import CategoryGuide
from bot.catalog.db import current_revision
from bot.catalog.knowledge import KnowledgeBase, KnowledgeEntry
from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.catalog.models import Alias, Category, Item, Schedule, WardText
from bot.catalog.notices import CollectionNotice, load_notices
from bot.catalog.schedule import AreaDirectory
from bot.catalog.translations import TEXT, Translations
from bot.i18n import ENGLISH, FOREIGN, JAPANESE
from bot.i18n.pivot import Pivot, phrases, terms_of
from bot.japanese import match_key

logger = logging.getLogger(__name__)


def load_index(session: Session, knowledge: KnowledgeBase | None = None) -> CatalogIndex:
    """The items in memory. An item's procedure (``guidance_key``) is its category's, or
    else the knowledge entry whose title lists it (「スプレー缶・カセットボンベ・ライター」 for
    スプレー缶: its rules are not in the item's own notes)."""
    entitled = _entries_by_listed_name(knowledge) if knowledge else {}
    items = [
        CatalogItem(
            id=item.id,
            name=item.name,
            reading=item.reading,
            category=item.category.name,
            notes=item.notes,
            url=item.url,
            guidance_key=item.category.guidance_key or entitled.get(match_key(item.name)),
        )
        for item in session.scalars(select(Item))
    ]
    aliases = session.execute(
        select(Alias.name, Alias.item_id).where(Alias.language == JAPANESE)
    ).tuples()
    return CatalogIndex(items, aliases)


def _entries_by_listed_name(knowledge: KnowledgeBase) -> dict[str, str]:
    """Each name a knowledge entry's title lists (split at 「・」), as a match key, with the
    entry's key."""
    return {
        match_key(name): key
        for key, entry in knowledge.entries.items()
        for name in entry.title.split("・")
        if name
    }


@dataclass(frozen=True)
class Language:
    """What another language needs of the catalog: its renderer into Japanese, the
    knowledge entries with their translated examples, and each item's name in it."""

    pivot: Pivot
    knowledge: KnowledgeBase
    item_names: dict[str, str]


def load_languages(
    session: Session, knowledge: KnowledgeBase, translations: Translations
) -> dict[str, Language]:
    """Every foreign language's :class:`Language`. An item's name in a language is its
    first alias there, a reviewed one before one not yet reviewed."""
    rows = session.execute(
        select(Alias.language, Alias.name, Item.name)
        .join(Item, Alias.item_id == Item.id)
        .where(Alias.language != JAPANESE)
        .order_by(Alias.reviewed.desc(), Alias.id)
    ).tuples()
    aliases: dict[str, list[tuple[str, str]]] = {language: [] for language in FOREIGN}
    for language, alias, item in rows:
        aliases.setdefault(language, []).append((alias, item))
    # A Japanese alias in Latin letters (「AirPods」「iPhone」) is English as well.
    aliases[ENGLISH] += [
        (alias, item)
        for alias, item in session.execute(
            select(Alias.name, Item.name)
            .join(Item, Alias.item_id == Item.id)
            .where(Alias.language == JAPANESE)
        ).tuples()
        if alias.isascii()
    ]
    languages = {}
    for language, pairs in aliases.items():
        names: dict[str, str] = {}
        for alias, item in pairs:
            names.setdefault(item, alias)
        languages[language] = Language(
            pivot=Pivot(language, pairs, phrases(language)),
            knowledge=_translated_knowledge(knowledge, translations, language),
            item_names=names,
        )
    return languages


def _translated_knowledge(
    knowledge: KnowledgeBase, translations: Translations, language: str
) -> KnowledgeBase:
    """The knowledge entries matched by their examples in ``language``; an entry with none
    there, or with examples translated from other Japanese ones, is left out (the Japanese
    rendering of a question still finds it by its Japanese examples). The entry keeps its
    Japanese body: the answer is said through its translation, or in Japanese."""
    entries = []
    for entry in knowledge.entries.values():
        japanese_examples = "\n".join(entry.examples)
        examples = translations.get(TEXT, entry.key, "examples", language, japanese_examples)
        if examples is None:
            continue
        title = translations.get(TEXT, entry.key, "title", language, entry.title)
        entries.append(
            replace(
                entry,
                title=title or entry.title,
                examples=tuple(e.strip() for e in examples.splitlines() if e.strip()),
            )
        )
    return KnowledgeBase(entries, terms_of(language), unseen_as_rarest=language == ENGLISH)


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
    the most other names (aliases), then the shortest names; collected on set days when
    some area has days for them."""
    alias_counts = dict(
        session.execute(
            select(Alias.item_id, func.count())
            .where(Alias.language == JAPANESE)
            .group_by(Alias.item_id)
        )
        .tuples()
        .all()
    )
    typical: dict[str, list[str]] = {}
    for item in sorted(
        session.scalars(select(Item)),
        key=lambda i: (-alias_counts.get(i.id, 0), len(i.name), i.name),
    ):
        if "（" not in item.name and "／" not in item.name:
            typical.setdefault(item.category.name, []).append(item.name)
    scheduled = set(session.scalars(select(Schedule.category_id).distinct()))
    return CategoryGuide.load(session.scalars(select(Category)).all(), typical, scheduled)


class LiveCatalog:
    """The item index, the area table, the knowledge entries, the categories and the staff
    notices in memory, rebuilt when the catalog revision moves.

    Each call costs one primary-key read; a staff edit (which bumps the revision) is
    therefore seen by the very next message.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._index: CatalogIndex | None = None
        self._areas: AreaDirectory | None = None
        self._knowledge: KnowledgeBase | None = None
        self._categories: CategoryGuide | None = None
        self._translations: Translations | None = None
        self._notices: list[CollectionNotice] = []
        self._languages: dict[str, Language] = {}
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

    def knowledge(self, language: str = JAPANESE) -> KnowledgeBase:
        """The knowledge entries, matched by their examples in ``language``."""
        self._refresh()
        assert self._knowledge is not None
        if language != JAPANESE and language in self._languages:
            return self._languages[language].knowledge
        return self._knowledge

    def translations(self) -> Translations:
        self._refresh()
        assert self._translations is not None
        return self._translations

    def pivot(self, language: str) -> Pivot:
        """The renderer of ``language`` (another than Japanese) into Japanese."""
        self._refresh()
        return self._languages[language].pivot

    def item_names(self, language: str) -> dict[str, str]:
        """Each item's name in ``language``, by its Japanese name (none for Japanese)."""
        self._refresh()
        found = self._languages.get(language)
        return found.item_names if found else {}

    def categories(self) -> CategoryGuide:
        self._refresh()
        assert self._categories is not None
        return self._categories

    def notices(self) -> list[CollectionNotice]:
        """The staff notices (お知らせ), by their first day."""
        self._refresh()
        return self._notices

    def _refresh(self) -> None:
        with self._sessions() as session:
            revision = current_revision(session)
            if revision == self._revision:
                return
            with self._lock:
                if revision != self._revision:
                    self._knowledge = load_knowledge(session)
                    self._index = load_index(session, self._knowledge)
                    self._areas = AreaDirectory.load(session)
                    self._categories = load_categories(session)
                    self._translations = Translations.load(session)
                    self._notices = load_notices(session)
                    self._languages = load_languages(session, self._knowledge, self._translations)
                    self._revision = revision
                    logger.info(
                        "catalog loaded: revision %d, %d items, %d areas",
                        revision,
                        len(self._index),
                        len(self._areas.areas),
                    )
