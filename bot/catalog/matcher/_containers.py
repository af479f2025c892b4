"""Container spans: a container and what it held, apart in the sentence, meet the catalog's
「<contents>の<container>」 (「灯油を入れてた容器」 → 灯油の容器)."""

from __future__ import annotations

import re

from bot.catalog.item_names import MATERIAL_KEYS, container_kind
from bot.catalog.matcher._keys import CatalogKeys, ContentsKey, morpheme_reading
from bot.catalog.matcher._spans import Span, SpanKind
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, match_key

_WORDS = matching_words()

#: What may stand before a container word inside one morpheme: a material (「紙箱」).
_CONTAINER_PREFIXES = MATERIAL_KEYS | frozenset(_WORDS.empty_words)
#: How far before a container word (in morphemes) what it held is looked for.
_CONTENTS_WINDOW = 10
#: A sentence end or a comma: contents and container are not looked for across them.
_SENTENCE_BREAK = re.compile(r"[。．！？!?\n、，,]")
#: What joins two things named side by side (a morpheme's text).
AND_WORDS = frozenset({*_WORDS.and_words, "、", ",", "，", "・"})


def container_spans(keys: CatalogKeys, morphemes: list[Morpheme]) -> list[Span]:
    """A container and what it held, apart in the sentence: 「灯油を入れてた容器」 and
    「バターが入っていたプラスチックの容器」 meet 「灯油の容器」 and 「バターの容器」.

    For each container word, the nouns before it in the same sentence are tried
    nearest first, each with the nouns just before it (「粉洗剤の紙箱」 → 洗剤, 箱).
    """
    if not keys.contents:
        return []
    spans = []
    for last, container in enumerate(morphemes):
        split = container_kind(container.text)
        if split is None:
            continue
        before, kind = split
        if before and ContentsKey(before, kind) in keys.contents:  # 「ミルク缶」 in one word
            key = ContentsKey(before, kind)
            spans.append(Span(last, last, key, False, SpanKind.CONTENTS, len(before) + len(kind)))
            continue
        if before and before not in _CONTAINER_PREFIXES:
            continue  # 「ペットボトル」 is no bottle for pets
        for nearest in range(last - 1, max(-1, last - _CONTENTS_WINDOW), -1):
            if _SENTENCE_BREAK.search(morphemes[nearest].text):
                break
            found = _contents_before(keys, morphemes, nearest, kind)
            if found is not None and morphemes[nearest + 1].text in AND_WORDS:
                # 「ペットボトルとキャップ」: the bottle, and the bottle's cap. The span is
                # the container's alone, so that the contents are answered too.
                key = ContentsKey(found[1], kind)
                length = len(match_key(container.text)) + 1
                spans.append(Span(last, last, key, False, SpanKind.CONTENTS, length))
                break
            if found is not None:
                first, contents = found
                # Longer than any key inside: it outranks 「線香」 and 「空き箱」 alone.
                length = 1 + sum(
                    max(len(match_key(m.text)), len(match_key(morpheme_reading(m))))
                    for m in morphemes[first : last + 1]
                )
                key = ContentsKey(contents, kind)
                spans.append(Span(first, last, key, False, SpanKind.CONTENTS, length))
                break
    return spans


#: A word all in kanji, whose end may be a kind of what a container held (日本|酒).
_KANJI_WORD = re.compile(r"[一-龥々]{2,}")


def _contents_before(
    keys: CatalogKeys, morphemes: list[Morpheme], last: int, kind: str
) -> tuple[int, str] | None:
    """The first morpheme and key of contents of ``kind`` ending at ``last``: the noun
    there, or with the nouns just before it (「ティッシュ|ペーパー」), longest first."""
    if morphemes[last].pos[0] != "名詞":
        return None
    first = last
    while first > 0 and morphemes[first - 1].pos[0] == "名詞":
        first -= 1
    for start in range(first, last + 1):
        run = morphemes[start : last + 1]
        for key in (
            match_key("".join(m.text for m in run)),
            match_key("".join(morpheme_reading(m) for m in run)),
        ):
            if ContentsKey(key, kind) in keys.contents:
                return start, key
    # A kind of the contents in one kanji word: 「日本酒の紙パック」 held 酒.
    word = morphemes[last].text
    if _KANJI_WORD.fullmatch(word):
        for begin in range(1, len(word)):
            key = match_key(word[begin:])
            if ContentsKey(key, kind) in keys.contents:
                return last, key
    return None
