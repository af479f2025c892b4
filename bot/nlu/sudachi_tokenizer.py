"""A Rasa 3.6 tokenizer for Japanese on SudachiPy.

Rasa's WhitespaceTokenizer refuses ``language: ja`` (Japanese has no spaces between
words), and Rasa ships no Japanese tokenizer. This one gives every token exact offsets into
the message text, so entity spans stay aligned, and uses Sudachi's normalized form as the
lemma so that 「ﾏｯﾄﾚｽ」, 「捨てたい」 and 「捨てる」 share features.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.japanese import get_analyzer

POS_KEY = "pos"
READING_KEY = "reading"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SudachiTokenizer(Tokenizer):
    """Tokenizes Japanese text with Sudachi; see the module docstring for why."""

    @staticmethod
    def supported_languages() -> List[str] | None:
        return ["ja"]

    @staticmethod
    def required_packages() -> List[str]:
        return ["sudachipy"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Sudachi split mode: "A" (short units), "B" (middle) or "C" (named entities,
            # compounds kept whole; best for item names such as 「スプレー缶」).
            "split_mode": "C",
            # Sudachi dictionary: "small", "core" or "full" (the package must be installed).
            "dictionary": "core",
            # The conventions of Rasa's own tokenizers.
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        super().__init__(config)
        self._analyzer = get_analyzer(config["split_mode"], config["dictionary"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SudachiTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute)
        tokens = [
            Token(
                text=m.text,
                start=m.start,
                end=m.end,
                lemma=_lemma(m.text, m.lemma),
                data={POS_KEY: m.pos[0], READING_KEY: m.reading},
            )
            for m in self._analyzer.analyze(text)
        ]
        return self._apply_token_pattern(tokens)


def _lemma(text: str, lemma: str) -> str:
    """A word in Latin letters stands as itself, lower-cased: Sudachi gives English words a
    katakana reading as their normalised form (「throw」 → 「スロー」), which would make
    「throw」 and 「slow」 one feature. Hangul and Chinese words have no other form."""
    return text.lower() if text.isascii() and text.isalpha() else lemma
