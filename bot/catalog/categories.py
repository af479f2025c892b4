"""What the answers need to know of the categories (種別) themselves: their order, what
each is, its guidance text, whether it is collected on set days and whether it is a
resource (資源) — read from the live tables, so that no answer depends on a list of
category names in the code."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.catalog.models import Category
from bot.japanese import match_key


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    sort_order: int
    description: str = ""
    guidance_key: str | None = None
    #: Collected on set weekdays: the collection-day table gives it days in some area, so
    #: a day question (「燃やすごみは何曜日？」) is about it.
    collected: bool = False
    #: A resource (資源): 「資源の日は？」 names it.
    resource: bool = False


class CategoryGuide:
    """The categories by name, with the order answers list them in."""

    def __init__(
        self, categories: Iterable[CategoryInfo], typical: dict[str, list[str]] | None = None
    ) -> None:
        self._by_name = {c.name: c for c in categories}
        self._typical = typical or {}

    @classmethod
    def load(
        cls,
        categories: Iterable[Category],
        typical: dict[str, list[str]] | None = None,
        scheduled: Collection[int] = (),
    ) -> CategoryGuide:
        """The guide of the category rows; ``scheduled`` holds the ids of the categories
        some area has collection days for."""
        return cls(
            (
                CategoryInfo(
                    c.name,
                    c.sort_order,
                    c.description or "",
                    c.guidance_key,
                    collected=c.id in scheduled,
                    resource=bool(c.resource),
                )
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
        return tuple(form for name in names for form, _ in self.keyed_names([name], synonyms))

    def keyed_names(
        self, names: Iterable[str], synonyms: dict[str, tuple[str, ...]]
    ) -> list[tuple[str, str]]:
        """``(match key, name)`` for every form of :meth:`name_keys` that names one of
        ``names``, longest first (in ``names`` order, then the name before its bracketless
        form and its synonyms, when equally long)."""
        pairs = [
            (form, name)
            for name in names
            for form in dict.fromkeys(
                (match_key(name), match_key(name.split("（")[0]), *synonyms.get(name, ()))
            )
            if form
        ]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def named_in(self, key: str, synonyms: dict[str, tuple[str, ...]]) -> list[str]:
        """The categories whose name, name without its bracket (「古紙」 for 「古紙（集団
        回収）」) or one of ``synonyms`` (match keys) the match key ``key`` contains, in
        order; a longer name wins over a shorter one inside it."""
        found: list[str] = []
        for form, name in self.keyed_names(self._by_name, synonyms):
            if form in key:
                found.append(name)
                key = key.replace(form, " ")
        return self.ordered(found)

    def names(self) -> list[str]:
        """Every category's name, in order."""
        return self.ordered(self._by_name)

    def collected(self) -> list[str]:
        """The categories collected on set days, in order."""
        return self.ordered(n for n, c in self._by_name.items() if c.collected)

    def resources(self) -> list[str]:
        """The resource categories (資源) collected on set days, in order."""
        return self.ordered(n for n, c in self._by_name.items() if c.collected and c.resource)

    def get(self, name: str) -> CategoryInfo | None:
        return self._by_name.get(name)

    def ordered(self, names: Iterable[str]) -> list[str]:
        """``names`` without repeats, in the categories' order (an unknown name last)."""
        unknown = CategoryInfo("", 1 << 30)
        return sorted(
            dict.fromkeys(names), key=lambda n: (self._by_name.get(n, unknown).sort_order, n)
        )
