"""The thing a message asks about that the catalog does not have (「ヨガマット」): quoted
back in the not-found answer only when it is the whole name of a thing, not a fragment,
a time or a word the knowledge entries talk about.
"""

from __future__ import annotations

import re

from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import MatchResult
from bot.catalog.schedule import writes_a_date
from bot.catalog.words import matching_words
from bot.i18n.pivot import Rendering
from bot.japanese import get_analyzer, match_key

#: Runs of Latin letters: words of a sentence in a language written with them.
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Which script a letter is in, for telling whether a phrase runs on into a longer word.
_SCRIPTS = (
    ("kanji", re.compile(r"[一-龥々]")),
    ("katakana", re.compile(r"[ァ-ヺー]")),
    ("latin", re.compile(r"[A-Za-z]")),
)


def unknown_thing(
    found: MatchResult,
    text: str,
    catalog: LiveCatalog,
    rendering: Rendering | None,
    category_words: tuple[str, ...],
) -> str:
    """The noun phrase the matcher found no item for, if it is the whole name of a thing
    that the knowledge entries do not talk about either (「年末」 is not a thing) and no
    word for a category the message names (「割れ物」, ``category_words``). In a
    message in another language, only its words the pivot could not render can be one:
    the rest are words it knows (「6袋」「いくつ」 are a count and a question), and a date
    written out (「1月2日」) is no thing."""
    if rendering is not None:
        things = [word for word in rendering.unknown if not writes_a_date(word)]
        return things[0] if things and not found.mentions else ""
    query = found.query if not found.mentions else ""
    if not quotable(query, text) or match_key(query) in category_words:
        return ""
    return "" if catalog.knowledge().knows(_without_time_words(query)) else query


def _without_time_words(phrase: str) -> str:
    """``phrase`` from its first word that is not a time word (「明日祝日」 → 「祝日」): what
    the knowledge entries are asked about on that day."""
    for morpheme in get_analyzer().analyze(phrase):
        if not (morpheme.pos[0] == "名詞" and morpheme.pos[2] == "副詞可能"):
            return phrase[morpheme.start :]
    return phrase


#: Kinds of noun (Sudachi's third part of speech) that name no thing: 「普通」「大量」
#: (形状詞可能), 「当日」「朝」 (副詞可能), 「仕事」「予約」 (サ変可能), 「9時」 (助数詞可能).
_NOT_THING_NOUNS = frozenset({"形状詞可能", "副詞可能", "サ変可能", "助数詞可能"})


def quotable(query: str, text: str) -> bool:
    """Whether ``query`` is the whole name of something, worth quoting back as the thing
    asked about: a noun phrase ending in a noun that may name a thing (not 「本当」,
    「朝9時すぎ」, 「当日何時」, 「中野駅」), not a fragment of a longer word (the 「車」 of
    「収集車」), not a word of a sentence in a language written in Latin letters (the
    「How」 of "How should I …")."""
    if not query or len(_LATIN_WORD.findall(text)) >= 3 or not _ends_in_a_thing(query):
        return False
    start = text.find(query)
    if start < 0:
        return True
    before = text[start - 1 : start]
    after = text[start + len(query) : start + len(query) + 1]
    return not (_same_script(before, query[0]) or _same_script(after, query[-1]))


def _ends_in_a_thing(query: str) -> bool:
    """The last word of ``query`` may name a thing, and no word of it asks (「何時」)."""
    words = matching_words()
    morphemes = get_analyzer().analyze(query)
    if not morphemes or any(m.text.startswith("何") for m in morphemes):
        return False
    if match_key(query) in words.not_things:  # 「夜勤明け」, whatever its last word
        return False
    last = morphemes[-1]
    return not (
        last.pos[0] != "名詞"
        or last.pos[1] == "固有名詞"  # a place or a name: 「中野駅」
        or last.pos[2] in _NOT_THING_NOUNS
        or (key := match_key(last.text)) in words.question_words
        or key in words.not_things
    )


def _same_script(a: str, b: str) -> bool:
    return bool(a) and any(p.match(a) and p.match(b) for _, p in _SCRIPTS)
