"""Other spellings of a message, for names residents say with words the catalog's lack."""

from __future__ import annotations

import re

from bot.catalog.words import matching_words, one_of
from bot.japanese import Morpheme

_WORDS = matching_words()

#: 「AとそのB」: A, and the B of A (「ペットボトルとそのキャップ」).
_THAT_ONE = re.compile(r"([ァ-ヴー一-龥A-Za-z]{2,})(と|や|、)その(?=[ァ-ヴー一-龥])")


def that_one_spelt_out(text: str) -> str:
    """「ペットボトルとそのキャップ」 → 「ペットボトルとペットボトルのキャップ」: it asks about a
    ペットボトル and its キャップ."""
    return _THAT_ONE.sub(r"\1\2\1の", text)


#: Words that stand inside a name without changing it: 「目薬のからの容器」, 「空ボトル」.
_FILLERS = re.compile(
    rf"の(?:{one_of(_WORDS.fillers['empty'])})(?:っぽ)?の|の空(?=[ァ-ヴ])"
    rf"|(?:{one_of(_WORDS.fillers['with'])})の"
)
#: 「の」 between two nouns, which residents add to names: 「麻雀のパイ」 for 「麻雀パイ」.
_LINKING_NO = re.compile(r"(?<=[ぁ-んァ-ンー一-龥A-Za-zＡ-Ｚａ-ｚ])の(?=[ァ-ヴー一-龥]|くず|かす)")
#: A container named straight after its contents: 「マーガリン容器」 for 「マーガリンの容器」.
_BARE_CONTAINER = re.compile(rf"(?<=[ァ-ヴー一-龥])(?=(?:{one_of(_WORDS.bare_containers)}))")


def rewrites(text: str, morphemes: list[Morpheme]) -> list[str]:
    """Other spellings of ``text`` to try besides the one typed: fillers and 「の」 between
    nouns dropped (「目薬のからの容器」 → 「目薬の容器」, 「浄水器のカートリッジ」 →
    「浄水器カートリッジ」), a 「の」 put between contents and container.

    A container is parted from its contents only where Sudachi parts them: 「ドラム缶」,
    one word it knows, is no can of drums."""
    without_fillers = _FILLERS.sub("の", text)
    boundaries = {m.start for m in morphemes}
    bare = (
        _BARE_CONTAINER.sub("の", without_fillers)
        if without_fillers == text
        and all(found.start() in boundaries for found in _BARE_CONTAINER.finditer(text))
        else text
    )
    candidates = [without_fillers, _LINKING_NO.sub("", without_fillers), bare]
    return [c for c in dict.fromkeys(candidates) if c != text]
