"""The items a message names: outright, only loosely (offered as suggestions), or by a
tapped button's payload.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.catalog.categories import CategoryGuide
from bot.catalog.matcher import CatalogIndex, CatalogItem, MatchResult, Mention
from bot.catalog.schedule import collected_words
from bot.japanese import match_key


def named_outright(result: MatchResult) -> tuple[MatchResult, bool]:
    """The items ``result`` names outright (a catalog name or alias), and whether it named
    others only loosely.

    A spelling that only sounds like a name (「ベット」) or an unknown compound with a
    known head (「トートバッグ」) is not enough to overrule the model: those items are
    offered as suggestions, with the honest not-found answer.
    """
    outright = [m for m in result.mentions if not m.loose]
    if outright or not result.mentions:
        if len(outright) == len(result.mentions):
            return result, False
        return MatchResult(mentions=outright), False
    loose = result.mentions
    suggestions = list(dict.fromkeys(c for m in loose for c in m.candidates))
    return MatchResult(suggestions=suggestions[:6], query=loose[0].text), True


def chosen_item(raw: Any, items: dict[int, CatalogItem]) -> CatalogItem | None:
    try:
        return items.get(int(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


def found_besides_categories(index: CatalogIndex, text: str, guide: CategoryGuide) -> MatchResult:
    """The items ``text`` names; when it names nothing but what is inside the categories'
    names it writes out, read again without those names: in 「ジャムのびんは、びん・缶・
    ペットボトルの日でいいですか」 the jar is asked about, and the びん and 缶 of the
    category's name are no later items that would make it only say which. A message naming
    nothing else (「陶器・ガラス・金属ごみは？」) keeps its reading, and so does a name
    holding a category's (「ノートパソコン」)."""
    found = index.find(text)
    names = [span.span() for name in guide.names() for span in re.finditer(re.escape(name), text)]
    inside = [m for m in found.mentions if any(a <= m.start and m.end <= b for a, b in names)]
    if not inside or len(inside) < len(found.mentions):
        return found
    besides = text
    for a, b in names:
        besides = besides[:a] + " " * (b - a) + besides[b:]
    again = index.find(besides)
    return again if again.mentions else found


def without_names_inside(found: MatchResult, phrases: list[str]) -> MatchResult:
    """``found`` without the items named only inside one of ``phrases`` the message says:
    the シール of 「粗大ごみのシールってどこで買うの？」 is the bulky-waste sticker, not an
    item to throw away."""
    if not phrases:
        return found
    mentions = [m for m in found.mentions if not any(m.text in phrase for phrase in phrases)]
    return found if len(mentions) == len(found.mentions) else replace(found, mentions=mentions)


def without_names_inside_categories(
    found: MatchResult, key: str, guide: CategoryGuide
) -> MatchResult:
    """``found`` without the items named only inside a category's name the message says in
    full: the ガラス of 「陶器・ガラス・金属ごみは？」 and the 缶 of 「びん・缶・ペットボトルって
    毎週あるの？」 are the category's, not items. An item that is the whole name (the
    乾電池 of 「乾電池（拠点回収）」) stays; ``key`` is the message's match key."""
    said = [form for form, _ in guide.keyed_names(guide.names(), {}) if form in key]
    if not said:
        return found
    mentions = [
        m
        for m in found.mentions
        if not any(match_key(m.text) in form and match_key(m.text) != form for form in said)
    ]
    return replace(found, mentions=mentions)


def without_categories_asked(found: MatchResult, guide: CategoryGuide) -> MatchResult:
    """``found`` without the items named by a word for a collected category: the whole
    word (the ペットボトル of 「ペットボトルとかの資源も、燃えるゴミと同じ時間までに出せば
    いいの？」), or a name holding it whose kinds go to different categories, that one among
    them (the 空きびん of 「中野1丁目で空きびんを出す曜日」). Asked a day, how often or by
    what time, they are the category びん・缶・ペットボトル, not things to sort; a name of
    one category (「スプレー缶」) stays, its answer says its category's days."""
    words, whole = collected_words(guide)

    def names_the_category(mention: Mention) -> bool:
        key = match_key(mention.text)
        if key in whole:
            return True
        kinds = {c.category for c in mention.candidates}
        return len(kinds) > 1 and any(form in key and name in kinds for form, name in words)

    mentions = [m for m in found.mentions if not names_the_category(m)]
    return found if len(mentions) == len(found.mentions) else replace(found, mentions=mentions)


def parts_named_apart(found: MatchResult, text: str, index: CatalogIndex) -> MatchResult:
    """``found`` with a thing and its part named side by side read as the part: "caps from
    PET bottles" (「キャップ ペットボトル」) is ペットボトルのキャップ, 「寶特瓶的標籤」
    (「ペットボトル ペットボトルのラベル」) is ペットボトルのラベル. Only names next to
    each other in ``text`` (with nothing but spaces or 「の」 between) are taken together."""
    mentions = list(found.mentions)
    for first, second in zip(found.mentions, found.mentions[1:], strict=False):
        if not _side_by_side(first, second, text) or first.loose or second.loose:
            continue
        part = _part_of(first, second, index)
        if part is not None and first in mentions and second in mentions:
            mentions[mentions.index(first)] = part
            mentions.remove(second)
    return found if len(mentions) == len(found.mentions) else replace(found, mentions=mentions)


def parts_said_later(found: MatchResult, runs: list[str], index: CatalogIndex) -> MatchResult:
    """``found`` with a thing read together with a part the message says elsewhere, which
    is no item alone: 「トイレットペーパーを使い切ったあとの芯」 is トイレットペーパーの芯.
    ``runs`` are the message's noun runs (:func:`~actions.reading._wording.noun_runs`)."""
    if not found.mentions:
        return found
    named = {match_key(m.text) for m in found.mentions}
    words = [
        w
        for w in runs
        if not any(n in match_key(w) or match_key(w) in n for n in named)
        and not index.find(w).mentions  # an item of its own (「キャップ」): named, not a part
    ]
    answered = {c.id for m in found.mentions for c in m.candidates}
    mentions = list(found.mentions)
    for position, mention in enumerate(found.mentions):
        for word in words:
            whole = named_whole(index, f"{mention.text}の{word}")
            if whole is not None and not {c.id for c in whole.candidates} & answered:
                # (「灯油と灯油のポリ容器」 names the container already)
                mentions[position] = replace(whole, start=mention.start, end=mention.end)
                break
    return found if mentions == list(found.mentions) else replace(found, mentions=mentions)


def _side_by_side(first: Mention, second: Mention, text: str) -> bool:
    return not text[first.end : second.start].strip(" 　の")


def _part_of(first: Mention, second: Mention, index: CatalogIndex) -> Mention | None:
    """The one item the two names make: the second named inside the first's name
    (ペットボトル, ペットボトルのラベル), or either's part named by the other
    (「ペットボトルのキャップ」 from キャップ and ペットボトル)."""
    for whole, inside in ((second, first), (first, second)):
        names = {match_key(c.name) for c in whole.candidates}
        if not whole.is_ambiguous and all(match_key(inside.text) in name for name in names):
            return whole
    for before, after in ((second, first), (first, second)):
        whole = named_whole(index, f"{before.text}の{after.text}")
        if whole is not None:
            return replace(whole, start=first.start, end=second.end)
    return None


def named_whole(index: CatalogIndex, compound: str) -> Mention | None:
    """The one item ``compound`` names from its start to its end (a 「の」 at most left
    out: 「ＣＤのケース」 is ＣＤケース), not just a name inside it (the スマホ of
    「棚スマホ」)."""
    for mention in index.find(compound).mentions:
        whole = mention.start == 0 and mention.end >= len(compound) - 1
        if whole and mention.candidates and not mention.is_ambiguous:
            return mention
    return None
