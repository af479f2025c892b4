"""The custom actions run against a real SQLite catalog, through rasa-sdk's own objects."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions import answers, memory
from bot import settings as settings_module
from bot.catalog.db import bump_revision, get_sessionmaker
from bot.catalog.models import Alias, Item, UnansweredQuestion
from tests.support.actions import run


@pytest.fixture
def catalog(actions_catalog: str) -> str:
    return actions_catalog


def test_a_name_that_sounds_like_an_item_is_answered_when_its_category_is_asked(
    catalog: str,
) -> None:
    """「ヘッドフォン」 sounds like ヘッドホン: 「何ごみ」 makes it an item question whatever
    the model took it for."""
    [message], _ = run(answers.ActionRespond(), "ヘッドフォン何ごみ", intent="ask_general")
    assert message["text"].startswith("「ヘッドホン」は「陶器・ガラス・金属ごみ」です。")


def test_item_answer_names_the_category_and_notes(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "スプレー缶は何ごみ？")
    assert message["text"].startswith("「スプレー缶」は「陶器・ガラス・金属ごみ」です。")
    assert "中身を使い切り" in message["text"]


def test_bulky_item_carries_the_procedure(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "マットレスを捨てたい")
    assert "「粗大ごみ」です" in message["text"]
    assert "03-5715-2255" in message["text"]


def test_ambiguous_item_asks_with_buttons(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "ざるは何ごみ？")
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["ざる（金属製）", "ざる（プラスチック製）", "ざる（木製）"]
    # The button's payload answers that variant.
    payload = message["buttons"][1]["payload"]
    item_id = int(payload.split(":")[1].strip(" }"))
    [answer], _ = run(
        answers.ActionRespond(), payload, entities=[{"entity": "item_id", "value": item_id}]
    )
    assert answer["text"].startswith("「ざる（プラスチック製）」は「資源プラスチック」です。")


def test_unknown_item_is_recorded_and_gets_suggestions(catalog: str) -> None:
    for _ in range(2):
        [message], _ = run(answers.ActionRespond(), "ヨガマットはどうやって捨てるの")
    assert "見つかりませんでした" in message["text"]
    assert "03-3387-5353" in message["text"]
    assert "玄関マット" in [b["title"] for b in message["buttons"]]
    assert "」です。" not in message["text"]  # no other item's category stated as the answer
    with get_sessionmaker(catalog)() as session:
        row = session.scalar(select(UnansweredQuestion))
        assert (row.text, row.count) == ("ヨガマットはどうやって捨てるの", 2)


def test_staff_edit_is_answered_on_the_next_message(catalog: str) -> None:
    [before], _ = run(answers.ActionRespond(), "ラップトップは何ごみ")
    assert "見つかりませんでした" in before["text"]
    with get_sessionmaker(catalog)() as session, session.begin():
        pc = session.scalar(select(Item).where(Item.name == "パソコン"))
        session.add(Alias(name="ラップトップ", item_id=pc.id))
        bump_revision(session)
    [after], _ = run(answers.ActionRespond(), "ラップトップは何ごみ")
    assert after["text"].startswith("「パソコン」は「パソコン」です。")


def test_schedule_for_an_area_remembers_it(catalog: str) -> None:
    [message], events = run(
        answers.ActionRespond(), "野方3丁目の燃やすごみは何曜日？", intent="ask_schedule"
    )
    assert message["text"].splitlines()[:2] == [
        "野方3丁目の収集日です。",
        "・燃やすごみ：火曜日・金曜日",
    ]
    area_slot = next(e for e in events if e["name"] == memory.AREA_SLOT)
    [again], _ = run(
        answers.ActionRespond(),
        "不燃ごみは？",
        intent="ask_schedule",
        slots={memory.AREA_SLOT: area_slot["value"]},
    )
    assert "・陶器・ガラス・金属ごみ：第1・第3土曜日" in again["text"]


def test_schedule_without_area_asks_then_answers(catalog: str) -> None:
    [question], events = run(answers.ActionRespond(), "燃えるごみの日は？", intent="ask_schedule")
    assert "町名と丁目" in question["text"]
    assert SlotSet(memory.PENDING_SLOT, "燃えるごみの日は？") in events
    [message], _ = run(
        answers.ActionRespond(),
        "野方3丁目です",
        intent="inform_area",
        slots={memory.PENDING_SLOT: "燃えるごみの日は？"},
    )
    assert "・燃やすごみ：火曜日・金曜日" in message["text"]
    assert "陶器" not in message["text"]


def test_small_talk_answers_an_item_the_model_took_for_a_greeting(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "ざる", intent="greet")
    assert message["buttons"]
    [hello], _ = run(answers.ActionRespond(), "こんにちは", intent="greet")
    assert hello["text"].startswith("こんにちは。中野区のごみ分別案内です。")
    [unsure], _ = run(answers.ActionRespond(), "華道で使う剣山", intent="help", confidence=0.5)
    assert "見つかりませんでした" in unsure["text"]


def test_fallback_is_honest(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "今日の天気は？", intent="nlu_fallback")
    assert message["text"].startswith("申し訳ありません。")
    assert "03-3387-5353" in message["text"]


@pytest.fixture
def frozen_today(catalog: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thursday 2026-12-24 in Tokyo."""
    monkeypatch.setenv("NAKANO_BOT_FIXED_TODAY", "2026-12-24")
    settings_module.get_settings.cache_clear()


def test_next_dates(frozen_today: None) -> None:
    [message], _ = run(
        answers.ActionRespond(), "野方3丁目の次の燃えないごみはいつ？", intent="ask_schedule"
    )
    # 野方3: 陶器・ガラス・金属ごみ on the 1st and 3rd Saturday. 12/26 is the 4th; 1/2 is
    # the 1st but falls in the year-end break; so the 3rd Saturday, 1/16.
    # with its usual days, so that the resident learns the rule as well as the date
    assert "・陶器・ガラス・金属ごみ：第1・第3土曜日（次は1月16日（土））" in message["text"]


def test_tomorrow_and_today(frozen_today: None) -> None:
    [tomorrow], _ = run(
        answers.ActionRespond(), "野方3丁目、明日は何ごみの日？", intent="ask_schedule"
    )
    assert tomorrow["text"].startswith(
        "明日（12月25日（金））、野方3丁目で出せるのは「燃やすごみ」"
    )
    [today], _ = run(answers.ActionRespond(), "野方3丁目 今日出せるごみは？", intent="ask_schedule")
    assert today["text"].startswith(
        "今日（12月24日（木））、野方3丁目で出せるのは「資源プラスチック」"
    )


def test_a_place_outside_nakano_is_said_so(catalog: str) -> None:
    [message], events = run(
        answers.ActionRespond(),
        "高円寺の燃えるごみは何曜日？",
        intent="ask_schedule",
        entities=[{"entity": "area", "value": "高円寺"}],
    )
    assert message["text"].startswith("申し訳ありません。中野区内の町名が見つかりませんでした。")
    assert "曜日" not in message["text"].split("\n")[0]
    assert "鷺宮" in message["text"]
    assert SlotSet(memory.PENDING_SLOT, "高円寺の燃えるごみは何曜日？") in events


def test_an_items_collection_day(catalog: str) -> None:
    messages, events = run(answers.ActionRespond(), "スプレー缶は何曜日に出せばいい？")
    assert messages[0]["text"].startswith("「スプレー缶」は「陶器・ガラス・金属ごみ」です。")
    assert "町名と丁目" in messages[1]["text"]
    pending = next(e["value"] for e in events if e["name"] == memory.PENDING_SLOT)
    [answer], _ = run(
        answers.ActionRespond(),
        "野方3丁目です",
        intent="inform_area",
        slots={memory.PENDING_SLOT: pending},
    )
    assert "・陶器・ガラス・金属ごみ：第1・第3土曜日" in answer["text"]
    assert "燃やすごみ" not in answer["text"]


def _add_alias(catalog: str, alias: str, item_name: str) -> None:
    with get_sessionmaker(catalog)() as session, session.begin():
        item = session.scalar(select(Item).where(Item.name == item_name))
        known = select(Alias).where(Alias.name == alias, Alias.item_id == item.id)
        if session.scalar(known) is None:  # the shipped aliases may have it already
            session.add(Alias(name=alias, item_id=item.id))
            bump_revision(session)


@pytest.mark.parametrize(
    ("action", "intent"),
    [
        (answers.ActionRespond(), "help"),
        (answers.ActionRespond(), "greet"),
        (answers.ActionRespond(), "nlu_fallback"),
        (answers.ActionRespond(), "out_of_scope"),
        (answers.ActionRespond(), "ask_bulky"),
        (answers.ActionRespond(), "ask_schedule"),
    ],
)
def test_an_item_named_outright_wins_over_another_intent(
    catalog: str, action: Any, intent: str
) -> None:
    _add_alias(catalog, "エネループ", "電池（リチウムイオン電池等充電式電池）")
    _add_alias(catalog, "脚立", "はしご")
    [battery], _ = run(action, "エネループもう充電できない", intent=intent)
    assert battery["text"].startswith("「電池（リチウムイオン電池等充電式電池）」は")
    [ladder], _ = run(action, "脚立は粗大ごみですか", intent=intent)
    assert ladder["text"].startswith("「はしご」は「粗大ごみ」です。")


def test_a_sound_alike_is_only_suggested_under_another_intent(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "ベット", intent="greet")
    assert "見つかりませんでした" in message["text"]
    assert "」です。" not in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["ベッド"]
    [answer], _ = run(answers.ActionRespond(), "ベット")
    assert answer["text"].startswith("「ベッド」は「粗大ごみ」です。")


def test_another_word_that_sounds_alike_is_not_the_answer(catalog: str) -> None:
    for text in ("ボート", "FRPのボートを処分したい", "除雪機を捨てたい"):
        [message], _ = run(answers.ActionRespond(), text)
        assert "見つかりませんでした" in message["text"]
        assert "」です。" not in message["text"]
        assert "03-3387-5353" in message["text"]


def test_the_thing_found_in_a_place_is_answered(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "父が使ってた農薬が物置から出てきた")
    assert message["text"].startswith("「農薬類」は「区では収集しないもの」です。")
    [unknown], _ = run(answers.ActionRespond(), "父が使ってた猟銃が物置から出てきた")
    assert unknown["text"].startswith("申し訳ありません。「猟銃」は")


def test_an_unknown_thing_asked_as_bulky_waste_is_not_found(catalog: str) -> None:
    text = "五月の節句で飾ってた甲冑、大きいのを手放したい"
    first, procedure = run(answers.ActionRespond(), text, intent="ask_bulky")[0]
    assert first["text"].startswith("申し訳ありません。「甲冑」は")
    assert procedure["text"].startswith("粗大ごみ")
    [general], _ = run(answers.ActionRespond(), "粗大ごみの出し方を教えて", intent="ask_bulky")
    assert general["text"].startswith("粗大ごみ")


def test_a_thing_taken_for_a_request_for_help_is_not_found(catalog: str) -> None:
    [thing], _ = run(answers.ActionRespond(), "華道で使う剣山", intent="help")
    assert "見つかりませんでした" in thing["text"]
    [help_], _ = run(answers.ActionRespond(), "使い方を教えて", intent="help")
    assert "見つかりませんでした" not in help_["text"]


def test_an_item_asked_for_a_categorys_day_is_answered_as_the_item(catalog: str) -> None:
    messages, _ = run(
        answers.ActionRespond(),
        "クッキーの缶って缶の日に出していいの？",
        intent="ask_schedule",
    )
    assert messages[0]["text"].startswith("「お菓子の缶」は「びん・缶・ペットボトル」です。")
    # Asking which day is still a schedule question.
    [which], _ = run(answers.ActionRespond(), "缶の日はいつ？", intent="ask_schedule")
    assert "」は「" not in which["text"]


@pytest.mark.parametrize(
    ("action", "text", "intent"),
    [
        (answers.ActionRespond(), "お祭りの神輿", "out_of_scope"),
        (answers.ActionRespond(), "祖父の猟銃", "out_of_scope"),
        (answers.ActionRespond(), "鹿の剥製が実家にある", "inform_area"),
    ],
)
def test_a_thing_named_alone_is_not_found_whatever_the_intent(
    catalog: str, action: Any, text: str, intent: str
) -> None:
    [message], _ = run(action, text, intent=intent)
    assert "見つかりませんでした" in message["text"]
    assert "中野区内の町名" not in message["text"]


def test_out_of_scope_chat_still_gets_the_general_answer(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "今日の天気は？", intent="out_of_scope")
    assert message["text"].startswith("申し訳ありません。うまくお答えできませんでした。")


def test_variants_answered_together_label_their_notes(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "いすを捨てたい")
    lines = message["text"].splitlines()
    assert lines[0] == "「いす」は「粗大ごみ」です。"
    assert any(line.startswith("（金属製）") for line in lines)
    assert any(line.startswith("（木製）") for line in lines)


@pytest.mark.parametrize(
    "text",
    ["https://www.example.com/gomi", "info@example.com", "03-1234-5678", "example.com見て"],
)
def test_addresses_and_numbers_are_not_item_names(catalog: str, text: str) -> None:
    [message], _ = run(answers.ActionRespond(), text, intent="nlu_fallback", confidence=0.3)
    assert "」は「" not in message["text"]
    assert "「com」" not in message["text"]
    assert not any("くし" in b["title"] for b in message.get("buttons") or [])


def test_a_group_collection_day_the_data_lacks_sends_to_the_office(catalog: str) -> None:
    """The ward's data says 古紙・古着 go to the neighbourhood groups, not when: the answer
    says so and gives the office's number, in Japanese and in a translation."""
    for text in (
        "うちの町会の集団回収の日を知りたい",
        "When is the group collection for old paper?",
    ):
        messages, _ = run(answers.ActionRespond(), text, intent="ask_schedule")
        reply = "\n".join(m["text"] for m in messages)
        assert "集団回収" in reply
        assert "03-3387-5353" in reply


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "25cmくらいの扇風機",
            "「扇風機（一辺が30cm以下のもの）」は「陶器・ガラス・金属ごみ」です。",
        ),
        ("80センチのぬいぐるみ", "「ぬいぐるみ（一辺が30cmを超えるもの）」は「粗大ごみ」です。"),
        ("ぬいぐるみ", "「ぬいぐるみ」は「燃やすごみ」です。"),  # no size: as the table says
        ("20cmのぬいぐるみ", "「ぬいぐるみ」は「燃やすごみ」です。"),  # within: as the table says
    ],
)
def test_an_item_named_with_its_size_gets_the_category_for_that_size(
    catalog: str, text: str, answer: str
) -> None:
    messages, _ = run(answers.ActionRespond(), text)
    assert messages[0]["text"].startswith(answer)


def test_a_category_matched_as_well_alone_as_with_the_topic_is_about_the_category(
    catalog: str,
) -> None:
    """「粗大ごみも同じ？」 after the put-out time matches the bulky-waste entries as well
    either way; alone, the ranking puts one first, so that one answers, with no question
    back."""
    slots = {memory.LAST_TOPIC_SLOT: "collection_rules"}
    [message], _ = run(answers.ActionRespond(), "粗大ごみも同じ？", "ask_general", 1.0, slots)
    assert not message["buttons"] or "どちら" not in message["text"]
    assert "粗大ごみ" in message["text"]
    assert "8時" in message["text"]


def test_a_phone_asked_after_a_topic_is_the_topics_phone(catalog: str) -> None:
    """「電話番号教えて」 covers the ward office's entry as well as the bulky-waste centre's;
    after 「粗大ごみの出し方」 it is the centre's number, and asked first the office's."""
    slots = {memory.LAST_TOPIC_SLOT: "bulky_waste"}
    [message], _ = run(answers.ActionRespond(), "電話番号教えて", "ask_general", 1.0, slots)
    assert "03-5715-2255" in message["text"]
    [message], _ = run(answers.ActionRespond(), "電話番号教えて", "ask_general", 1.0)
    assert "03-3387-5353" in message["text"]


def test_the_topic_wins_a_near_match_only_where_alone_nothing_is_clear(catalog: str) -> None:
    """「電話は何時から何時まで？」 after bulky waste matches the put-out time's entry a little
    better alone, and is the centre's hours; 「ごみは何時までに出せばいい？」 matches the
    put-out time clearly, whatever came before."""
    slots = {memory.LAST_TOPIC_SLOT: "bulky_waste"}
    messages, _ = run(
        answers.ActionRespond(), "電話は何時から何時まで？", "ask_general", 1.0, slots
    )
    assert "19時" in messages[0]["text"]
    messages, _ = run(
        answers.ActionRespond(), "ごみは何時までに出せばいい？", "ask_general", 1.0, slots
    )
    assert messages[0]["text"].startswith("収集日の朝8時までに")


def test_a_can_said_to_be_drunk_is_the_drink_can(catalog: str) -> None:
    messages, _ = run(
        answers.ActionRespond(), "飲み終わった缶は洗ってから出すべき？", "ask_general"
    )
    assert messages[0]["text"].startswith("「缶（飲食用）」は「びん・缶・ペットボトル」です。")


def test_a_question_back_between_entries_says_where_to_ask(catalog: str) -> None:
    """When neither entry offered is what the resident meant, the office still is."""
    text = "分別がわからないものがあったとき、電話で聞けるところありますか"
    [message], _ = run(answers.ActionRespond(), text, "ask_general", 1.0)
    assert len(message["buttons"]) >= 2
    assert "03-3387-5353" in message["text"]


def test_entries_on_one_subject_answer_instead_of_asking_back(catalog: str) -> None:
    """「粗大ごみって予約しないで出しちゃだめ？」 matches how bulky waste goes out and where
    to apply about as well: both are about bulky waste, so the best answers and the other
    stands beside it as a button."""
    [message], _ = run(
        answers.ActionRespond(), "粗大ごみって予約しないで出しちゃだめ？", "ask_general", 1.0
    )
    assert "どちら" not in message["text"]
    assert "03-5715-2255" in message["text"]


def test_a_phone_asked_after_a_bulky_item_is_the_centres(catalog: str) -> None:
    """After 「ベッド」 (粗大ごみ), 「電話番号を教えてください」 matches the office's contact a
    little better alone; it does not speak of garbage itself, so it is the centre's."""
    _, events = run(answers.ActionRespond(), "ベッドを捨てたいです")
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    messages, _ = run(
        answers.ActionRespond(), "電話番号を教えてください", "ask_general", 1.0, slots
    )
    assert "03-5715-2255" in messages[0]["text"]


def test_the_weather_is_for_the_office(catalog: str) -> None:
    [message], _ = run(answers.ActionRespond(), "台風の日ってごみ収集ある？", "ask_schedule", 1.0)
    assert "03-3387-5353" in message["text"]
    assert "町名" not in message["text"]
