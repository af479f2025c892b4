"""What an item's notes (the 説明 of the ward's table) say about particular cases.

The ward writes the exceptions of an item into its notes: 「一辺が30㎝を超える場合は粗大ごみ
です」, 「集団回収に出せない場合や汚れている場合は燃やすごみへ」, 「回収ボックスを利用できない
場合は、陶器・ガラス・金属ごみへ」. A resident who hears the item's category and then says
「汚れてるやつは？」 is asking about one of those cases; the answer is the case's category,
read from the notes themselves, so that staff who edit a note change the answer too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.catalog.words import matching_words
from bot.japanese import get_analyzer, match_key

#: A size rule: 「一辺が30㎝を超える場合は粗大ごみです」, 「一辺が30㎝以下の場合は陶器・ガラス・
#: 金属ごみです」.
SIZE_RULE = re.compile(r"一辺が(\d+)\s*(?:㎝|cm|センチ)")
#: A size rule that makes a thing over the size 粗大ごみ.
OVER_SIZE_IS_BULKY = re.compile(r"(\d+)\s*(?:㎝|cm|センチ)を超える場合は粗大ごみ")
#: A size rule that puts a thing up to the size in another category (the 扇風機, 粗大ごみ
#: when larger).
UNDER_SIZE_CATEGORY = re.compile(r"(\d+)\s*(?:㎝|cm|センチ)以下の場合は(.+?)です")
#: 「<case>場合は<what to do>」 up to the end of the sentence.
_CASE = re.compile(r"([^。※]+?)場合は、?([^。]+)")
#: Cases said together: 「集団回収に出せない場合や汚れている」.
_CASE_SEPARATOR = re.compile(r"場合[や、]")
#: 「<a part or a kind of the thing>は<what to do>」: 「芯は古紙（集団回収）へ」,
#: 「割れたびんは陶器・ガラス・金属ごみへ」.
_PART = re.compile(r"(?:^|[。、※])([^。、※]{1,20}?)は、?([^。]+)")
#: The parts of speech of the words that say what a case is about.
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
#: A case about size is answered from the sizes the resident gives, not from their words.
_SIZE_WORD = re.compile(r"\d+\s*(?:㎝|cm|センチ|kg|㎏)")
#: A resident's word for a word of a case (「内側」 for 「中」), and that word.
_CASE_WORDS = {
    word: meant for meant, words in matching_words().case_synonyms.items() for word in words
}
#: The same, keyed by match key (as :func:`bot.catalog.knowledge.terms` gives words).
_CASE_KEYS = {match_key(word): match_key(meant) for word, meant in _CASE_WORDS.items()}
#: A case is met when the message says at least this share of its content words.
MET_SHARE = 0.5
#: Sudachi's lemmas that make a verb or adjective negative.
_NEGATIONS = frozenset({"ない", "無い", "ぬ", "ず"})


@dataclass(frozen=True)
class NoteCase:
    """One case of an item's notes: 「汚れている場合」 → 燃やすごみ, 「芯」 → 古紙（集団回収）;
    ``condition`` is how an answer names it."""

    condition: str
    category: str
    words: frozenset[str]
    negated: bool
    #: The notes the case is read from, which say the rest (how to wrap the broken ones).
    notes: str = ""


def cases_in(notes: str, categories: Iterable[str]) -> list[NoteCase]:
    """The cases ``notes`` gives a category for — conditions (「汚れている場合は燃やすごみへ」)
    first, then parts and kinds (「芯は古紙（集団回収）へ」) — in the order written;
    ``categories`` are the names a case's consequence may give."""
    names = tuple(sorted(set(categories), key=lambda name: (-len(name), name)))
    return list(_cases(notes, names))


@lru_cache(maxsize=4096)
def _cases(notes: str, names: tuple[str, ...]) -> tuple[NoteCase, ...]:
    """:func:`cases_in`, once per note and set of names: a follow-up reads the last item's
    notes at every message, and Sudachi need not cut the same sentences again."""
    said: list[tuple[str, str]] = []  # (how the case is named in an answer, consequence)
    for match in _CASE.finditer(notes):
        for condition in _CASE_SEPARATOR.split(match.group(1)):
            said.append((condition.strip("、 ") + "場合", match.group(2)))
    for match in _PART.finditer(notes):
        if "場合" not in match.group(1):
            said.append((match.group(1).strip(), match.group(2)))
    cases = []
    for condition, consequence in said:
        category = next((name for name in names if name in consequence), None)
        if category is None or _SIZE_WORD.search(condition):
            continue
        words, negated = _content(condition.removesuffix("場合"))
        if words:
            cases.append(NoteCase(condition, category, words, negated, notes))
    return tuple(cases)


def met_case(cases: list[NoteCase], message: str) -> NoteCase | None:
    """The case ``message`` describes: the one whose content words it says the largest
    share of (at least :data:`MET_SHARE`), said the same way round (「汚れてない」 is not
    「汚れている」)."""
    said, negated = _content(message)
    best, best_share = None, 0.0
    for case in cases:
        share = len(case.words & said) / len(case.words)
        if case.negated == negated and share >= MET_SHARE and share > best_share:
            best, best_share = case, share
    return best


def gives_a_size(notes: list[str]) -> bool:
    """Whether the notes give a size or weight (「50cm以下に切って」)."""
    return any(_SIZE_WORD.search(n) for n in notes)


def case_word(word: str) -> str:
    """The word of the notes that ``word`` (a resident's word or its match key) stands for:
    「中身」 for 「ガス」; ``word`` itself when it stands for none."""
    return _CASE_WORDS.get(word) or _CASE_KEYS.get(word, word)


def size_limit(notes: list[str]) -> int | None:
    """The smallest size (cm) the notes set a rule for."""
    return min((int(m.group(1)) for n in notes for m in SIZE_RULE.finditer(n)), default=None)


def over_limit_is_bulky(notes: list[str]) -> bool:
    return any(OVER_SIZE_IS_BULKY.search(n) for n in notes)


def under_limit_category(notes: list[str]) -> str | None:
    """The category the notes give the item up to their size, if they give one."""
    return next((m[2] for n in notes for m in UNDER_SIZE_CATEGORY.finditer(n)), None)


def _content(text: str) -> tuple[frozenset[str], bool]:
    """The lemmas of ``text``'s content words (no particles, no auxiliary verbs such as the
    いる of 「汚れている」), and whether it is negative."""
    words, negated = set(), False
    for morpheme in get_analyzer().analyze(text):
        if morpheme.lemma in _NEGATIONS and morpheme.pos[0] in ("助動詞", "形容詞"):
            negated = True
        elif morpheme.pos[0] in _CONTENT_POS and morpheme.pos[1] != "非自立可能":
            words.add(case_word(morpheme.lemma))
    return frozenset(words), negated
