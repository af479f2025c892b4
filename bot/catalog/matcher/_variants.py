"""Variant choice: the items one group of spans stands for, as a :class:`Mention`.

A plain base name brings all its variants (「ざる」: 金属製, プラスチック製, 木製), narrowed by
a material, use or state the message says; the full name of one item is that item.
"""

from __future__ import annotations

from bot.catalog.item_names import choose_by_notes, choose_variants, state_variant
from bot.catalog.matcher._keys import CatalogKeys, KeyTable, morpheme_reading
from bot.catalog.matcher._models import CatalogItem, Mention
from bot.catalog.matcher._spans import Span, SpanKind
from bot.japanese import Morpheme, match_key


def mention_of(
    keys: CatalogKeys, text: str, morphemes: list[Morpheme], group: list[Span], table: KeyTable
) -> Mention:
    """The items ``group`` (spans of ``table``'s keys over the same morphemes) names."""
    start, end = morphemes[group[0].first].start, morphemes[group[0].last].end
    said = text[start:end]
    loose = group[0].kind in (SpanKind.SOUND, SpanKind.HEAD)
    matched: set[int] = set().union(*(_ids(keys, span, table) for span in group))
    # What the message says of material, use or state (「割れた」「プラスチックの」
    # 「汚れが落ちない」) may choose among all variants of the matched items, even of
    # one named in full; so may words inside the mention that its key does not cover
    # (the 革 of 「革手袋」, the プラスチック of 「バターが入ってたプラスチックの容器」).
    related = keys.siblings(matched) | matched
    pool = sorted((keys.items[i] for i in related | keys.states_of(related)), key=_by_id)
    context = " ".join((text[:start], _uncovered(text, morphemes, group), text[end:]))
    chosen = choose_variants(
        [(c.name, _variant_qualifier(c)) for c in pool], context
    ) or choose_by_notes([(c.name, c.notes or "") for c in pool], context)
    if chosen:
        candidates = [c for c in pool if c.name in chosen]
        exact = len(candidates) == 1
        return Mention(said, candidates, exact=exact, start=start, end=end, loose=loose)
    full = {
        keys.full[span.key]
        for span in group
        if span.key in keys.full and span.kind is not SpanKind.CONTENTS
    }
    if len(full) == 1 and table is keys.exact:
        # The full name of one item (「スプレー缶」) beats the items that merely
        # mention it (「殺虫剤の容器（スプレー缶）」).
        return Mention(said, [keys.items[full.pop()]], exact=True, start=start, end=end)
    ids = set(matched)
    for span in group:
        # A base name (「ざる」) means any of its variants; an alias or a full name only
        # the items it names.
        bases = table.bases.get(span.key, set())
        if span.kind is SpanKind.SOUND and span.ids is not None:
            bases = bases & span.ids
        ids |= keys.siblings(bases)
    if len(ids) == 1 and table is keys.exact:
        ids |= _compounds_of(keys, ids, group, context)
    candidates = sorted((keys.items[i] for i in ids), key=_by_id)
    return Mention(said, candidates, start=start, end=end, loose=loose)


def _ids(keys: CatalogKeys, span: Span, table: KeyTable) -> set[int]:
    """The items a span names."""
    if span.ids is not None:
        return set(span.ids)
    if span.kind is SpanKind.CONTENTS:
        return keys.contents[span.key]
    return table.ids[span.key]


def _by_id(item: CatalogItem) -> int:
    return item.id


def _uncovered(text: str, morphemes: list[Morpheme], group: list[Span]) -> str:
    """The words of a mention its key does not stand for: the 革 of 「革手袋」 (matched as
    てぶくろ), the プラスチック between contents and container."""
    first, last = group[0].first, group[0].last
    if group[0].kind is SpanKind.CONTENTS:
        return text[morphemes[first].end : morphemes[last].start]
    if any(span.key in _whole_keys(morphemes[first : last + 1]) for span in group):
        return ""
    return text[morphemes[first].start : morphemes[last].end]


def _whole_keys(covered: list[Morpheme]) -> set[str]:
    """The keys that stand for all of ``covered``: their surface and their reading."""
    return {
        match_key("".join(m.text for m in covered)),
        match_key("".join(morpheme_reading(m) for m in covered)),
    }


def _variant_qualifier(item: CatalogItem) -> str:
    """What sets ``item`` apart from its siblings: its bracketed qualifier, and a state
    written before the name (「汚れ」 of 「汚れたビン」)."""
    state = state_variant(item.base_name)
    return "・".join(filter(None, (item.qualifier, state[1] if state else "")))


def _compounds_of(keys: CatalogKeys, ids: set[int], group: list[Span], context: str) -> set[int]:
    """For a bare name whose one item is a kind of it (「バッテリー」 is 「バッテリー
    （自動車等）」, not 「カーテン（…除く）」), the other items it is the end of
    (モバイルバッテリー, 電動車いすのバッテリー): the resident may mean any, so they are
    asked back. Those whose first words the message says (the テレビ of 「テレビの
    アンテナ」) are preferred."""
    (only,) = (keys.items[i] for i in ids)
    key = match_key(only.base_name)
    if (
        not only.qualifier
        # 「カーテン（レースカーテン・遮光カーテン除く）」 is every other カーテン.
        or any(word in only.qualifier for word in ("除く", "以外"))
        or len(key) < 3
        or group[0].kind is not SpanKind.NAME
        or not any(s.key == key for s in group)
    ):
        return set()
    compounds = {
        item.id: match_key(item.base_name)[: -len(key)]
        for item in keys.items.values()
        if item.id != only.id
        and len(item.base_name) > len(only.base_name)
        and item.base_name.endswith(only.base_name)
        and keys.word_starts(item.base_name, len(item.base_name) - len(only.base_name))
    }
    said = match_key(context)
    preferred = {
        i for i, before in compounds.items() if len(before) >= 2 and before.rstrip("の") in said
    }
    return preferred or set(compounds)
