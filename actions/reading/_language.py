"""The language a message is read in, and answered in.

A message in another language is read through its Japanese rendering
(:mod:`bot.i18n.pivot`); kanji alone may be Japanese or Chinese, and the catalog's
names in each decide which.
"""

from __future__ import annotations

import re
from dataclasses import replace

from actions.memory import Context
from actions.reading._items import named_outright
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import MatchResult
from bot.i18n import CHINESE, JAPANESE
from bot.i18n.detect import language_of, to_simplified
from bot.i18n.pivot import Rendering
from bot.japanese import get_analyzer

_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")
_HAN = re.compile(r"[一-龥]")


def message_language(text: str, catalog: LiveCatalog, context: Context) -> str:
    """The language to read ``text`` in and answer it in: the language it is written in;
    the conversation's, when it is in none (a button's payload, 「PC」).

    Kanji alone is Japanese unless it is surely Chinese (:func:`language_of`); but in a
    conversation in another language it is in that language, and kanji the Chinese names
    of the catalog name more of than the Japanese ones (「微波炉」「洗衣机」) are Chinese.
    """
    language = language_of(text)
    if language is None:
        return context.language
    kanji_alone = language == JAPANESE and not _KANA.search(text) and _HAN.search(text)
    if kanji_alone and context.language != JAPANESE:
        # 「塑料的」 in a conversation in Chinese; 「野方3丁目」, a button's payload, in one
        # in English
        return context.language
    if kanji_alone and _named_more_in_chinese(text, catalog):
        return CHINESE
    return language


def _named_more_in_chinese(text: str, catalog: LiveCatalog) -> bool:
    """Whether kanji alone are better read as Chinese: the Chinese names of the catalog name
    more of ``text`` than the Japanese ones, and the Japanese ones name nothing or Sudachi
    reads what the Chinese names cover letter by letter, as no Japanese words. 「洗衣机」 is
    a washing machine in Chinese and only its last letter, 「机」, in Japanese; 「事務机」
    is a Japanese desk (「事務」 is a word) and 「電池」 is the same in both."""
    rendering = catalog.pivot(CHINESE).render(text)
    if not rendering.items:
        return False
    outright, _ = named_outright(catalog.index().find(text))
    in_japanese = sum(len(m.text) for m in outright.mentions)
    if sum(len(word) for word in rendering.said.values()) <= in_japanese:
        return False
    if not in_japanese:
        return True
    simplified = to_simplified(text)
    spans = [(simplified.find(word), len(word)) for word in rendering.said.values()]
    if any(start < 0 for start, _ in spans):
        return False
    morphemes = get_analyzer().analyze(text)
    return all(
        len(m.text) == 1 or m.oov
        for start, length in spans
        for m in morphemes
        if start <= m.start < start + length
    )


def without_names_inside_unknown_words(
    found: MatchResult, rendering: Rendering | None
) -> MatchResult:
    """``found`` without the items named only inside a word the rendering did not know: the
    「机」 of 「无人机」 (a drone) is no desk."""
    if rendering is None or not rendering.unknown:
        return found
    mentions = [
        m
        for m in found.mentions
        if not any(m.text in word and m.text != word for word in rendering.unknown)
    ]
    return replace(found, mentions=mentions)
