"""Suggestions: when a message names no item, the closest items to offer, never as the
answer; and one so close that the message is surely a typo of it."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.catalog.matcher._focus import NOT_THINGS, is_place
from bot.catalog.matcher._keys import CatalogKeys
from bot.catalog.matcher._models import CatalogItem, MatchResult
from bot.catalog.matcher._spans import FUNCTION_NOUNS, NOUN_POS, QUESTION_WORDS
from bot.japanese import Morpheme, match_key

#: A question of at most this many letters may be a bare, misspelt item name.
_TYPO_MAX_LENGTH = 10
#: A question that begins with a word typed in hiragana, up to its particle or the first
#: kanji: 「せんたっき捨てたい」 (Sudachi cuts the word up: せん|たっ|き).
_LEADING_HIRAGANA = re.compile(
    r"^([ぁ-ゖー]{3,}?)(?:を|は|が|って|も|の)?(?=[一-龥々、。？！?!\s]|$)"
)


def suggest(
    keys: CatalogKeys, text: str, morphemes: list[Morpheme], sound_alikes: list[int]
) -> MatchResult:
    """Items to offer for ``text``, which names none: those whose keys look like its noun
    phrase, or like the whole of a short message, and the ``sound_alikes``."""
    query = noun_phrase(morphemes, text)
    scored = scored_items(keys, query)
    # Alike in sound but not a spelling of the same word (「ボート」, 電気ポット): a
    # suggestion at most, never the answer (nor a likely typo).
    suggested = [(keys.items[i], 0.0) for i in dict.fromkeys(sound_alikes)]
    whole = text.strip(" 　?？!！。、")
    leading = _LEADING_HIRAGANA.match(whole)
    for other in (
        # A bare word that Sudachi cut up (「ぬいぐみる」 → ぬい|ぐ|みる).
        whole if len(match_key(whole)) <= _TYPO_MAX_LENGTH else "",
        # The same at the start of a question (「せんたっき捨てたい」).
        leading.group(1) if leading else "",
    ):
        if other and other != query:
            alternative = scored_items(keys, other)
            if alternative and (not scored or alternative[0][1] > scored[0][1]):
                query, scored = other, alternative
    suggestions = distinct_items(scored + suggested)[:3]
    # A word Sudachi knows whole (「サンドバッグ」) is what it says, not a slip for a
    # catalog name one letter away (ハンドバッグ).
    known = [m for m in keys.analyzer.analyze(query) if not m.oov]
    real_word = len(known) == 1 and known[0].text == query
    likely = None if real_word else _likely_typo(query, scored)
    return MatchResult(suggestions=suggestions, query=query, likely=likely)


def scored_items(
    keys: CatalogKeys, phrase: str, cutoff: float = 60.0
) -> list[tuple[CatalogItem, float]]:
    """Items whose keys look like ``phrase``, best first, with the score of the key."""
    key = match_key(phrase)
    if len(key) < 2:
        return []
    scored: list[tuple[CatalogItem, float]] = []
    for choice, score, _ in process.extract(
        key, keys.fuzzy.candidates(key), scorer=fuzz.ratio, limit=12, score_cutoff=cutoff
    ):
        scored += [(keys.items[i], score) for i in sorted(keys.exact.ids[choice])]
    return scored


def distinct_items(scored: list[tuple[CatalogItem, float]]) -> list[CatalogItem]:
    return list(dict.fromkeys(item for item, _score in scored))


_TYPO_MIN_SCORE = 80.0
_TYPO_MARGIN = 8.0


def _likely_typo(query: str, scored: list[tuple[CatalogItem, float]]) -> CatalogItem | None:
    """The one item ``query`` is a slip of the keyboard for, if it clearly is one: a word of
    four or more letters, 80% alike, and well ahead of any other item."""
    if len(match_key(query)) < 4 or not scored or scored[0][1] < _TYPO_MIN_SCORE:
        return None
    best, score = scored[0]
    runner_up = next((s for item, s in scored if item != best), 0.0)
    return best if score - runner_up >= _TYPO_MARGIN else None


_SPACES = re.compile(r"[\s\u3000]+")


def noun_phrase(morphemes: list[Morpheme], text: str = "") -> str:
    """What an unknown item is probably called.

    Words set apart by spaces, as many type on a phone (「せんたっき　こわれた」), give the
    first word; otherwise the longest run of noun-like morphemes that are not question
    words: 「ぷりんたーのすてかた」 → 「ぷりんたー」.
    """
    words = [w for w in _SPACES.split(text.strip()) if len(match_key(w)) >= 2]
    if len(words) > 1 and match_key(words[0]) not in QUESTION_WORDS:
        return words[0]
    best: list[Morpheme] = []
    run: list[Morpheme] = []
    places: list[Morpheme] = []
    for m in [*morphemes, None]:
        if m is not None and m.pos[0] in NOUN_POS and match_key(m.text) not in QUESTION_WORDS:
            run.append(m)
            continue
        if run and text and is_place(text, run[-1].end):
            # 「猟銃が物置から出てきた」: the thing, not where it was.
            places = places if sum(len(x.text) for x in places) >= _length(run) else run
        elif _length(run) > _length(best) or (
            run and _length(run) == _length(best) and _thing_word(run)
        ):
            best = run
        run = []
    return "".join(m.text for m in best or places)


def _length(run: list[Morpheme]) -> int:
    return sum(len(m.text) for m in run)


def _thing_word(run: list[Morpheme]) -> bool:
    """A run of nouns that may name a thing, not a person or a time (「祖父」「昔」)."""
    return any(
        m.pos[0] == "名詞"
        and match_key(m.text) not in NOT_THINGS
        and m.text not in FUNCTION_NOUNS
        and m.pos[1] != "代名詞"
        and m.pos[2] != "副詞可能"
        for m in run
    )
