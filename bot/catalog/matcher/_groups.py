"""Which candidate spans stand for a thing: non-overlapping groups, longest first, without
the materials that only qualify another item and the words that only begin a compound the
catalog does not know."""

from __future__ import annotations

import re

from bot.catalog.item_names import MATERIAL_KEYS
from bot.catalog.matcher._containers import AND_WORDS
from bot.catalog.matcher._spans import FUNCTION_NOUNS, QUESTION_WORDS, Span, SpanKind
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, match_key


def longest_first(spans: list[Span]) -> list[list[Span]]:
    """Non-overlapping groups of spans, longest first; a group's spans cover the same
    morphemes and name one thing together.

    Where the surface matched, the reading's matches for the same morphemes are dropped:
    a kanji spelling says more than its sound (「箸」 is not every 「はし」). Of the rest,
    the longest keys win: in the one morpheme 「アイロン台」, 「アイロン」 matches too.
    """
    by_range: dict[tuple[int, int], list[Span]] = {}
    for span in spans:
        by_range.setdefault((span.first, span.last), []).append(span)
    ordered = sorted(by_range.items(), key=lambda kv: (-max(s.size for s in kv[1]), kv[0]))
    taken: list[list[Span]] = []
    used: set[int] = set()
    for (first, last), group in ordered:
        covered = set(range(first, last + 1))
        if covered & used:
            continue
        used |= covered
        group = [s for s in group if not s.by_reading] or group
        longest = max(len(s.key) for s in group)
        taken.append([s for s in group if len(s.key) == longest])
    return taken


#: Nothing but "and" between two names: both are asked about.
_JUST_AND = re.compile(r"^\s*(?:" + "|".join(map(re.escape, [*AND_WORDS, "and"])) + r")\s*$")


def without_qualifying_materials(
    text: str, morphemes: list[Morpheme], groups: list[list[Span]]
) -> list[list[Span]]:
    """Drop the material words that only say what another item is made of.

    In 「ガラスの花びん」 or 「プラスチックのざる」 the material qualifies the item next to it
    and is not asked about; but a material that is an item itself and is named alongside
    another (「発泡スチロールとダンボール」) is asked about like any item.
    """
    ordered = sorted(groups, key=lambda g: g[0].first)
    if all(_material_only(g) for g in ordered):
        return groups
    kept = []
    for index, group in enumerate(ordered):
        if _material_only(group):
            start, end = _group_extent(morphemes, group)
            before = _group_extent(morphemes, ordered[index - 1])[1] if index else None
            nxt = ordered[index + 1] if index + 1 < len(ordered) else None
            after = _group_extent(morphemes, nxt)[0] if nxt else None
            joined = (after is not None and _JUST_AND.match(text[end:after])) or (
                before is not None and _JUST_AND.match(text[before:start])
            )
            if not joined:
                continue
        kept.append(group)
    return kept


def _material_only(group: list[Span]) -> bool:
    return all(span.key in MATERIAL_KEYS for span in group)


def _group_extent(morphemes: list[Morpheme], group: list[Span]) -> tuple[int, int]:
    return morphemes[group[0].first].start, morphemes[group[0].last].end


#: Nouns that may follow an item's name without making it part of another thing:
#: 「冷蔵庫買い替え」 is still a 冷蔵庫.
_AFTER_NAME = frozenset(matching_words().after_name)


def begins_unknown_compound(
    morphemes: list[Morpheme], group: list[Span], spans: list[Span]
) -> bool:
    """Whether the match only begins a compound noun whose head the catalog does not know:
    the 石 of 「石灯籠」, the 除雪 of 「除雪機」. Such a word is another, unknown thing."""
    last = group[0].last
    if group[0].kind in (SpanKind.CONTENTS, SpanKind.SHORTENED) or last + 1 >= len(morphemes):
        return False
    after = morphemes[last + 1]
    if after.start != morphemes[last].end or after.pos[0] != "名詞":
        return False
    if after.pos[1] not in ("普通名詞", "固有名詞") or after.pos[2] in ("サ変可能", "副詞可能"):
        return False
    if match_key(after.text) in QUESTION_WORDS | _AFTER_NAME or after.text in FUNCTION_NOUNS:
        return False
    if after.pos[2] == "助数詞可能":
        return False  # 「テレビ台」「ベッド2台」: a counter or a stand, not another thing
    if _script(morphemes[last].text) != _script(after.text) or _script(after.text) is None:
        return False  # 「スポンジはな（に）」「AirPods片方」: two words, not one compound
    return not any(s.first <= last + 1 <= s.last for s in spans)


def _script(word: str) -> str | None:
    """``kanji`` or ``katakana`` when ``word`` is all in one of them; otherwise None."""
    if re.fullmatch(r"[一-龥々]+", word):
        return "kanji"
    if re.fullmatch(r"[ァ-ヺー]+", word):
        return "katakana"
    return None
