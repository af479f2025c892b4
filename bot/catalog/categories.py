"""What the answers need to know of the categories (種別) themselves: their order, what
each is, and its guidance text — read from the live table, so that no answer depends on a
list of category names in the code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.catalog.models import Category
from bot.japanese import match_key


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    sort_order: int
    description: str = ""
    guidance_key: str | None = None


class CategoryGuide:
    """The categories by name, with the order answers list them in."""

    def __init__(
        self, categories: Iterable[CategoryInfo], typical: dict[str, list[str]] | None = None
    ) -> None:
        self._by_name = {c.name: c for c in categories}
        self._typical = typical or {}

    @classmethod
    def load(
        cls, categories: Iterable[Category], typical: dict[str, list[str]] | None = None
    ) -> CategoryGuide:
        return cls(
            (
                CategoryInfo(c.name, c.sort_order, c.description or "", c.guidance_key)
                for c in categories
            ),
            typical,
        )

    def typical_items(self, name: str, limit: int = 6) -> list[str]:
        """A few well-known items of the category, to show what it holds."""
        return self._typical.get(name, [])[:limit]

    def name_keys(self, names: list[str], synonyms: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The match keys that name ``names``: each name, its name without the bracket,
        and its ``synonyms``."""
        return tuple(
            form
            for name in names
            for form in {match_key(name), match_key(name.split("（")[0]), *synonyms.get(name, ())}
            if form
        )

    def named_in(self, key: str, synonyms: dict[str, tuple[str, ...]]) -> list[str]:
        """The categories whose name, name without its bracket (「古紙」 for 「古紙（集団
        回収）」) or one of ``synonyms`` (match keys) the match key ``key`` contains, in
        order; a longer name wins over a shorter one inside it."""
        found: list[str] = []
        names = [
            (form, name) for name in self._by_name for form in self.name_keys([name], synonyms)
        ]
        for form, name in sorted(names, key=lambda pair: -len(pair[0])):
            if form in key:
                found.append(name)
                key = key.replace(form, " ")
        return self.ordered(found)

    def names(self) -> list[str]:
        """Every category's name, in order."""
        return self.ordered(self._by_name)

    def get(self, name: str) -> CategoryInfo | None:
        return self._by_name.get(name)

    def ordered(self, names: Iterable[str]) -> list[str]:
        """``names`` without repeats, in the categories' order (an unknown name last)."""
        unknown = CategoryInfo("", 1 << 30)
        return sorted(
            dict.fromkeys(names), key=lambda n: (self._by_name.get(n, unknown).sort_order, n)
        )
