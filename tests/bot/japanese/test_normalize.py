"""Normalisation: the spellings residents use must meet the catalog's."""

import pytest

from bot.japanese import fold_kana, match_key, normalize, prepare_for_tokenizer


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ﾏｯﾄﾚｽ", "マットレス"),
        ("まっとれす", "マットレス"),
        ("ＬＡＮケーブル", "lanケーブル"),
        ("LANｹｰﾌﾞﾙ", "ＬＡＮケーブル"),
        ("プリンタ", "プリンター"),
        ("ホットプレ－ト", "ホットプレート"),
        ("ホットプレ-ト", "ほっとぷれーと"),
        ("スプレー缶？", "スプレー缶"),
        (" ガス　コンロ ", "ガスコンロ"),
        ("ヴァイオリン", "ゔぁいおりん"),
    ],
)
def test_spellings_meet(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("いす", "いか"), ("ガラス", "カラス"), ("本", "日本"), ("缶", "鑑")],
)
def test_different_words_stay_apart(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)


def test_fold_kana_leaves_other_scripts() -> None:
    assert fold_kana("アイロン台とPC") == "あいろん台とPC"


def test_normalize_keeps_long_vowel_and_folds_width() -> None:
    assert normalize("  ＡＢＣ　ｶﾞｽｰ ") == "abc ガスー"


def test_prepare_for_tokenizer_keeps_length() -> None:
    for text in ("ホットプレ－ト", "ｶﾞｽｺﾝﾛ-", "a-b", "😀ー"):
        assert len(prepare_for_tokenizer(text)) == len(text)
    assert prepare_for_tokenizer("ホットプレ－ト") == "ホットプレート"
    assert prepare_for_tokenizer("4-20-1") == "4-20-1"
