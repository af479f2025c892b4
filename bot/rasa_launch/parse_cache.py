"""The NLU's answer for a text it has already read, from memory.

Residents ask the same things in the same words many times a day (「粗大ごみ」, 「燃えるごみの
日」, a greeting), and Rasa's NLU is a pure function of the model and the text: the Sudachi
tokens, the featurizers and DIET give the same intent and entities for the same text every
time. The NLU is the largest part of Rasa's CPU per message (docs/BENCHMARKS.md); a text
read before costs a dictionary look-up and a copy.

Only plain texts are kept: a ``/intent{...}`` payload (a button) is read by Rasa's regex
handler, cheaply, and its entities come from the payload. The key holds the model's id, so a
new model never answers with an old model's reading. How many texts are kept is the app's
setting ``NAKANO_BOT_RASA_PARSE_CACHE``, read here under the same name (0 turns the cache off,
as ``scripts/measure/benchmark.py --cold-nlu`` does to show the uncached cost).

Why a patch: Rasa 3.6 has no hook around the NLU. ``MessageProcessor`` runs the model's
whole graph for every text (``_parse_message_with_graph``); a component of the pipeline
cannot skip the components after it, and the only other NLU of the endpoints file
(``nlu:``, a remote NLU server) would add an HTTP call to every message.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from bot.rasa_launch.lru import LRU
from bot.rasa_launch.patching import expect

#: Texts kept when the environment does not say (the memory they take: docs/BENCHMARKS.md).
DEFAULT_SIZE = 4096
SIZE_VARIABLE = "NAKANO_BOT_RASA_PARSE_CACHE"


def apply() -> None:
    from rasa.core.processor import MessageProcessor

    size = int(os.environ.get(SIZE_VARIABLE, DEFAULT_SIZE))
    if size <= 0:
        return
    parses: LRU[tuple[str, str, bool], dict[str, Any]] = LRU(size)
    original = expect(
        __name__,
        MessageProcessor,
        "_parse_message_with_graph",
        "(self, message, tracker, only_output_properties)",
    )

    def parse(
        self: Any, message: Any, tracker: Any, only_output_properties: bool = True
    ) -> dict[str, Any]:
        text = message.text
        if not isinstance(text, str) or not text or text.startswith("/"):
            return original(self, message, tracker, only_output_properties)
        key = (self.model_metadata.model_id, text, only_output_properties)
        parse_data = parses.get(key)
        if parse_data is None:
            parse_data = original(self, message, tracker, only_output_properties)
            parses.put(key, copy.deepcopy(parse_data))
            return parse_data
        return copy.deepcopy(parse_data)  # Rasa adds to it and keeps it on the tracker

    MessageProcessor._parse_message_with_graph = parse  # type: ignore[method-assign]
