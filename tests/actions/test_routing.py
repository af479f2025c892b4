"""The router's decision table, a row at a time, on readings made by the real reader
against the real catalog (SQLite, Sudachi, the knowledge entries of the seed)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import Session, sessionmaker

from actions.memory import (
    AREA_SLOT,
    LAST_ITEMS_SLOT,
    LAST_QUESTION_SLOT,
    LAST_SAID_SLOT,
    LAST_TOPIC_SLOT,
    Context,
)
from actions.reading import Reading, read
from actions.routing import Route, route
from bot.catalog.loader import LiveCatalog


@pytest.fixture(scope="module")
def catalog(sessions: sessionmaker[Session]) -> LiveCatalog:
    return LiveCatalog(sessions)


def _tracker(
    text: str, intent: str, slots: dict[str, Any], entities: list[dict], confidence: float
) -> Tracker:
    return Tracker(
        sender_id="routing",
        slots=slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities,
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _route(catalog: LiveCatalog, text: str, intent: str = "ask_item", **context: Any) -> Route:
    return _read_and_route(catalog, text, intent, **context)[1]


def _read_and_route(
    catalog: LiveCatalog,
    text: str,
    intent: str = "ask_item",
    *,
    last_item: str | None = None,
    area: str | None = None,
    topic: str | None = None,
    question: str | None = None,
    entities: list[dict] | None = None,
    confidence: float = 0.95,
) -> tuple[Reading, Route]:
    slots: dict[str, Any] = {LAST_TOPIC_SLOT: topic, LAST_QUESTION_SLOT: question}
    if last_item is not None:
        index = catalog.index()
        ids = [i.id for i in index.items.values() if (i.base_name or i.name) == last_item]
        slots |= {LAST_ITEMS_SLOT: json.dumps(ids), LAST_SAID_SLOT: last_item}
    if area is not None:
        slots[AREA_SLOT] = str(catalog.areas().lookup(area).area.id)
    tracker = _tracker(text, intent, slots, entities or [], confidence)
    context = Context.from_tracker(tracker)
    reading = read(tracker, catalog, context)
    return reading, route(reading, context)


def test_row_1_a_tapped_item_button_is_an_item(catalog: LiveCatalog) -> None:
    item_id = next(iter(catalog.index().items))
    entities = [{"entity": "item_id", "value": item_id}]
    assert _route(catalog, f'/ask_item{{"item_id": {item_id}}}', entities=entities) is Route.ITEM


@pytest.mark.parametrize("text", ["それっていつ出せる？", "いつ出すの？", "これは何曜日？"])
def test_row_2_a_day_asked_after_an_item_is_that_items_day(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_schedule", last_item="フライパン") is Route.ITEM_DAY


@pytest.mark.parametrize("text", ["それ大和町3丁目だといつ？", "いつ出すの？ 中野6丁目"])
def test_row_2_a_day_asked_after_an_item_in_a_place_named(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_general", last_item="やかん") is Route.ITEM_DAY


def test_row_2_needs_an_item_before(catalog: LiveCatalog) -> None:
    assert _route(catalog, "それっていつ出せる？", "ask_schedule") is Route.SCHEDULE


@pytest.mark.parametrize(
    ("last", "text"),
    [("蛍光管", "割れてるんです"), ("いす", "金属製です"), ("アイス枕", "40cmあります")],
)
def test_row_3_what_tells_the_last_item_apart_refines_it(
    catalog: LiveCatalog, last: str, text: str
) -> None:
    assert _route(catalog, text, "ask_item", last_item=last) is Route.REFINE


@pytest.mark.parametrize(
    ("last", "text"),
    [("衣類", "集団回収に出せないときは？"), ("ペットボトル", "それのキャップは？")],
)
def test_row_3_what_the_notes_speak_to_or_a_part_by_reference(
    catalog: LiveCatalog, last: str, text: str
) -> None:
    assert _route(catalog, text, "ask_item", last_item=last) is Route.REFINE


def test_row_3_a_new_item_is_not_a_refinement(catalog: LiveCatalog) -> None:
    assert _route(catalog, "フライパンは？", "ask_item", last_item="蛍光管") is Route.ITEM


@pytest.mark.parametrize(
    "text",
    [
        "2丁目だと？",
        "隣の2丁目は？",
        "隣の2丁目だとどうなる？",
        "松が丘1丁目は？",
        "いつ出せばいい？",
        "2丁目は違うの？",
    ],
)
def test_row_4_a_place_alone_repeats_the_question_there(catalog: LiveCatalog, text: str) -> None:
    route_ = _route(catalog, text, "ask_general", area="若宮1丁目", question="燃やすごみは何曜日？")
    assert route_ is Route.SCHEDULE


def test_row_4_a_bare_day_question_needs_a_question_before(catalog: LiveCatalog) -> None:
    assert _route(catalog, "いつ出せばいい？", "ask_general") is Route.FALLBACK


@pytest.mark.parametrize("text", ["何曜日？", "出す日は？"])
def test_row_2_a_bare_day_question_after_an_item(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_schedule", last_item="スプレー缶", area="上高田4丁目") is (
        Route.ITEM_DAY
    )


@pytest.mark.parametrize("text", ["大きい鍋で40センチくらいある", "30センチ以下の小さい鍋です"])
def test_row_3_the_last_item_named_again_with_its_size(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_general", last_item="鍋") is Route.REFINE


@pytest.mark.parametrize(
    "text", ["今度の月曜祝日なんだけど燃えるごみ出して大丈夫？", "年末はいつまで出せる？"]
)
def test_row_5_a_day_the_rules_speak_of_is_a_question_of_the_rules(
    catalog: LiveCatalog, text: str
) -> None:
    assert _route(catalog, text, "ask_schedule") is Route.GENERAL
    assert _route(catalog, "燃やすごみは何曜日？", "ask_schedule") is Route.SCHEDULE


@pytest.mark.parametrize(
    "text",
    [
        "びん・缶・ペットボトルは？",
        "じゃあ資源プラスチックは？",
        "陶器とか金属のごみは？",  # 「金属のごみ」 is a word for the category
        "びんとか缶は何曜？",
    ],
)
def test_row_5_a_category_alone_with_the_area_known_is_its_day(
    catalog: LiveCatalog, text: str
) -> None:
    assert _route(catalog, text, "ask_item", area="松が丘2丁目") is Route.SCHEDULE


@pytest.mark.parametrize("text", ["1月2日に燃やすごみを出してもいいですか", "12/31は回収ある？"])
def test_row_5_a_date_written_out_is_a_schedule_question(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_general") is Route.SCHEDULE


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("江原町 ペットボトル", "ask_item"),
        ("中央4丁目 陶器・ガラス・金属ごみ", "ask_item"),
        ("中野2丁目の燃やすごみの日を教えて", "ask_schedule"),  # not the daily-collection entry
        ("鷺宮3丁目に住んでいます", "inform_area"),
    ],
)
def test_row_7_a_place_and_a_category_is_a_schedule_question_whatever_the_model_says(
    catalog: LiveCatalog, text: str, intent: str
) -> None:
    """The category's name is an item's too (ペットボトル, the ガラス inside)."""
    assert _route(catalog, text, intent) is Route.SCHEDULE


@pytest.mark.parametrize(
    "text",
    [
        "資源プラスチックとは？",
        "燃やすごみには何が入る？",
        "不燃ごみは週に何回？",
        "燃やすごみには何を出せばいいですか",  # no noun but the category's and 何
        "燃やすごみって具体的にどんなものが入るの",  # a noun of manner is no subject
        "陶器・ガラス・金属ごみにはどのようなものを出せばよいのでしょうか。",
    ],
)
def test_row_6_a_category_itself(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_general") is Route.CATEGORY


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ゴミ出しは朝の何時まで？", "ask_general"),
        ("年末はいつまで出せる？", "ask_schedule"),
        ("収集車が来なかった", "ask_item"),
    ],
)
def test_row_8_a_knowledge_entry(catalog: LiveCatalog, text: str, intent: str) -> None:
    assert _route(catalog, text, intent) is Route.GENERAL


def test_row_8_an_item_question_naming_a_thing_is_about_the_thing(catalog: LiveCatalog) -> None:
    assert _route(catalog, "ヨガマットはどうやって捨てるの", "ask_item") is Route.ITEM


@pytest.mark.parametrize(
    "text",
    ["ゴールデンウィーク中もごみの回収ってやってますか", "中野駅の周りは毎日回収してるって本当？"],
)
def test_row_8_words_that_name_no_thing_do_not_stop_a_general_answer(
    catalog: LiveCatalog, text: str
) -> None:
    assert _route(catalog, text, "ask_general") is Route.GENERAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公園の横に冷蔵庫が不法投棄されてるのを見つけた", Route.GENERAL),
        ("冷蔵庫を処分したいけど区で回収してる？", Route.ITEM),  # wants the item gone
        ("冷蔵庫は何ごみ？", Route.ITEM),
        ("スプレー缶って穴開けてから出すの？", Route.ITEM),  # the item's own procedure
        ("プラスチックのハンコ", Route.ITEM),  # what it is made of: no other subject
    ],
)
def test_row_8_what_an_item_question_says_besides_the_item(
    catalog: LiveCatalog, text: str, expected: Route
) -> None:
    assert _route(catalog, text, "ask_general") is expected


@pytest.mark.parametrize(
    "text", ["ゴミはどこに出せばいいですか？", "ごみは なんじまでに だせば いいですか"]
)
def test_row_8_garbage_itself_asked_first_is_a_general_question(
    catalog: LiveCatalog, text: str
) -> None:
    assert _route(catalog, text, "ask_general") is Route.GENERAL
    assert _route(catalog, text, "ask_general", last_item="フライパン") is not Route.GENERAL


def test_row_8_a_general_place_question_is_general(catalog: LiveCatalog) -> None:
    text = "中野3丁目に住んでるんですが、うちは毎日収集の地域に入ってますか？"
    assert _route(catalog, text, "ask_general") is Route.GENERAL


@pytest.mark.parametrize(
    ("text", "intent", "topic"),
    [
        ("土曜日もやってる？", "ask_general", "bulky_contact"),
        ("どうやって出せばいいの？", "help", "bulky_waste"),
    ],
)
def test_row_9_after_a_topic_a_bare_question_is_about_it(
    catalog: LiveCatalog, text: str, intent: str, topic: str
) -> None:
    assert _route(catalog, text, intent, topic=topic) is Route.GENERAL


def test_row_9_a_thing_the_list_lacks_is_not_read_with_the_topic(catalog: LiveCatalog) -> None:
    route_ = _route(catalog, "ヨガマットは？", "ask_item", topic="bulky_waste")
    assert route_ is Route.ITEM


def test_row_9_an_item_named_in_another_language_is_not_read_with_the_topic(
    catalog: LiveCatalog,
) -> None:
    """The "TV" of "And the TV stand?" is the item's name, not the TV of the topic."""
    route_ = _route(catalog, "And the TV stand?", "ask_item", topic="appliance_recycling")
    assert route_ is Route.ITEM


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("スプレー缶は何ごみ？", "ask_item", Route.ITEM),
        ("燃えるごみは何曜日？", "ask_item", Route.SCHEDULE),
        ("のがた3ちょうめ もえるごみ", "ask_item", Route.SCHEDULE),
        ("野方3丁目の燃やすごみは何曜日？", "ask_schedule", Route.SCHEDULE),
        ("鹿の剥製が実家にある", "inform_area", Route.ITEM),
        ("スプレー缶はいつ出せる？", "ask_schedule", Route.ITEM),
        ("ペットボトルのキャップは何曜日？", "ask_schedule", Route.ITEM),
        ("缶はいつ？", "ask_schedule", Route.SCHEDULE),
        ("ごみの日を教えて", "ask_schedule", Route.SCHEDULE),
        ("朝早く家を出るんだけど、何時までにだせばまにあいますか", "ask_schedule", Route.GENERAL),
        ("ソファは粗大ごみ？", "ask_bulky", Route.BULKY),
        ("こんにちは", "greet", Route.SMALL_TALK),
        ("ざる", "greet", Route.ITEM),
        ("今日の天気は？", "out_of_scope", Route.FALLBACK),
        ("祖父の猟銃", "out_of_scope", Route.ITEM),
    ],
)
def test_rows_10_to_14_follow_the_model_where_the_catalog_agrees(
    catalog: LiveCatalog, text: str, intent: str, expected: Route
) -> None:
    assert _route(catalog, text, intent) is expected


def test_after_a_topic_a_message_of_only_an_item_is_about_the_item(catalog: LiveCatalog) -> None:
    """Nothing besides the item is left to read with the topic (no words, no error)."""
    assert _route(catalog, "やかんは何ごみ？", "ask_item", topic="bulky_waste") is Route.ITEM
    assert _route(catalog, "薬缶の出し方おしえて", "ask_item", topic="bulky_waste") is Route.ITEM
    assert _route(catalog, "スマホから申し込める？", "ask_item", topic="bulky_waste") is (
        Route.GENERAL
    )


@pytest.mark.parametrize(
    ("last", "text", "item"),
    [
        ("乾電池", "充電式のは？", "電池（リチウムイオン電池等充電式電池）"),  # named together
        (
            "乾電池",
            "what about rechargeable lithium-ion ones?",
            "電池（リチウムイオン電池等充電式電池）",
        ),
        ("ＣＤ", "ケースは？", "ＣＤケース"),
        ("自転車", "タイヤは？", "自転車のタイヤ・チューブ"),
        ("花びん", "ガラス製", "花びん（陶器製・ガラス製）"),  # a material, also an item's name
        ("歯ブラシ", "電動のは？", "電動歯ブラシ"),
    ],
)
def test_row_3_the_last_items_name_and_the_message_name_another_item(
    catalog: LiveCatalog, last: str, text: str, item: str
) -> None:
    reading, chosen = _read_and_route(catalog, text, "ask_item", last_item=last)
    assert chosen is Route.REFINE
    assert reading.refined is not None
    assert [c.name for m in reading.refined.mentions for c in m.candidates] == [item]


def test_row_3_where_to_take_the_last_item_is_in_its_answer(catalog: LiveCatalog) -> None:
    text = "じゃあどこに持っていけばいい？"
    assert _route(catalog, text, "ask_general", last_item="注射針") is Route.REFINE
    assert _route(catalog, text, "ask_general") is not Route.REFINE


@pytest.mark.parametrize(
    "text", ["びん・缶・ペットボトルって毎週あるの？", "使用済小型家電って例えばどんなものが対象？"]
)
def test_row_6_the_items_inside_a_category_name_are_the_category(
    catalog: LiveCatalog, text: str
) -> None:
    reading, chosen = _read_and_route(catalog, text, "ask_general")
    assert chosen is Route.CATEGORY
    assert not reading.mentions


def test_row_6_another_category_after_a_category_answer(catalog: LiveCatalog) -> None:
    """Asked after 「燃やすごみって週何回？」 (which leaves its question for a place): the
    same about 陶器・ガラス・金属ごみ; with the area known, its days."""
    text, question = "陶器・ガラス・金属ごみは？", "燃やすごみは何曜日？"
    assert _route(catalog, text, "ask_schedule", question=question) is Route.CATEGORY
    known = _route(catalog, text, "ask_schedule", question=question, area="野方3丁目")
    assert known is Route.SCHEDULE


@pytest.mark.parametrize(
    "text", ["燃やすごみっていつ出しますか", "資源プラスチックはいつ出せばいいの"]
)
def test_row_5_a_categorys_day_however_it_is_worded(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_general", area="野方3丁目") is Route.SCHEDULE


def test_row_8_a_sure_request_for_help_is_no_knowledge_entry(catalog: LiveCatalog) -> None:
    """「このチャットで何ができますか？」 shares its words with the entry of what the chat
    cannot answer."""
    text = "このチャットで何ができますか？"
    assert _route(catalog, text, "help", confidence=0.99) is Route.SMALL_TALK


def test_row_9_a_follow_up_the_model_only_guessed_small_talk_is_about_the_topic(
    catalog: LiveCatalog,
) -> None:
    """「好的，那怎么申请？」 (「はい 申し込み方法」) after a bulky item: no greeting."""
    text = "はい 申し込み方法"
    chosen = _route(catalog, text, "greet", topic="bulky_waste", confidence=0.55)
    assert chosen is Route.GENERAL
    assert (
        _route(catalog, "はい", "greet", topic="bulky_waste", confidence=0.99) is Route.SMALL_TALK
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("キャップ ペットボトル", ["ペットボトルのキャップ"]),  # "caps from PET bottles"
        ("ペットボトル ペットボトルのラベル", ["ペットボトルのラベル"]),  # 「寶特瓶的標籤」
        ("テレビとテレビ台", ["テレビ（液晶、ブラウン管、プラズマ）", "テレビ台"]),  # two things
    ],
)
def test_a_thing_and_its_part_named_side_by_side_are_the_part(
    catalog: LiveCatalog, text: str, names: list[str]
) -> None:
    reading, _ = _read_and_route(catalog, text, "ask_item")
    assert [c.name for m in reading.mentions for c in m.candidates] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("トイレットペーパーを使い切ったあとの芯はどうする？", ["トイレットペーパーの芯"]),
        ("卫生纸用完剩下的纸芯扔哪个", ["トイレットペーパーの芯"]),
        ("ラップを使い終わった芯は？", ["ラップの芯"]),
        # a part that is an item of its own is named, not read with the thing
        ("ラップと電池", ["ラップ"]),
        # a part named with its thing elsewhere in the message is that item already
        ("ラップとラップの芯", ["ラップ"]),
        ("CDとCDケース", ["ＣＤ"]),
    ],
)
def test_a_part_said_later_is_read_with_the_thing(
    catalog: LiveCatalog, text: str, names: list[str]
) -> None:
    reading, _ = _read_and_route(catalog, text, "ask_item")
    assert [c.name for c in reading.mentions[0].candidates][: len(names)] == names


@pytest.mark.parametrize(
    "text", ["家具ってどうやって捨てればいい？", "引っ越すので家具を処分したい"]
)
def test_row_10_a_kind_of_thing_bulky_by_its_size(catalog: LiveCatalog, text: str) -> None:
    assert _route(catalog, text, "ask_item") is Route.BULKY


@pytest.mark.parametrize(
    ("last", "text"),
    [("段ボール", "油で汚れちゃってる"), ("段ボール", "it has oil stains that won't come off")],
)
def test_row_3_what_brought_a_case_of_the_notes_about_is_no_new_item(
    catalog: LiveCatalog, last: str, text: str
) -> None:
    """The 油 said right before the case's word is how the cardboard got dirty."""
    reading, chosen = _read_and_route(catalog, text, "ask_item", last_item=last)
    assert chosen is Route.REFINE
    assert reading.last_item_case is not None
    assert reading.last_item_case.category == "燃やすごみ"
    # 油 asked about with the same words is a new item
    assert _route(catalog, "汚れた油は？", "ask_item", last_item=last) is Route.ITEM


@pytest.mark.parametrize("intent", ["nlu_fallback", "ask_general"])
def test_row_8_a_category_named_makes_an_unsure_question_general(
    catalog: LiveCatalog, intent: str
) -> None:
    """Matched weakly (under half its words), but about 粗大ごみ for sure."""
    text = "粗大ごみの券ってどこで手に入る"
    reading, chosen = _read_and_route(catalog, text, intent, confidence=0.45)
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "bulky_fee"


def test_row_9_an_item_asked_in_case_is_no_follow_up_of_the_topic(catalog: LiveCatalog) -> None:
    """「電動自転車の場合は？」 after 自転車 (bulky waste) asks about 電動自転車: its 「場合」
    is the frame of the question, not words for an entry to match."""
    text = "電動自転車の場合は？"
    chosen = _route(catalog, text, "ask_general", last_item="自転車", topic="bulky_waste")
    assert chosen is Route.ITEM


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("今朝燃やすごみが回収されていなかった", "ask_office"),
        ("My garbage wasn't picked up this morning. Who do I call?", "ask_office"),
        ("出したゴミに黄色いシールが貼られて置いていかれた", "ask_office"),
        ("粗大ごみのシールってどこで買うの？", "bulky_fee"),
        ("うちの前の集積所に誰かが冷蔵庫を捨てていきました", "ask_office"),
        ("扔垃圾必须用指定的垃圾袋吗？", "ask_office"),  # rendered 「指定 ポリ袋」
        ("生ごみ処理機を買うと区から補助金が出るって本当？", "ask_office"),
        (
            "自宅でピアノ教室をしています。教室で出たごみも家庭ごみとして出していいのでしょうか",
            "ask_office",
        ),
    ],
)
def test_row_5_a_phrase_that_decides_the_topic(catalog: LiveCatalog, text: str, entry: str) -> None:
    """Whatever day, category or item (the シール inside the phrase) it names besides."""
    reading, chosen = _read_and_route(catalog, text, "ask_schedule")
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == entry
    assert _route(catalog, "シールは何ごみ？", "ask_item") is Route.ITEM


def test_row_5_a_category_word_that_names_items_of_several_categories_is_the_category(
    catalog: LiveCatalog,
) -> None:
    """缶, びん and 空きびん go to two categories each as items; asked their day or how
    often, they are the category びん・缶・ペットボトル. Asked which category, they are
    still items (asked back)."""
    reading, chosen = _read_and_route(
        catalog, "缶とかびんはいつ出せばいい？", "ask_general", area="上鷺宮1丁目"
    )
    assert (chosen, reading.categories, reading.mentions) == (
        Route.SCHEDULE,
        ["びん・缶・ペットボトル"],
        [],
    )
    reading, chosen = _read_and_route(catalog, "瓶とか缶の回収は週何回", "ask_general")
    assert chosen is not Route.ITEM
    assert not reading.mentions
    reading, chosen = _read_and_route(catalog, "中野1丁目で空きびんを出す曜日", "ask_schedule")
    assert (chosen, reading.categories) == (Route.SCHEDULE, ["びん・缶・ペットボトル"])
    assert _read_and_route(catalog, "缶は何ごみ？", "ask_item")[0].mentions
    assert _read_and_route(catalog, "空きびんは何ごみ？", "ask_item")[0].mentions


def test_row_6_a_topic_word_counts_only_from_the_start_of_a_word(catalog: LiveCatalog) -> None:
    """The letters of 「とは」 end 「申し込んだあとは」, which asks what to do after applying."""
    reading, chosen = _read_and_route(
        catalog, "粗大ごみを申し込んだあとはどうすればいいですか", "ask_bulky"
    )
    assert not reading.asks_category_topic
    assert chosen is Route.BULKY
    assert _read_and_route(catalog, "粗大ごみとは？", "ask_bulky")[0].asks_category_topic


def test_row_7_a_question_besides_the_place_told_is_answered(catalog: LiveCatalog) -> None:
    text = "沼袋に住んでいます。粗大ごみはどこに申し込めばいいですか"
    reading, chosen = _read_and_route(catalog, text, "inform_area")
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "bulky_contact"
    assert _route(catalog, "沼袋に住んでいます。", "inform_area") is Route.SCHEDULE


def test_row_5_the_sentence_with_the_rules_day_is_the_question(catalog: LiveCatalog) -> None:
    """The reason given after it (大掃除) would pull the entry on many bags up."""
    text = "東中野4丁目です。年末は何日までごみを出せますか？大掃除のごみを出したいので"
    reading, chosen = _read_and_route(catalog, text, "ask_schedule")
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "collection_rules"


def test_row_8_the_entry_titled_as_the_category_named_comes_first(catalog: LiveCatalog) -> None:
    """家電リサイクル names the category 家電リサイクル法対象品目; the drop-off boxes' entry
    (小型家電) is matched about as well."""
    reading, chosen = _read_and_route(catalog, "家電リサイクルってどうすればいいの", "ask_general")
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "appliance_recycling"


def test_row_9_a_follow_up_naming_no_thing_is_about_the_topic_whatever_the_model_says(
    catalog: LiveCatalog,
) -> None:
    """After a bulky item, 「申し込んだあとはどうすれば…」 names nothing to sort, though the
    model takes it for an item question."""
    text = "申し込んだあとはどうすればいいの？"
    reading, chosen = _read_and_route(
        catalog, text, "ask_item", last_item="マットレス", topic="bulky_waste"
    )
    assert chosen is Route.GENERAL
    assert reading.topical[0].entry.key == "bulky_fee"


@pytest.mark.parametrize(
    "text",
    [
        "ペットボトルとかの資源も、燃えるゴミと同じ時間までに出せばいいんですか",
        "びんとか缶の資源も出す時間のきまりってある？",
    ],
)
def test_row_8_the_put_out_time_asked_of_a_categorys_word_is_the_rule(
    catalog: LiveCatalog, text: str
) -> None:
    """The time is the same for every category; the ペットボトル named is the category's
    word, not a thing to sort."""
    reading, chosen = _read_and_route(catalog, text, "ask_general")
    assert (chosen, reading.mentions) == (Route.GENERAL, [])
    assert reading.knowledge[0].entry.key == "collection_rules"


def test_row_4_the_days_asked_with_the_area_known_are_the_areas(catalog: LiveCatalog) -> None:
    """The model's unsure guess of a request for reminders does not stand in the way."""
    text = "収集日を一覧で教えてほしい"
    chosen = _route(catalog, text, "subscribe_reminder", area="本町2丁目", confidence=0.72)
    assert chosen is Route.SCHEDULE
    assert (
        _route(catalog, "粗大ごみはいつ出せる？", "ask_bulky", area="本町2丁目")
        is not Route.SCHEDULE
    )


def test_row_8_an_item_and_a_category_ask_whether_the_item_is_in_it(catalog: LiveCatalog) -> None:
    assert _route(catalog, "レシートは古紙？", "ask_general", confidence=1.0) is Route.ITEM


def test_row_4_another_category_then(catalog: LiveCatalog) -> None:
    text = "それと燃やすごみも教えて"
    question = "ペットボトルは何曜日？"
    chosen = _route(catalog, text, "ask_general", area="丸山2丁目", question=question)
    assert chosen is Route.SCHEDULE


def test_row_3_what_a_topic_the_notes_name_holds_is_no_refinement(catalog: LiveCatalog) -> None:
    text = "拠点回収って他にどんなものがあるんですか"
    reading, chosen = _read_and_route(catalog, text, "ask_general", last_item="食用の植物油")
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "dropoff"


def test_row_7_a_day_asked_in_a_place_is_a_schedule_question(catalog: LiveCatalog) -> None:
    text = "東中野1丁目で第1・第3火曜日に出すのは何ごみ？"
    assert _route(catalog, text, "ask_general", confidence=0.74) is Route.SCHEDULE


def test_row_11_taken_for_an_area_naming_none(catalog: LiveCatalog) -> None:
    text = "一辺がちょうど30cmの箱は粗大ごみになりますか？"
    assert _route(catalog, text, "inform_area", confidence=0.88) is not Route.SCHEDULE


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ゴミだし　じかん", "collection_rules"),  # じかん names no 缶
        ("8時半に出したらもうアウトですか？", "collection_rules"),
        ("集団回収ってどういう仕組みなんですか？何が対象？", "group_collection"),
        ("毎日ごみを回収してくれるエリアがあるってほんと？", "daily_collection"),
        ("粗大ごみは予約なしで出してもいいの？", "bulky_waste"),
        (
            "夜勤明けで家に着くのが8時半くらいなんですが、その時間にごみを出しても間に合いますか？",
            "collection_rules",
        ),
    ],
)
def test_row_8_words_of_how_or_whether_are_no_unknown_thing(
    catalog: LiveCatalog, text: str, key: str
) -> None:
    reading, chosen = _read_and_route(catalog, text, "ask_general", confidence=1.0)
    assert (chosen, reading.unknown_thing) == (Route.GENERAL, "")
    assert reading.knowledge[0].entry.key == key


def test_row_10_an_item_named_by_a_categorys_word(catalog: LiveCatalog) -> None:
    """Taken for a general question, 「ぺっとぼとる」 still names a thing."""
    assert _route(catalog, "ぺっとぼとる", "ask_general", confidence=1.0) is Route.ITEM


def test_row_6_how_often_a_category_is_collected(catalog: LiveCatalog) -> None:
    text = "びん・缶・ペットボトルって週1回でしたっけ"
    assert _route(catalog, text, "ask_general", confidence=1.0) is Route.CATEGORY


def test_row_8_a_sentence_that_asks_nothing_is_no_part_of_the_question(
    catalog: LiveCatalog,
) -> None:
    text = (
        "引っ越してきたばかりで分からないことだらけです。"
        "ごみは収集日の何時までに集積所に出せばいいのでしょうか。"
    )
    reading, chosen = _read_and_route(catalog, text, "ask_general", confidence=1.0)
    assert chosen is Route.GENERAL
    assert reading.knowledge[0].entry.key == "collection_rules"


def test_row_9_the_topics_own_entry_needs_only_a_weak_match(catalog: LiveCatalog) -> None:
    """「普通」 is no entry's word, so 「何袋までなら普通に出せますか？」 covers the entry on
    many bags weakly; right after that entry it is still about it, asked first it is not
    answered from the entries."""
    text = "何袋までなら普通に出せますか？"
    after = _route(catalog, text, "ask_general", topic="many_bags", confidence=0.8)
    first = _route(catalog, text, "ask_general", confidence=0.8)
    assert (after, first) == (Route.GENERAL, Route.FALLBACK)


@pytest.mark.parametrize(
    ("last_item", "text", "expected"),
    [
        # the notes give a size (「50cm以下に切って」), and the size is asked
        ("枝", "長さはどのくらいにすればいい？", Route.REFINE),
        # 「ガス」 is the 「中身」 the notes tell to use up (case_synonyms)
        ("ライター", "ガスがまだ残ってたら？", Route.REFINE),
    ],
)
def test_row_3_what_the_notes_speak_to_in_other_words(
    catalog: LiveCatalog, last_item: str, text: str, expected: Route
) -> None:
    assert _route(catalog, text, last_item=last_item) is expected


def test_row_3_a_size_asked_of_notes_that_give_none_is_no_refinement(
    catalog: LiveCatalog,
) -> None:
    assert (
        _route(catalog, "長さはどのくらいにすればいい？", last_item="カラスネット")
        is not Route.REFINE
    )


def test_an_item_asked_of_on_a_categorys_day_written_out_is_the_item(
    catalog: LiveCatalog,
) -> None:
    """The びん and 缶 of the category's written name are no later items that would make
    the jar only say which."""
    text = "ジャムのびんは、びん・缶・ペットボトルの日でいいですか"
    reading, chosen = _read_and_route(catalog, text, "ask_schedule")
    assert chosen is Route.ITEM
    assert [c.name for m in reading.mentions for c in m.candidates] == ["空きびん（飲食用）"]


def test_a_name_holding_a_categorys_name_is_still_the_name(catalog: LiveCatalog) -> None:
    reading, _ = _read_and_route(catalog, "ノートパソコンは何ごみになりますか")
    assert [c.category for m in reading.mentions for c in m.candidates] == ["パソコン"]


def test_row_5_the_asked_sentence_with_a_question_mark_is_the_question(
    catalog: LiveCatalog,
) -> None:
    """The first sentence only tells why (a big clean-up); the one with the question mark
    asks about the 31st. But a question mark on a sentence that names nothing to be about
    (「ふつうに集積所に出していい？」) leaves the telling sentence in."""
    text = "年末の大掃除でごみがたくさん出そうです。12月31日って収集ありましたっけ？"
    reading, chosen = _read_and_route(catalog, text, "ask_general")
    assert (chosen, reading.knowledge[0].entry.key) == (Route.GENERAL, "collection_rules")
    text = "大掃除で45Lのごみ袋が8袋くらいになりそう。ふつうに集積所に出していい？"
    reading, _ = _read_and_route(catalog, text, "ask_general")
    assert reading.knowledge[0].entry.key == "many_bags"


def test_row_8_a_rules_word_in_hiragana(catalog: LiveCatalog) -> None:
    reading, chosen = _read_and_route(catalog, "ねんまつって何日までゴミだせる？", "ask_schedule")
    assert (chosen, reading.knowledge[0].entry.key) == (Route.GENERAL, "collection_rules")
