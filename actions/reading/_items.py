"""The items a message names: outright, only loosely (offered as suggestions), or by a
tapped button's payload.
"""

from __future__ import annotations

from typing import Any

from bot.catalog.matcher import CatalogItem, MatchResult


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
