"""What the matcher reads (catalog items) and what it gives back (mentions, a result)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.catalog.item_names import base_name, qualifier


@dataclass(frozen=True)
class CatalogItem:
    """What the matcher and the answers need of an item; read from the database."""

    id: int
    name: str
    reading: str
    category: str
    notes: str = ""
    url: str | None = None
    guidance_key: str | None = None

    @property
    def base_name(self) -> str:
        return base_name(self.name)

    @property
    def qualifier(self) -> str:
        return qualifier(self.name)


@dataclass
class Mention:
    """One thing the message talks about and the items it may be."""

    text: str
    candidates: list[CatalogItem]
    #: The message named one item outright (its full name, or a button payload).
    exact: bool = False
    #: Where in the message it was named.
    start: int = 0
    end: int = 0
    #: Found only loosely: by sound (「ベット」) or by the head of an unknown compound
    #: (「トートバッグ」), not by a name or alias the message spells out.
    loose: bool = False

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.candidates))

    @property
    def is_ambiguous(self) -> bool:
        return len(self.categories) > 1


@dataclass
class MatchResult:
    mentions: list[Mention] = field(default_factory=list)
    #: Close items when nothing matched; to offer as buttons, never as the answer.
    suggestions: list[CatalogItem] = field(default_factory=list)
    #: The phrase the suggestions were looked for with.
    query: str = ""
    #: One suggestion so much closer than the rest that the query is surely a typo of it
    #: (「フライパソ」 → フライパン); answered as 「…のことでしょうか」.
    likely: CatalogItem | None = None
