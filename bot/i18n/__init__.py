"""Foreign residents: which language a message is in, how it is understood, and how the
answer is said in it.

The bot understands Japanese. A message in another language is detected
(:mod:`bot.i18n.detect`), rendered into the terse Japanese the reading understands
(:mod:`bot.i18n.pivot`), answered by the same router, and the answer is said in the
resident's language (:mod:`bot.i18n.voice`) from translations staff can correct.
"""

from __future__ import annotations

from pathlib import Path

JAPANESE = "ja"
ENGLISH = "en"
CHINESE = "zh"
KOREAN = "ko"
#: Every language the bot answers in, Japanese first.
LANGUAGES = (JAPANESE, ENGLISH, CHINESE, KOREAN)
#: The languages answered from translations.
FOREIGN = LANGUAGES[1:]
#: The names staff read in the admin.
LANGUAGE_NAMES = {JAPANESE: "日本語", ENGLISH: "英語", CHINESE: "中国語", KOREAN: "韓国語"}

#: Where the language data lives: phrases, reply templates, translations to seed.
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "i18n"
