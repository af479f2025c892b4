"""Kana spellings: a word the entries write in kanji, typed in hiragana, is matched."""

from __future__ import annotations

import pytest

from bot.catalog.knowledge import kana_spellings, spelt_in_kanji

QUESTIONS = ["年末はいつまで出せる？", "祝日も収集ありますか", "年末年始の収集は？"]


@pytest.mark.parametrize(
    ("typed", "spelt"),
    [
        ("ねんまつって何日までゴミだせる？", "年末って何日までゴミだせる？"),
        ("しゅくじつも しゅうしゅう ある？", "祝日も 収集 ある？"),
        # two words written together, longest first (「年末年始」 is two in split mode A)
        ("ねんまつねんしは？", "年末年始は？"),
        # the shortest spellings only where they end a word: 「ちゅうい」 is no 「中い」
        ("ちゅうい", "ちゅうい"),
        # grammar is never a word
        ("出しておいてもいいでしょうか", "出しておいてもいいでしょうか"),
    ],
)
def test_hiragana_is_written_as_the_entries_write_it(typed: str, spelt: str) -> None:
    spellings = kana_spellings([*QUESTIONS, "連休中の収集"])
    assert spelt_in_kanji(typed, spellings) == spelt


def test_only_words_written_in_kanji_alone_are_spellings() -> None:
    """「何時ごろ」 has kana in it: Sudachi reads 「いつごろ」 itself, and it is no 「何時ごろ」."""
    spellings = kana_spellings(["何時ごろ来ますか", "ボットに質問"])
    assert "いつごろ" not in spellings
    assert "ぼっと" not in spellings
    assert spellings["しつもん"] == "質問"
