"""Candidate spans: the runs of morphemes that may name an item, and the key each meets.

Every substring of the message's joined keys is looked up (cost grows with the message,
not the catalog), kept only where a name can sit; then the ways of naming a thing
without one of its keys: a hiragana word Sudachi cut up, the head of an unknown compound,
a name said without what it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.catalog.matcher._keys import (
    KANA_ONLY,
    KANJI,
    CatalogKeys,
    ContentsKey,
    KeyTable,
    morpheme_reading,
)
from bot.catalog.words import matching_words, one_of
from bot.japanese import Morpheme, match_key

_WORDS = matching_words()


class SpanKind(Enum):
    """How a span was found."""

    #: A key in the text.
    NAME = "name"
    #: A key that sounds like the text's (see :mod:`bot.catalog.matcher._sound`).
    SOUND = "sound"
    #: A container and what it held (see :mod:`bot.catalog.matcher._containers`).
    CONTENTS = "contents"
    #: The last word of a compound the catalog does not know (see :func:`head_spans`).
    HEAD = "head"
    #: A name said without what it belongs to (see :func:`shortened_spans`).
    SHORTENED = "shortened"


@dataclass(frozen=True)
class Span:
    first: int  # first morpheme
    last: int  # last morpheme, inclusive
    key: str | ContentsKey
    by_reading: bool  # found in the readings rather than the surface
    kind: SpanKind = SpanKind.NAME
    #: How much of the message it stands for, when that is more than its key: a container
    #: with its contents stands for the words between them too.
    length: int = 0
    #: The items it names, when not those of its key (a shortened name, a sound-alike).
    ids: frozenset[int] | None = None

    @property
    def size(self) -> int:
        return max(self.length, len(self.key))


#: The longest key looked up.
_MAX_KEY_LENGTH = 40
#: Noun-like parts of speech: what an item's name in a question is made of.
NOUN_POS = {"名詞", "接頭辞", "接尾辞", "形状詞"}
#: What a short name must begin with: a noun or a prefix (「お盆」), not a counter (「4本」).
_SHORT_NAME_POS = {"名詞", "接頭辞"}
#: Hiragana nouns that carry grammar, not things: never an item however they sound.
FUNCTION_NOUNS = frozenset(_WORDS.function_nouns)
#: Words of the question itself, never part of an item's name.
QUESTION_WORDS = frozenset(_WORDS.question_words)


def key_spans(
    morphemes: list[Morpheme], table: KeyTable, key_of: Callable[[str], str]
) -> list[Span]:
    """The spans of ``table``'s keys in the morphemes' surfaces, then in their readings."""
    return [
        *_spans_in([key_of(m.text) for m in morphemes], morphemes, table, by_reading=False),
        *_spans_in(
            [key_of(morpheme_reading(m)) for m in morphemes], morphemes, table, by_reading=True
        ),
    ]


def _spans_in(
    keys: list[str], morphemes: list[Morpheme], table: KeyTable, *, by_reading: bool
) -> list[Span]:
    """Every catalog key in the joined ``keys`` that sits where a name can.

    Short keys must sit on nouns: up to two characters (「本」「傘」「いす」) they must start
    and end on morpheme boundaries, three characters must start on one and not end inside
    a noun; so 「日本」 is not a 「本」, 「すみません」 no 「炭」, 「買った」 no 「カッター」 and
    「ラップトップ」 no 「ラップ」.
    """
    joined = "".join(keys)
    chunk_starts, chunk_ends = _chunk_edges(morphemes)
    inside_kana_words = _inside_kana_words(morphemes, chunk_starts, chunk_ends)
    owner: list[int] = []  # morpheme index of each character of ``joined``
    starts, ends = set(), set()
    for index, key in enumerate(keys):
        starts.add(len(owner))
        owner += [index] * len(key)
        ends.add(len(owner))
    spans = []
    for begin in range(len(joined)):
        for end in range(begin + 1, min(len(joined), begin + _MAX_KEY_LENGTH) + 1):
            key = joined[begin:end]
            if key not in table.ids:
                continue
            first, last = owner[begin], owner[end - 1]
            whole_word = (
                first in chunk_starts and last in chunk_ends and begin in starts and end in ends
            )
            if first != last and begin not in starts and end not in ends:
                continue  # 「野球|スパイク」 (やきゅう|すぱいく) holds no 急須 (きゅうす)
            if len(key) <= 3 and _function_word(morphemes[first : last + 1]):
                continue  # 「…することに」 says nothing of a コート (こと without its ー)
            if _verb_of_the_word_before(morphemes, first, last):
                continue  # 「収集しない」 says nothing of a 竹刀 (しない)
            if len(key) <= 2 and _counter(morphemes, first):
                continue  # 「週1回」 says nothing of a 貝 (かい)
            if len(key) <= 3 and not whole_word:
                if begin not in starts or morphemes[first].pos[0] not in _SHORT_NAME_POS:
                    continue
                if first in inside_kana_words:
                    continue  # 「もくぎょ　すてかた」: a word typed apart is no 「くぎ」
                if end not in ends and (
                    len(key) <= 2 or morphemes[last].pos[0] in NOUN_POS
                ):  # 「ラップトップ」 is no 「ラップ」; 「体温計って」 (体温|計っ) is a 体温計
                    continue
                if len(key) <= 2 and any(
                    m.pos[0] not in NOUN_POS for m in morphemes[first : last + 1]
                ):
                    continue
            spans.append(Span(first, last, key, by_reading))
    return spans


def _counter(morphemes: list[Morpheme], first: int) -> bool:
    """Whether the morpheme at ``first`` is written on to a number: a counter (the 回 of
    「1回」), not the name of a thing counted apart (「3 ソファー」)."""
    before = morphemes[first - 1] if first > 0 else None
    return before is not None and before.pos[1] == "数詞" and before.end == morphemes[first].start


def _chunk_edges(morphemes: list[Morpheme]) -> tuple[set[int], set[int]]:
    """Morphemes that begin and end a space-separated word: 「しっぷ　すてる」 is typed as
    words, whatever Sudachi makes of the hiragana (しっ|ぷ)."""
    starts, ends = set(), set()
    for index, m in enumerate(morphemes):
        if index == 0 or morphemes[index - 1].end < m.start:
            starts.add(index)
        if index == len(morphemes) - 1 or morphemes[index + 1].start > m.end:
            ends.add(index)
    return starts, ends


def _inside_kana_words(morphemes: list[Morpheme], starts: set[int], ends: set[int]) -> set[int]:
    """Morphemes inside (not at the start of) a word in hiragana that the resident typed
    apart from others by spaces."""
    if len(starts) < 2:
        return set()
    inside: set[int] = set()
    word: list[int] = []
    for index in range(len(morphemes)):
        word = [index] if index in starts else [*word, index]
        if index in ends and all(KANA_ONLY.match(morphemes[i].text) for i in word):
            # A prefix does not make the rest of the word inside it: 「おはし」 is a 箸.
            after_prefix = next(
                (k for k, i in enumerate(word) if morphemes[i].pos[0] != "接頭辞"), len(word)
            )
            inside.update(word[after_prefix + 1 :])
    return inside


def _function_word(covered: list[Morpheme]) -> bool:
    text = "".join(m.text for m in covered)
    return text in FUNCTION_NOUNS


#: What may stand before a name: a particle, a mark, a space.
_BEFORE_A_NAME_POS = frozenset({"助詞", "補助記号", "空白", "記号"})


def _verb_of_the_word_before(morphemes: list[Morpheme], first: int, last: int) -> bool:
    """Whether ``first``…``last`` are a verb and its auxiliaries that go with the word
    before (「収集|し|ない」): grammar, however it sounds. After a particle or alone
    (「剣道のしない」「しないを捨てたい」) the same letters may be a name."""
    verb, *auxiliaries = morphemes[first : last + 1]
    return (
        bool(auxiliaries)
        and verb.pos[0] == "動詞"
        and all(m.pos[0] == "助動詞" for m in auxiliaries)
        and first > 0
        and morphemes[first - 1].pos[0] not in _BEFORE_A_NAME_POS
    )


_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]+")
#: What may follow a name typed in hiragana: 「いるいは」「まほうびんって」「たたみの捨て方」.
_PARTICLE = re.compile(one_of(_WORDS.after_kana_name))


def kana_word_spans(text: str, morphemes: list[Morpheme], table: KeyTable) -> list[Span]:
    """Names typed as a whole word in hiragana that Sudachi cut up: 「まほうびん何ごみ」
    (ま|ほうび|ん), 「いるいはどうやってすてますか」 (いる|い|は…).

    A key of three or more letters counts when it begins a run of hiragana and ends that
    run or a particle follows it; both ends must fall between morphemes.
    """
    starts = {m.start: index for index, m in enumerate(morphemes)}
    ends = {m.end: index for index, m in enumerate(morphemes)}
    spans = []
    for run in _HIRAGANA_RUN.finditer(text):
        if run.start() not in starts:
            continue
        word = run.group()
        for length in range(len(word), 2, -1):
            end = run.start() + length
            key = match_key(word[:length])
            if (
                end in ends
                and len(key) >= 3
                and key in table.ids
                and word[:length] not in FUNCTION_NOUNS
                and (length == len(word) or _PARTICLE.match(word, length))
                and not _verb_of_the_word_before(morphemes, starts[run.start()], ends[end])
            ):
                spans.append(Span(starts[run.start()], ends[end], key, False))
                break
    return spans


def unmatched_nouns(morphemes: list[Morpheme], spans: list[Span]) -> list[int]:
    """Nouns of the message no span covers (not question words, numbers or grammar)."""
    covered = {index for span in spans for index in range(span.first, span.last + 1)}
    return [
        index
        for index, m in enumerate(morphemes)
        if index not in covered
        and m.pos[0] == "名詞"
        and m.pos[1] != "数詞"
        and match_key(m.text) not in QUESTION_WORDS
        and m.text not in FUNCTION_NOUNS
    ]


def head_spans(keys: CatalogKeys, morphemes: list[Morpheme], unmatched: list[int]) -> list[Span]:
    """The head of a compound the catalog does not know: 「トートバッグ」 → バッグ,
    「エコバッグ」 → バッグ.

    Only heads that the catalog itself treats as a class of things, a base name with
    variants by material or kind (「バッグ（布製・革製）」, 「グラス（…）」), so that a
    「ミラーボール」 is not taken for the one toy 「ボール」. The head must also be a word
    of its own in Sudachi's finest split (mode A), so that 「サンドバッグ」, one word
    there, is not taken for a bag. The longest such head is used; only for a noun
    nothing else matched.
    """
    spans = []
    for index in unmatched:
        word = morphemes[index].text
        if len(word) < 3:
            continue
        for part in keys.finest.analyze(word)[1:]:
            key = match_key(word[part.start :])
            if key in keys.classes:
                spans.append(Span(index, index, key, False, SpanKind.HEAD))
                break
    return spans


def shortened_spans(
    keys: CatalogKeys, text: str, morphemes: list[Morpheme], unmatched: list[int]
) -> list[Span]:
    """A name said without what it belongs to, which the message says elsewhere:
    「車から外したシート」 is a 「自動車のシート」, 「車のボディカバー」 a
    「自動車のカバー」. Without such a word (「シートを捨てたい」) it is nothing."""
    said = match_key(text)
    spans = []
    for index in unmatched:
        key = match_key(morphemes[index].text)
        ids = frozenset(
            item_id
            for item_id, words in keys.shortened.get(key, ())
            if any(_says(said, word) for word in words)
        )
        if ids:
            spans.append(Span(index, index, key, False, SpanKind.SHORTENED, ids=ids))
    return spans


def _says(said: str, word: str) -> bool:
    """Whether the key ``said`` has the word ``word``; a one-letter word only on its own,
    not as the end of a longer one (the 車 of 「自転車」 is no car)."""
    if len(word) > 1:
        return word in said
    return any(
        i == 0 or not KANJI.match(said[i - 1]) for i, letter in enumerate(said) if letter == word
    )
