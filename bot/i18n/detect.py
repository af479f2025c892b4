"""Which language a resident's message is in: Japanese, English, Chinese (Simplified or
Traditional) or Korean.

Script rules decide nearly every message, because the scripts tell these languages apart
more surely than any statistical model can on a few words: Hangul is Korean, kana is
Japanese, Latin letters are English. The hard case is a message in kanji alone, which is
Japanese as often as Chinese (「電池」「粗大ごみ」 are Japanese; a detector trained on text,
py3langid or lingua alike, calls them Chinese). Such a message is Chinese only when it uses
a character Japanese does not write (outside Windows' Japanese character set, cp932: 么,
这, 丢) or a Chinese word (「怎么」「垃圾」, ``data/i18n/detect.yml``). The statistical
detector (py3langid: small, offline, its model inside the package) is asked only about
messages that mix kana with Chinese words.

Some messages are in no language: a tapped button's payload, a number, an acronym that is
also a Japanese item name (「PC」「CD」). :func:`language_of` returns ``None`` for them, and
the conversation keeps the language it had.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc
import py3langid
import yaml

from bot.i18n import CHINESE, DATA_DIR, ENGLISH, JAPANESE, KOREAN

#: Chinese written in Traditional characters: answered in Traditional characters.
TRADITIONAL_CHINESE = "zh-Hant"

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
#: Web and e-mail addresses, which are in no language.
_ADDRESSES = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|jp)\b\S*",
    re.ASCII,
)
#: An acronym that is also a Japanese item name: 「PC」「CD」「DVD」「USB」「LED」.
_ACRONYM = re.compile(r"^[A-Z0-9]{1,4}[?？!！.。]?$")


def language_of(text: str) -> str | None:
    """The language of ``text`` (a code of :data:`bot.i18n.LANGUAGES`, or
    :data:`TRADITIONAL_CHINESE`), or ``None`` when it is in none."""
    text = _ADDRESSES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    if not text or text.startswith("/"):
        return None
    hangul, kana = len(_HANGUL.findall(text)), len(_KANA.findall(text))
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    if hangul and hangul >= kana:
        return KOREAN
    if kana and _mostly_english(text, latin, kana + han):
        return ENGLISH
    if kana:
        if han > kana and _says_chinese(text) and _statistically(text) == CHINESE:
            return _chinese_script(text)
        return JAPANESE
    if han:
        return _chinese_script(text) if _says_chinese(text) else JAPANESE
    if latin and not _ACRONYM.match(text):
        return ENGLISH
    return None


def _mostly_english(text: str, latin: int, japanese: int) -> bool:
    """English with a Japanese name in it, copied from a sticker or the ward's calendar
    ("when is 陶器・ガラス・金属ごみ collected?"): three English words or more, and twice as
    many Latin letters as Japanese ones. 「iPhoneの充電器」 stays Japanese."""
    words = _ENGLISH_WORD.findall(text)
    return len(words) >= 3 and latin >= 2 * japanese


def base_language(code: str | None) -> str:
    """The language whose data answers ``code``: Traditional Chinese is Chinese."""
    if code == TRADITIONAL_CHINESE:
        return CHINESE
    return code or JAPANESE


def _says_chinese(text: str) -> bool:
    """A character Japanese does not write, or a word only Chinese uses."""
    if any(not _in_japanese_set(char) for char in _HAN.findall(text)):
        return True
    simplified = to_simplified(text)
    return any(word in simplified for word in _chinese_words())


def _chinese_script(text: str) -> str:
    """Traditional when the text has characters Simplified writes otherwise, and none
    that only Simplified has."""
    simplified, traditional = to_simplified(text), _converter("s2t").convert(text)
    if simplified != text and traditional == text:
        return TRADITIONAL_CHINESE
    return CHINESE


def to_simplified(text: str) -> str:
    """Traditional characters as Simplified ones (Japanese kana untouched)."""
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified Chinese as Traditional characters (Taiwan's standard forms; words kept)."""
    return _converter("s2tw").convert(text)


def _in_japanese_set(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _statistically(text: str) -> str:
    return _identifier().classify(text)[0]


@cache
def _identifier() -> py3langid.langid.LanguageIdentifier:
    langid = py3langid.langid
    identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    identifier.set_languages([JAPANESE, CHINESE])
    return identifier


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _chinese_words() -> tuple[str, ...]:
    data = yaml.safe_load((DATA_DIR / "detect.yml").read_text(encoding="utf-8"))
    return tuple(data["chinese_words"])
