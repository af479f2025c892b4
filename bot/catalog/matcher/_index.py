"""The catalog index and its lookup, :meth:`CatalogIndex.find`, which runs the stages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from bot.catalog.matcher._containers import container_spans
from bot.catalog.matcher._focus import focused, owners_of_parts, places_dropped
from bot.catalog.matcher._groups import (
    begins_unknown_compound,
    longest_first,
    without_qualifying_materials,
)
from bot.catalog.matcher._keys import CatalogKeys, KeyTable
from bot.catalog.matcher._models import CatalogItem, MatchResult, Mention
from bot.catalog.matcher._rewrites import rewrites, that_one_spelt_out
from bot.catalog.matcher._sound import sound_spans
from bot.catalog.matcher._spans import (
    Span,
    SpanKind,
    head_spans,
    kana_word_spans,
    key_spans,
    shortened_spans,
    unmatched_nouns,
)
from bot.catalog.matcher._suggestions import distinct_items, scored_items, suggest
from bot.catalog.matcher._variants import mention_of
from bot.japanese import Morpheme, match_key, sound_key


@dataclass(frozen=True)
class Interpretation:
    """What one spelling of the message names."""

    mentions: list[Mention]
    #: How much of the message the mentions account for; the best spelling names most.
    weight: int
    #: Whether another spelling might name more: a noun is left unmatched, or an item was
    #: passed over for the one after it (「線香の空き箱」 could be a 「線香の箱」).
    unsettled: bool


class CatalogIndex:
    """An immutable in-memory index of the catalog; build a new one when it changes."""

    def __init__(
        self, items: Iterable[CatalogItem], aliases: Iterable[tuple[str, int]] = ()
    ) -> None:
        self._keys = CatalogKeys(items, aliases)
        self.items: dict[int, CatalogItem] = self._keys.items

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> MatchResult:
        """The items ``text`` names; failing that, close items to suggest.

        The exact keys are tried on the text as typed, then, only when that leaves
        something unsettled, on its other spellings (each costs a Sudachi analysis, the
        bulk of a lookup); only if none names anything are the sound keys tried.
        """
        text = that_one_spelt_out(text)
        morphemes = self._keys.analyzer.analyze(text)
        named = self._best_by_name(text, morphemes).mentions
        if named:
            return MatchResult(mentions=named)
        sounded, sound_alikes = self._by_sound(text, morphemes)
        if sounded.mentions:
            return MatchResult(mentions=sounded.mentions)
        return suggest(self._keys, text, morphemes, sound_alikes)

    def kinds_of(self, item: CatalogItem) -> list[CatalogItem]:
        """The items of ``item``'s category whose name ends its name: 「びん（飲食用）」 for
        「ビールびん」. What the ward writes of the whole kind (「割れたびんは…」) holds for
        the item when its own notes say nothing of the case."""
        key = match_key(item.base_name)
        return [
            other
            for suffix in (key[start:] for start in range(1, len(key) - 1))
            for other in self._by_base_key.get(suffix, ())
            if other.category == item.category
        ]

    @cached_property
    def _by_base_key(self) -> dict[str, list[CatalogItem]]:
        by_key: dict[str, list[CatalogItem]] = {}
        for item in self.items.values():
            by_key.setdefault(match_key(item.base_name), []).append(item)
        return by_key

    def similar(self, phrase: str, limit: int = 3) -> list[CatalogItem]:
        """Up to ``limit`` items whose keys look most like ``phrase``."""
        return distinct_items(scored_items(self._keys, phrase))[:limit]

    def _best_by_name(self, text: str, morphemes: list[Morpheme]) -> Interpretation:
        """Of the typed spelling and, when it leaves something unsettled, the other
        spellings (:func:`rewrites`), the one that names the most."""
        best = typed = self._by_name(text, morphemes)
        if typed.unsettled:
            for rewritten in rewrites(text, morphemes):
                other = self._by_name(rewritten, self._keys.analyzer.analyze(rewritten))
                if other.weight > best.weight:
                    best = other
        return best

    def _by_name(self, text: str, morphemes: list[Morpheme]) -> Interpretation:
        """What ``text`` names by the catalog's keys, and by what they leave unexplained:
        heads of unknown compounds and shortened names only for nouns nothing else
        matched."""
        exact = self._keys.exact
        spans = [
            *key_spans(morphemes, exact, match_key),
            *kana_word_spans(text, morphemes, exact),
            *container_spans(self._keys, morphemes),
        ]
        unmatched = unmatched_nouns(morphemes, spans)
        if unmatched:
            spans += head_spans(self._keys, morphemes, unmatched)
            spans += shortened_spans(self._keys, text, morphemes, unmatched)
        return self._interpretation(text, morphemes, spans, exact, unsettled=bool(unmatched))

    def _by_sound(self, text: str, morphemes: list[Morpheme]) -> tuple[Interpretation, list[int]]:
        """What ``text`` names by keys that sound alike and are spelt alike; and the items
        that only sound alike, to suggest."""
        candidates = key_spans(morphemes, self._keys.sound, sound_key)
        spans, sound_alikes = sound_spans(self._keys, candidates, morphemes)
        interpretation = self._interpretation(
            text, morphemes, spans, self._keys.sound, unsettled=False
        )
        return interpretation, sound_alikes

    def _interpretation(
        self,
        text: str,
        morphemes: list[Morpheme],
        spans: list[Span],
        table: KeyTable,
        *,
        unsettled: bool,
    ) -> Interpretation:
        """The mentions ``spans`` (of ``table``'s keys) make, and those asked about."""
        groups = without_qualifying_materials(text, morphemes, longest_first(spans))
        mentions = []
        weight = 0
        for group in sorted(groups, key=lambda g: g[0].first):
            if begins_unknown_compound(morphemes, group, spans):
                continue  # the 石 of 「石灯籠」 names no 石
            mention = mention_of(self._keys, text, morphemes, group, table)
            mentions.append(mention)
            head = group[0].kind is SpanKind.HEAD
            weight += len(group[0].key) if head else len(mention.text)
        owners = owners_of_parts(text, mentions)
        mentions = [m for m in mentions if m not in owners]
        weight -= sum(len(m.text) for m in owners)
        asked = focused(text, places_dropped(text, morphemes, mentions, spans))
        return Interpretation(asked, weight, unsettled or len(asked) < len(mentions))
