"""Item matching against the real catalog with real Sudachi, and on any text (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog.matcher import CatalogIndex, CatalogItem, only_names_things, spelling_variant
from bot.japanese import sound_key


def answer(index: CatalogIndex, text: str) -> list[tuple[str, ...]]:
    """Per mention, the names of the candidate items."""
    return [tuple(c.name for c in m.candidates) for m in index.find(text).mentions]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("スプレー缶は何ごみ？", "スプレー缶"),
        ("ぺっとぼとるってどうやって捨てるの？", "ペットボトル"),
        ("あいろんだい", "アイロン台"),
        ("薬缶を捨てたい", "やかん"),
        ("ﾏｯﾄﾚｽ", "マットレス"),
        ("ＬＡＮケーブル", "LANケーブル"),
        ("lanケーブルの捨て方", "LANケーブル"),
        ("プリンタ", "プリンター"),
        ("ホットプレ－トは？", "ホットプレート"),
        ("大掃除で出てきた古いアイロン台を捨てたいのですが", "アイロン台"),
        ("使わなくなったゴルフクラブってどうやって処分するの", "ゴルフクラブ"),
        ("子どもの三輪車、もう要らないんだけど", "三輪車／※子供用遊具"),
        ("ギター", "ギター／※楽器"),
        ("金属のおたま", "おたま（金属・陶器製）"),
        ("プラスチックのざる", "ざる（プラスチック製）"),
        ("陶器の植木鉢", "植木鉢（素焼き、陶器製・金属製）"),
        ("ガラスの花びん", "花びん（陶器製・ガラス製）"),
    ],
)
def test_finds_the_item(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


def test_ambiguous_variants_are_all_candidates(index: CatalogIndex) -> None:
    [mention] = index.find("ざるは何ごみ").mentions
    assert {c.name for c in mention.candidates} == {
        "ざる（金属製）",
        "ざる（プラスチック製）",
        "ざる（木製）",
    }
    assert mention.is_ambiguous


def test_variants_of_one_category_are_not_ambiguous(index: CatalogIndex) -> None:
    [mention] = index.find("いす").mentions
    assert len(mention.candidates) == 3
    assert not mention.is_ambiguous
    assert mention.categories == ["粗大ごみ"]


def test_several_items_in_one_message(index: CatalogIndex) -> None:
    assert answer(index, "アルミホイルとラップ") == [("アルミホイル",), ("ラップ",)]


def test_short_names_need_word_boundaries(index: CatalogIndex) -> None:
    # 「本」 is an item, 「日本」 is not a 「本」.
    assert answer(index, "日本の天気") == []
    assert answer(index, "本を捨てたい") == [("本",)]


def test_a_verb_after_a_word_is_no_name_however_it_sounds(index: CatalogIndex) -> None:
    # 竹刀 reads しない: 「収集しない」 is a verb, 「しないを」 a name
    assert answer(index, "区で収集しないものは？") == []
    assert answer(index, "これは回収しない？") == []
    assert answer(index, "しないを捨てたい") == [("竹刀",)]


def test_unknown_item_gives_suggestions_not_an_answer(index: CatalogIndex) -> None:
    result = index.find("ヨガマットはどうする？")
    assert result.mentions == []
    assert result.query == "ヨガマット"
    assert "玄関マット" in [s.name for s in result.suggestions]
    assert len(result.suggestions) <= 3


def test_nothing_for_unrelated_text(index: CatalogIndex) -> None:
    result = index.find("今日の天気は？")
    assert result.mentions == []


def test_new_items_and_aliases_are_found_without_retraining() -> None:
    items = [
        CatalogItem(1, "ふしぎな箱", "ふしぎなはこ", "燃やすごみ"),
        CatalogItem(2, "パソコン", "ぱそこん", "パソコン"),
    ]
    index = CatalogIndex(items, aliases=[("ノートPC", 2)])
    assert answer(index, "フシギナハコを捨てたい") == [("ふしぎな箱",)]
    assert answer(index, "ノートＰＣ") == [("パソコン",)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ベット捨てたい", "ベッド"),  # sound keys: voicing
        ("スマートホンの処分", "スマートフォン"),  # ホ for フォ
        ("画鋲はどう捨てればいいですか", "画びょう"),  # kanji read by Sudachi
        ("目薬のからの容器", "目薬の容器"),  # filler inside the name
        ("麻雀のパイ", "麻雀パイ"),  # 「の」 added inside the name
        ("空になった灯油のポリタンク", "ポリタンク"),  # 「AのB」 asks about B
        ("お菓子の袋に入ってる乾燥剤は何ごみ？", "乾燥剤"),
        ("車のタイヤを4本捨てたい", "タイヤ"),  # 「4本」 is a count, not a book
        ("しっぷ　すてる", "湿布薬"),  # the alias 湿布, read in hiragana
        ("天ぷらに使った油", "油（食用の植物油）"),  # a use chooses the variant
        ("ビールの空き缶", "ビールの缶"),
        ("ジュースのびん", "びん（飲食用）"),
        ("化粧水のびん", "びん（医薬品・化粧品等、飲食用以外のもの"),
        ("割れた蛍光灯", "蛍光管（割れているもの）"),
        ("すみません、使い終わったスプレー缶は？", "スプレー缶"),  # no 炭 in すみません
        ("割れていない蛍光灯", "蛍光管"),  # a denied word chooses nothing
        ("食べ物の缶じゃない空き缶", "空き缶（飲食用以外のもの）"),  # …or the 以外 variant
        ("着なくなったコート", "コート"),  # a name beats a reading (琴 is also こと)
        ("浄水器のカートリッジ", "浄水器カートリッジ"),  # the reading that names most wins
        ("ファックス付きの電話機", "ファックス電話機"),
        ("実家の仏壇を処分することになりました", "仏壇"),  # こと is grammar, not a コート
        ("木のハンガーってなにごみ", "ハンガー（木製）"),  # 「ってなに」 denies nothing
        ("車のルーフボックス", "自動車用ルーフボックス／※車両装備品"),  # prefix dropped
        ("車のマフラーを交換した", "マフラー（自動車用）／※自動車部品"),  # 車 chooses
        ("ＤＶＤのケース", "ＤＶＤケース"),
    ],
)
def test_how_residents_write(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


def test_items_named_together_are_all_answered(index: CatalogIndex) -> None:
    assert answer(index, "余ったペンキと古い消火器") == [("ペンキ",), ("消火器",)]
    assert answer(index, "電子レンジ、それからトースター") == [
        ("電子レンジ",),
        ("トースター／※オーブントースター",),
    ]


def test_a_misspelt_name_is_likely_that_item(index: CatalogIndex) -> None:
    result = index.find("フライパソ")
    assert result.mentions == []
    assert result.likely is not None
    assert result.likely.name == "フライパン"


@pytest.mark.parametrize(
    ("text", "name"),
    [("そうじっき捨てたい", "掃除機"), ("ふらいぱそを処分したいです", "フライパン")],
)
def test_a_misspelt_hiragana_word_leading_a_question(
    index: CatalogIndex, text: str, name: str
) -> None:
    # Sudachi cuts the misspelt word up (そう|じっ|き); the whole run is the typo.
    result = index.find(text)
    assert result.mentions == []
    assert result.likely is not None
    assert result.likely.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("象牙の判子", "印鑑（角・牙・木製）"),
        ("毛糸で編んだマフラー", "マフラー（衣類）"),
        ("首に巻いてたマフラー", "マフラー（衣類）"),
        ("車のマフラー", "マフラー（自動車用）／※自動車部品"),
    ],
)
def test_a_material_or_use_chooses_the_variant(index: CatalogIndex, text: str, name: str) -> None:
    [mention] = index.find(text).mentions
    assert [item.name for item in mention.candidates] == [name]


def test_a_thing_and_its_part_named_side_by_side_are_both_answered(
    index: CatalogIndex,
) -> None:
    mentions = index.find("ペットボトルとキャップは別々に出すの？").mentions
    assert [[item.name for item in m.candidates] for m in mentions] == [
        ["ペットボトル"],
        ["ペットボトルのキャップ"],
    ]


def test_a_real_word_is_not_taken_for_a_typo(index: CatalogIndex) -> None:
    result = index.find("サンドバッグ")
    assert result.mentions == []
    assert result.likely is None
    assert "ハンドバッグ" in [s.name for s in result.suggestions]


def test_a_short_native_word_does_not_match_by_sound(index: CatalogIndex) -> None:
    # 「からっぽ」 sounds like the alias 「ガラホ」 (a phone) once voicing is dropped.
    assert answer(index, "からっぽ") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # The head of a compound the catalog does not know, when the catalog treats the
        # head as a class with variants; the material still chooses among them.
        ("布のトートバッグ", "バッグ（布製・革製）"),
        ("エコバッグは何ごみ", "バッグ（布製・革製）"),
        # Hiragana that Sudachi cuts up (ま|ほうび|ん, いる|い|は), typed as a whole word.
        ("まほうびん何ごみ？", "ポット（電気ポット・魔法瓶）"),
        ("いるいはどうやってすてますか", "衣類"),
        ("ぷらすちっくの おはし は なにごみ ですか", "箸（プラスチック製）"),  # お is a prefix
        # A container and what it held, apart in the sentence or under another word.
        ("灯油を入れてた容器、空っぽです", "灯油の容器"),
        ("お線香の空き箱は何ごみですか", "線香の箱"),
        ("粉洗剤の紙箱って古紙に出せる？", "洗剤の箱"),
        ("バターが入っていたプラスチックの容器", "バターの容器（プラスチック製）"),
        ("ハイター（漂白剤）のプラスチックボトル", "漂白剤の容器（プラスチック製）"),
        # Details told after the item, in another sentence or in brackets.
        ("石油ストーブはどうやって捨てますか？灯油は抜きました", "石油ストーブ／※暖房器具"),
        (
            "子どものプラスチックのおもちゃ（電池は使わないやつ）は何ごみ",
            "おもちゃ（プラスチック製）",
        ),
        # A state said anywhere chooses the item named by that state.
        ("ジャムのビン、洗っても汚れが落ちないんだけど", "汚れたビン"),
        ("汚れが取れない缶", "汚れた缶"),
        ("油で汚れた紙は古紙に出せる？", "汚れた紙類"),  # 「…類」 asked without 類
        # Words inside the mention that its key does not cover choose, too.
        ("革の手袋、片方なくしたから捨てたい", "手袋（革製・ゴム製）"),
        # A name shortened to the thing, the rest said elsewhere in the question.
        ("車から外したシート（座席）を処分したい", "自動車のシート／※自動車部品"),
        ("車のボディカバーって何ごみ？", "自動車のカバー"),
    ],
)
def test_generalises_beyond_the_names(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


@pytest.mark.parametrize(
    "text",
    [
        "ミラーボール",  # ボール is one toy, not a class: no head fallback
        "サンドバッグ",  # one word even in Sudachi's finest split
        "シートを捨てたい",  # a shortened name needs what it belongs to
        "もくぎょ　すてかた",  # a word typed apart is no くぎ
    ],
)
def test_generalisations_stay_safe(index: CatalogIndex, text: str) -> None:
    assert answer(index, text) == []


def test_a_bicycle_is_not_a_car(index: CatalogIndex) -> None:
    # The 車 of 自転車 does not restore 「自動車の」 before シート.
    assert ("自動車のシート／※自動車部品",) not in answer(index, "自転車のシートが破れた")


def test_items_asked_in_two_sentences_are_both_answered(index: CatalogIndex) -> None:
    assert answer(index, "アルミホイルは？ラップは？") == [("アルミホイル",), ("ラップ",)]


def test_a_plain_word_does_not_bring_its_soiled_variant(index: CatalogIndex) -> None:
    [mention] = index.find("ジャムのビン").mentions
    assert "汚れたビン" not in [c.name for c in mention.candidates]


def test_a_shorter_word_later_refers_back(index: CatalogIndex) -> None:
    text = "自転車のタイヤがパンクして交換した、古いタイヤは？"
    assert answer(index, text) == [("自転車のタイヤ・チューブ",)]


@pytest.mark.parametrize(
    ("said", "known"),
    [
        ("べっと", "べっど"),  # voicing inside the word
        ("はんどばっく", "はんどばっぐ"),
        ("すまとほん", "すまとふぉん"),  # ホ for フォ (long vowels are already dropped)
        ("ほちきす", "ほっちきす"),  # っ
        ("てっしゅ", "てぃっしゅ"),  # small kana
        ("ろうそく", "ろそく"),  # a lengthening う
    ],
)
def test_spelling_variants_of_the_same_word(said: str, known: str) -> None:
    assert sound_key(said) == sound_key(known)
    assert spelling_variant(said, known)


@pytest.mark.parametrize(
    ("said", "known"),
    [
        ("ぼと", "ぽっと"),  # ボート is no ポット: voicing at the start, and too short
        ("ぼとる", "ぽっとる"),  # a change of the first consonant makes another word
        ("じょせつ", "しょうせつ"),  # 除雪 is no 小説
        ("からす", "がらす"),  # カラス is no ガラス
        ("くらす", "ぐらす"),  # クラス is no グラス
        ("へと", "べっど"),  # two letters are too few to be sure
        ("しゃかしてん", "ひゃっかじてん"),  # another first letter
        ("ぽっとれす", "ぼっと"),  # not the same length
    ],
)
def test_sound_alikes_that_are_other_words(said: str, known: str) -> None:
    assert not spelling_variant(said, known)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ベット捨てたい", "ベッド"),
        ("ハンドバック", "ハンドバッグ"),
        ("スマートホン", "スマートフォン"),
        ("ホチキス", "ホッチキス"),
        ("テッシュ", "ティッシュペーパー"),
        ("ろうそく", "ローソク"),
    ],
)
def test_spellings_by_sound_still_match(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("ボート", "電気ポット"),  # sounds like ポット, but another word
        ("FRPのボートを処分したい", "電気ポット"),
        ("除雪機を捨てたい", "書籍"),  # じょせつ sounds like 小説 (an alias of 書籍)
    ],
)
def test_sound_alikes_are_only_suggested(index: CatalogIndex, text: str, suggested: str) -> None:
    result = index.find(text)
    assert result.mentions == []
    assert result.likely is None
    assert suggested in [s.name for s in result.suggestions]


def test_sound_alikes_in_a_small_catalog() -> None:
    items = [
        CatalogItem(1, "ガラス", "がらす", "陶器・ガラス・金属ごみ"),
        CatalogItem(2, "グラス", "ぐらす", "陶器・ガラス・金属ごみ"),
        CatalogItem(3, "ベッド", "べっど", "粗大ごみ"),
    ]
    index = CatalogIndex(items)
    assert answer(index, "カラスの羽") == []
    assert answer(index, "クラスの名簿") == []
    assert answer(index, "ベットを捨てたい") == [("ベッド",)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # An item that is only where the thing was found is not the thing.
        ("父が使ってた農薬が物置から出てきた", "農薬類"),
        ("物置から出てきた農薬", "農薬類"),
        ("農薬が物置にずっとある", "農薬類"),
        ("押し入れから出てきた古い扇風機", "扇風機"),
        ("実家の押し入れの奥から出てきたアイロン台", "アイロン台"),
    ],
)
def test_a_place_is_not_the_thing(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


def test_an_unknown_thing_found_in_a_place_is_not_the_place(index: CatalogIndex) -> None:
    result = index.find("父が使ってた猟銃が物置から出てきた")
    assert result.mentions == []
    assert result.query == "猟銃"


def test_a_place_alone_is_still_the_item(index: CatalogIndex) -> None:
    assert answer(index, "物置を解体したので処分したい") == [("物置",)]


@pytest.mark.parametrize(
    "text",
    [
        "猟銃",
        "祖父が持っていた猟銃を処分したい",
        "除雪機",
        "FRPのボート",
        "手漕ぎボート",
        "石灯籠",  # 石 only begins a compound the catalog does not know
    ],
)
def test_other_unknown_things_are_not_answered(index: CatalogIndex, text: str) -> None:
    result = index.find(text)
    assert result.mentions == []
    assert result.likely is None


def test_the_unknown_thing_is_what_is_not_found(index: CatalogIndex) -> None:
    assert index.find("祖父が持っていた猟銃を処分したい").query == "猟銃"
    assert index.find("FRPのボート").query == "ボート"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("冷蔵庫買い替え", "冷蔵庫"),  # a word about the item, not another thing
        ("テレビ台", "テレビ台"),
        ("レシートはなにごみ？", "レシート（感熱紙）"),  # Sudachi's はな|に is no compound
        ("録画したビデオテープ大量にあるんだけど", "ビデオテープ"),
    ],
)
def test_words_after_a_name_keep_it(index: CatalogIndex, text: str, name: str) -> None:
    assert [names[0] for names in answer(index, text)][:1] == [name]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("発泡スチロールとダンボールの出し方", [("発泡スチロール",), ("段ボール",)]),
        ("ダンボールと発泡スチロール", [("段ボール",), ("発泡スチロール",)]),
        (
            "プリンターのインクカートリッジとコピー用紙",
            [("インクカートリッジ（プリンター用）",), ("コピー用紙",)],
        ),
        ("ガラスと陶器の食器", [("食器（陶器製・ガラス製・金属製）",)]),
        ("ガラスの花びん", [("花びん（陶器製・ガラス製）",)]),
    ],
)
def test_a_material_that_is_an_item_is_answered_when_named_alongside(
    index: CatalogIndex, text: str, names: list[tuple[str, ...]]
) -> None:
    """A material qualifies the item next to it (「ガラスの花びん」), but named with 「と」
    it is an item of its own; a word running on past an alias does not hide the next item."""
    assert answer(index, text) == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Sudachi's reading of a name in kanji and kana, where the catalog's is misspelt.
        ("がびょうの捨て方", "画びょう"),
        ("画びょう", "画びょう"),
        # 「XのくずYかす」: the scraps of X, an item of their own.
        ("シュレッダーのくずって資源？", "シュレッダーくず"),
        ("野菜のくず", "野菜くず"),
        # A qualifier said word for word chooses the variant.
        ("室内用のテレビアンテナ", "テレビアンテナ（室内用）"),
        ("屋外用のテレビアンテナ", "テレビアンテナ（屋外用）"),
        ("針金ハンガー", "ハンガー（金属製）"),  # 針金 is metal
        # A state denied chooses the plain item, a state said the item of that state.
        ("切れた蛍光灯（割れてはいません）", "蛍光管"),
        ("蛍光灯が割れてしまった", "蛍光管（割れているもの）"),
        # Items the catalog describes alike share a state variant.
        ("ペンキで汚れた服", "衣類（汚れたもの）"),
        ("泥で汚れたジャケット", "衣類（汚れたもの）"),
        ("ユンケルの瓶", "びん（飲食用）"),  # a drink's bottle
        # A kind of the contents (日本酒 of 酒) meets the container it is sold in.
        ("日本酒の紙パックは古紙に出せますか", "酒パック"),
        ("日本酒の瓶", "酒びん"),
        ("ジュースの紙パック", "紙パック"),
        ("牛乳のパック", "牛乳パック"),
        # Everyday words, as aliases.
        ("カラボって粗大ごみ？", "カラーボックス"),
        ("千枚通しってどうやって捨てるの", "キリ"),
        ("ゴルフのドライバーが1本だけ余ってる", "ゴルフクラブ"),
        ("カセットガスの空き缶", "カセットボンベ"),
        ("れーぞーこ", "冷蔵庫"),
    ],
)
def test_patterns_of_the_fourth_blind_set(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


def test_plain_items_keep_their_own_answer(index: CatalogIndex) -> None:
    assert answer(index, "服") == [("服",)]
    assert answer(index, "ジャケット") == [("ジャケット",)]
    assert answer(index, "ドライバー") == [("ドライバー",)]
    assert answer(index, "シュレッダー") == [("シュレッダー／※家庭用シュレッダー",)]
    # An item that is every other kind of its name is not asked back.
    assert answer(index, "カーテン") == [("カーテン(レースカーテン・遮光カーテン除く）",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bare name whose one item is a kind of it: the compounds ending in it too.
        ("バッテリーを捨てたいです", {"バッテリー（自動車等）", "モバイルバッテリー"}),
        (
            "テレビのアンテナ外したんだけど",
            {"テレビアンテナ（室内用）", "テレビアンテナ（屋外用）"},
        ),
    ],
)
def test_a_bare_name_of_several_things_is_asked_back(
    index: CatalogIndex, text: str, expected: set[str]
) -> None:
    [mention] = index.find(text).mentions
    assert expected <= {c.name for c in mention.candidates}
    assert mention.is_ambiguous


def test_a_said_use_still_chooses_the_kind(index: CatalogIndex) -> None:
    assert answer(index, "車のバッテリー") == [("バッテリー（自動車等）",)]


def test_a_thing_and_its_part(index: CatalogIndex) -> None:
    assert answer(index, "ペットボトルとそのキャップは一緒に出していいの？") == [
        ("ペットボトル",),
        ("ペットボトルのキャップ",),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ドラム缶の捨て方",  # one word to Sudachi: no can of drums
        "ゲーム筐体",  # 筐体 only sounds like 鏡台
        "お祭りの神輿",
    ],
)
def test_unknown_things_of_the_fourth_blind_set(index: CatalogIndex, text: str) -> None:
    result = index.find(text)
    assert result.mentions == []
    assert result.likely is None


def test_a_sound_alike_in_other_kanji_is_only_suggested(index: CatalogIndex) -> None:
    result = index.find("ゲームセンターのゲーム筐体")
    assert result.mentions == []
    assert "鏡台" in {c.name for c in result.suggestions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("お祭りの神輿", True),
        ("祖父の猟銃", True),
        ("鹿の剥製が実家にある", True),
        ("今日の天気は？", False),
        ("高円寺", False),
        ("実家", False),
        ("野方に住んでる", False),
        ("こんにちは", False),
    ],
)
def test_only_names_things(text: str, expected: bool) -> None:
    assert only_names_things(text) is expected


def test_a_key_inside_two_words_is_no_name(index: CatalogIndex) -> None:
    """A key that begins inside one word and ends inside the next (野球|スパイク holds
    きゅうす) names nothing."""
    assert answer(index, "野球のスパイクシュース") == [("スパイクシューズ",)]


@pytest.mark.parametrize("text", ["鉛筆の芯は何ごみ", "カイロの中身", "ボールペンの芯"])
def test_a_part_of_a_thing_is_not_the_thing(index: CatalogIndex, text: str) -> None:
    """「Xの芯」「Xの中身」 ask about a part of X, not X: not found unless the catalog has
    the part (「ラップの芯」), with X offered as a suggestion."""
    result = index.find(text)
    assert result.mentions == []
    assert result.suggestions


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ラップの芯は？", "ラップの芯"),
        ("トイレットペーパーの芯", "トイレットペーパーの芯"),
        ("ホッチキスの芯", "ホッチキスの芯"),
        ("紙くず", "汚れた紙類"),
        ("割れたガラスの破片", "割れた陶器・ガラス類"),  # a broken piece is the thing
    ],
)
def test_a_part_the_catalog_has_is_found(index: CatalogIndex, text: str, name: str) -> None:
    assert answer(index, text) == [(name,)]


@pytest.mark.parametrize("text", ["8時半に出したらもうアウトですか？", "今朝8時前に出したのに"])
def test_a_number_is_no_name_by_its_reading(index: CatalogIndex, text: str) -> None:
    """The 8 of 「8時半」 is read はち, which is no 鉢."""
    assert not index.find(text).mentions


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("ビールびん", ["びん（飲食用）"]),  # same category: not the medicine bottles
        ("酒びん", ["びん（飲食用）"]),
        ("フライパン", []),
    ],
)
def test_the_kinds_an_item_is(index: CatalogIndex, name: str, kinds: list[str]) -> None:
    item = next(i for i in index.items.values() if i.name == name)
    assert [kind.name for kind in index.kinds_of(item)] == kinds


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("びん・缶・ペットボトルって週1回でしたっけ", ["びん", "缶", "ペットボトル"]),  # no 貝
        ("処分 衣類 3 ソファー", ["ソファー"]),  # a thing counted apart is no counter
    ],
)
def test_a_counter_is_no_name(index: CatalogIndex, text: str, names: list[str]) -> None:
    assert [m.text for m in index.find(text).mentions] == names


def test_a_container_asked_of_after_a_thing_is_that_things(index: CatalogIndex) -> None:
    """「缶ごと」 asks of the ペンキ told before, in its can."""
    assert answer(index, "ペンキが余ってしまいました。缶ごとごみに出せますか？") == [("ペンキ",)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("お皿を割っちゃった。破片は何ごみで出せばいいですか", "皿（陶器製・ガラス製・金属製）"),
        ("割れたびん", "びん（飲食用）"),
    ],
)
def test_a_state_chooses_the_variant_whose_notes_speak_of_it(
    index: CatalogIndex, text: str, name: str
) -> None:
    assert answer(index, text) == [(name,)]


# --- any text (hypothesis) ---------------------------------------------------------------

JAPANESE = st.characters(
    codec="utf-8",
    categories=("Lo", "Lm", "Nd", "Po", "Zs", "Ps", "Pe", "Ll", "Lu", "So"),
)


@given(text=st.text(JAPANESE, max_size=80))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_matcher_takes_any_text(index: CatalogIndex, text: str) -> None:
    result = index.find(text)
    for mention in result.mentions:
        assert mention.candidates
        assert 0 <= mention.start <= mention.end <= len(text)
    assert index.find(text) == result  # the same question, the same answer
