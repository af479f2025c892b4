"""Japanese text handling shared by the Rasa tokenizer and the catalog matcher.

Only the standard library and SudachiPy are imported here, because this package runs in
both the Rasa environment and the app environment.
"""

from bot.japanese.normalize import (
    fold_kana,
    match_key,
    normalize,
    prepare_for_tokenizer,
    sound_key,
)
from bot.japanese.sudachi import Morpheme, SudachiAnalyzer, get_analyzer, keyed_words

__all__ = [
    "Morpheme",
    "SudachiAnalyzer",
    "fold_kana",
    "get_analyzer",
    "keyed_words",
    "match_key",
    "normalize",
    "prepare_for_tokenizer",
    "sound_key",
]
