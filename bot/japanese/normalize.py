"""Normalisation of Japanese text so that residents' spellings meet the catalog's.

Residents type the same word in many ways: 「ﾏｯﾄﾚｽ」「まっとれす」「マットレス」,
「ＬＡＮ」「lan」, 「プリンタ」「プリンター」「プリンタ－」. Every comparison between user
input and catalog text goes through :func:`match_key`, never through the raw strings.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters people type where they mean the long-vowel mark 「ー」.
_LONG_VOWEL_LOOKALIKES = "-－ｰ―‐‑‒–—−~〜～"
_KANA = "ぁ-ゖァ-ヺー"
_LOOKALIKE_AFTER_KANA = re.compile(f"(?<=[{_KANA}])[{re.escape(_LONG_VOWEL_LOOKALIKES)}]")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_WHITESPACE = re.compile(r"\s+")


def prepare_for_tokenizer(text: str) -> str:
    """Replace long-vowel look-alikes after kana with 「ー」, one character for one.

    The result has the same length as ``text``, so token offsets computed on it are offsets
    into the original text. 「ホットプレ－ト」 otherwise splits into ホットプレ / － / ト.
    """
    return _LOOKALIKE_AFTER_KANA.sub("ー", text)


def normalize(text: str) -> str:
    """NFKC, long-vowel look-alikes fixed, lower case, runs of white space folded to one."""
    text = unicodedata.normalize("NFKC", text)
    text = prepare_for_tokenizer(text)
    return _WHITESPACE.sub(" ", text.lower()).strip()


def fold_kana(text: str) -> str:
    """Katakana to hiragana (「マットレス」 → 「まっとれす」); other characters unchanged."""
    return text.translate(_KATAKANA_TO_HIRAGANA)


def match_key(text: str) -> str:
    """The form in which user text and catalog text are compared.

    Normalised, kana folded to hiragana, and without the long-vowel mark, spaces and
    punctuation, because residents drop or add those freely (「プリンタ」 = 「プリンター」).
    """
    folded = fold_kana(normalize(text))
    return "".join(ch for ch in folded if ch != "ー" and unicodedata.category(ch)[0] in "LN")


_SMALL_TO_LARGE = str.maketrans("ぁぃぅぇぉゃゅょゎゕゖ", "あいうえおやゆよわかけ")
_FOREIGN_SOUNDS = (
    ("ふぁ", "は"), ("ふぃ", "ひ"), ("ふぇ", "へ"), ("ふぉ", "ほ"), ("ゔ", "ぶ"),
    ("てぃ", "て"), ("でぃ", "で"),
)  # fmt: skip
#: A vowel 「う」 that only lengthens the one before it (ろうそく = ろーそく).
_LENGTHENING_U = re.compile(
    r"(?<=[うくすつぬふむゆるぐずづぶぷおこそとのほもよろごぞどぼぽょゅ])う"
)


def sound_key(text: str) -> str:
    """A looser :func:`match_key` under which spellings that sound alike meet.

    Voicing marks, small kana, 「っ」 and lengthening 「う」 are dropped and ファ-row sounds
    folded, so 「ベット」 = 「ベッド」, 「ハンドバック」 = 「ハンドバッグ」, 「スマートホン」 =
    「スマートフォン」, 「ろうそく」 = 「ローソク」, 「ホチキス」 = 「ホッチキス」, 「テッシュ」 =
    「ティッシュ」. Too loose to
    trust for short words; the matcher uses it only for long keys and only when the exact
    keys found nothing.
    """
    key = match_key(text)
    for foreign, native in _FOREIGN_SOUNDS:
        key = key.replace(foreign, native)
    key = _LENGTHENING_U.sub("", key)
    key = unicodedata.normalize("NFD", key)
    key = "".join(ch for ch in key if ch not in "\u3099\u309a")
    key = unicodedata.normalize("NFC", key).replace("っ", "")
    return key.translate(_SMALL_TO_LARGE)
