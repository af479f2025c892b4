"""A thin, cached wrapper around SudachiPy that keeps offsets into the caller's text."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from sudachipy import Dictionary, SplitMode

from bot.japanese.normalize import match_key, prepare_for_tokenizer

_SPLIT_MODES = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}


@dataclass(frozen=True)
class Morpheme:
    """One Sudachi morpheme; ``start``/``end`` index the text given to :meth:`analyze`."""

    text: str
    start: int
    end: int
    lemma: str
    reading: str
    pos: tuple[str, ...]
    #: Not in Sudachi's dictionary (a made-up or misspelt word).
    oov: bool = False

    @property
    def is_space(self) -> bool:
        return self.pos[0] == "空白" or not self.text.strip()

    @property
    def is_grammar(self) -> bool:
        """Punctuation, a space, a particle or an auxiliary: what holds a sentence
        together, meaning nothing of its own (「は」「の」「です」)."""
        return self.pos[0] in _GRAMMAR_POS

    @property
    def is_helper_verb(self) -> bool:
        """A verb or adjective that may lean on another word (the ください of 「教えて
        ください」, the いい of 「出していい」): it says how something is asked, not what."""
        return self.pos[0] in ("動詞", "形容詞") and self.pos[1] == "非自立可能"


#: Sudachi's first part of speech of :attr:`Morpheme.is_grammar`.
_GRAMMAR_POS = frozenset({"補助記号", "空白", "助詞", "助動詞"})


class SudachiAnalyzer:
    """Sudachi tokenization with exact character offsets into the original text.

    Sudachi's own input normalisation (width, case) leaves the offsets on the original
    string; the only thing added here is the long-vowel fix, which is one character for
    one and so keeps them too.
    """

    def __init__(self, split_mode: str = "C", dictionary: str = "core") -> None:
        if split_mode not in _SPLIT_MODES:
            raise ValueError(f"split_mode must be one of A, B, C, not {split_mode!r}")
        self.split_mode = split_mode
        self.dictionary = dictionary
        self._tokenizer = Dictionary(dict=dictionary_file(dictionary)).tokenizer(
            mode=_SPLIT_MODES[split_mode]
        )

    def analyze(self, text: str, *, keep_spaces: bool = False) -> list[Morpheme]:
        prepared = prepare_for_tokenizer(text)
        morphemes = []
        for m in self._tokenizer.tokenize(prepared):
            start, end = m.begin(), m.end()
            morpheme = Morpheme(
                text=text[start:end],
                start=start,
                end=end,
                lemma=m.normalized_form(),
                reading=m.reading_form(),
                pos=tuple(m.part_of_speech()),
                oov=m.is_oov(),
            )
            if keep_spaces or not morpheme.is_space:
                morphemes.append(morpheme)
        return morphemes


#: The environment variable naming the ``site-packages`` whose ``sudachidict_<name>``
#: packages every process should load. The Rasa server runs in a virtual environment of its
#: own with its own copy of the dictionary (200 MB); pointed at the app's copy, it maps the
#: same file as the action server, and the operating system keeps that file in memory once.
SHARED_DICTIONARIES = "NAKANO_BOT_SUDACHI_PACKAGES"


def dictionary_file(dictionary: str) -> str:
    """The dictionary to open: the shared copy of ``sudachidict_<dictionary>`` when
    :data:`SHARED_DICTIONARIES` names one, otherwise the name (Sudachi finds the package)."""
    packages = os.environ.get(SHARED_DICTIONARIES)
    if packages:
        shared = Path(packages) / f"sudachidict_{dictionary}" / "resources" / "system.dic"
        if shared.is_file():
            return str(shared)
    return dictionary


@lru_cache(maxsize=8)
def get_analyzer(split_mode: str = "C", dictionary: str = "core") -> SudachiAnalyzer:
    """One analyzer per configuration and process: loading a dictionary takes ~100 ms."""
    return SudachiAnalyzer(split_mode=split_mode, dictionary=dictionary)


def keyed_words(morphemes: Sequence[Morpheme]) -> tuple[str, frozenset[int]]:
    """The match key of the analysed text and the offsets in it at which its words begin,
    so that a word is looked for from a word's start only: the 「かん」 of 「じかん」 is
    no 缶, the 「とは」 of 「あとは」 no とは."""
    keys = [match_key(m.text) for m in morphemes]
    return "".join(keys), frozenset(accumulate(map(len, keys), initial=0))
