"""The knowledge entries (よくある質問) a message matches: read alone, and read with the
topic of the last answer, so that a follow-up (「電話番号は？」) is about that topic.
"""

from __future__ import annotations

from dataclasses import replace

from actions.memory import Context
from bot.catalog.knowledge import CLOSE_COVERAGE, KnowledgeHit
from bot.catalog.loader import LiveCatalog
from bot.i18n import JAPANESE
from bot.japanese import match_key


def knowledge_hits(
    catalog: LiveCatalog, text: str, original: str, language: str, topic: str | None = None
) -> list[KnowledgeHit]:
    """The knowledge entries the message matches (read with the last ``topic``'s title
    when given). A message in another language is matched twice, its Japanese rendering
    against the entries' Japanese examples and its own words against their examples in its
    language, and each entry keeps the better match: the rendering carries the words that
    decide most topics (「前一天晚上」 → 「前の日の夜」), the translated examples the ones
    it has no word for."""
    readings = [(catalog.knowledge(), text)]
    if language != JAPANESE:
        readings.append((catalog.knowledge(language), original))
    japanese = catalog.knowledge().entries
    best: dict[str, KnowledgeHit] = {}
    for knowledge, said in readings:
        entry = knowledge.entries.get(topic or "")
        if topic and entry is None:
            continue
        for hit in knowledge.search(said, context=entry.title if entry else ""):
            hit = replace(hit, entry=japanese.get(hit.entry.key, hit.entry))
            if hit.entry.key not in best or hit.coverage > best[hit.entry.key].coverage:
                best[hit.entry.key] = hit
    return sorted(best.values(), key=lambda hit: -hit.coverage)[:3]


def topical_hits(
    catalog: LiveCatalog,
    context: Context,
    text: str,
    original: str,
    language: str,
    names_nothing: bool,
) -> list[KnowledgeHit]:
    """The entries the message matches read with the last topic; a message that names
    nothing (「どうやって出せばいいの？」) is about the topic itself when it matches it at
    all, however well the question words fit another entry."""
    if not context.last_topic:
        return []
    hits = knowledge_hits(catalog, text, original, language, topic=context.last_topic)
    if names_nothing:
        hits.sort(key=lambda hit: hit.entry.key != context.last_topic)
    return hits


def titled_first(hits: list[KnowledgeHit], categories: list[str]) -> list[KnowledgeHit]:
    """``hits`` with the entry titled as a category the message names first, when it is
    matched about as well as the best: 「家電リサイクルってどうすればいいの」 names the
    category 家電リサイクル法対象品目, whose entry has its name, and is about that entry
    rather than the drop-off boxes of 小型家電."""
    if not hits:
        return hits
    named = {match_key(c) for c in categories}
    close = [
        h
        for h in hits
        if match_key(h.entry.title) in named and hits[0].coverage - h.coverage <= CLOSE_COVERAGE
    ]
    return [*close, *(h for h in hits if h not in close)]
