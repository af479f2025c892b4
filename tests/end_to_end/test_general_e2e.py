"""General questions, categories and follow-ups through ``POST /api/chat``, with the real
Rasa model, the real action server and the real catalog; and a staff edit of a knowledge
entry answered on the next message."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from bot.settings import Settings
from bot.staff import operations as ops
from bot.staff.audit import acting_as, staff_sessionmaker


def conversation(client: TestClient, *texts: str) -> list[dict]:
    """Send ``texts`` in one new conversation; the reply to the last."""
    sender = f"general-{uuid.uuid4().hex[:10]}"
    messages: list[dict] = []
    for text in texts:
        response = client.post("/api/chat", json={"sender_id": sender, "text": text})
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
    return messages


def said(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ゴミ出しは朝の何時まで？", "8時"),
        ("年末はいつまで出せる？", "12月31日"),
        ("祝日って収集ある？", "祝日も通常どおり"),
        ("収集車が来なかった", "03-3387-5353"),
        ("ガス抜きはしたほうがいいの？", "穴を開けずに"),
        ("粗大ごみの申し込みは何時まで？", "19時"),
        ("ゴミ袋が10個くらいになりそう", "5袋以上"),
    ],
)
def test_general_questions_are_answered_from_the_knowledge_entries(
    client: TestClient, question: str, expected: str
) -> None:
    reply = said(conversation(client, question))
    assert expected in reply
    assert "見つかりませんでした" not in reply


def test_a_category_asked_about_itself(client: TestClient) -> None:
    reply = said(conversation(client, "資源プラスチックとは？"))
    assert "「資源プラスチック」" in reply
    assert "週1回" in reply
    assert "見つかりませんでした" not in reply
    with_area = said(conversation(client, "野方3丁目です", "燃やすごみは週に何回？"))
    assert "週2回" in with_area
    assert "火曜日・金曜日" in with_area


def test_its_day_after_an_item_is_that_categorys_day_only(client: TestClient) -> None:
    reply = said(conversation(client, "野方3丁目です", "フライパン", "それっていつ出せる？"))
    assert "陶器・ガラス・金属ごみ：第1・第3土曜日" in reply
    assert "燃やすごみ：" not in reply


def test_the_same_question_for_another_chome(client: TestClient) -> None:
    first = said(conversation(client, "若宮1丁目の燃やすごみは？"))
    reply = said(conversation(client, "若宮1丁目の燃やすごみは？", "隣の2丁目だと？"))
    assert "若宮" in reply
    assert "燃やすごみ：" in reply
    assert "資源プラスチック：" not in reply
    assert reply != first


def test_another_category_for_the_same_area(client: TestClient) -> None:
    reply = said(conversation(client, "松が丘2丁目の燃やすごみは？", "びん・缶・ペットボトルは？"))
    assert "松が丘" in reply
    assert "びん・缶・ペットボトル：" in reply
    assert "どれに当たりますか" not in reply


def test_a_refinement_chooses_the_variant(client: TestClient) -> None:
    reply = said(conversation(client, "蛍光灯", "割れてるんです"))
    assert "「陶器・ガラス・金属ごみ」です" in reply
    assert "見つかりませんでした" not in reply


def test_more_about_the_last_topic(client: TestClient) -> None:
    reply = said(conversation(client, "大きい棚を捨てたい", "スマホから申し込める？"))
    assert "03-5715-2255" in reply or "インターネット" in reply
    assert "使用済小型家電" not in reply


def test_the_fallback_never_quotes_a_fragment(client: TestClient) -> None:
    reply = conversation(client, "How should I throw out an old kettle?")
    assert "「How」" not in said(reply)
    for question in (
        "中野駅の周りは毎日回収してるって本当？",
        "年末は何日まで収集してもらえますか",
    ):
        reply = said(conversation(client, question))
        for fragment in ("「中野駅」", "「本当」", "「何日」"):
            assert fragment not in reply


def test_a_question_joining_what_two_examples_say(client: TestClient) -> None:
    """The entry's words together, not one example's: ゴールデンウィーク and 回収."""
    reply = said(conversation(client, "ゴールデンウィーク中もごみの回収ってやってますか"))
    assert "祝日も通常どおり" in reply


def test_a_day_asked_after_a_schedule_answer_repeats_its_question(client: TestClient) -> None:
    reply = said(conversation(client, "上高田1丁目です", "生ごみ", "いつ出せばいい？"))
    assert "燃やすごみ：月曜日・木曜日" in reply
    assert "資源プラスチック：" not in reply


def test_the_area_said_in_a_sentence_is_remembered(client: TestClient) -> None:
    reply = said(
        conversation(client, "鷺宮3丁目に住んでいます", "フライパンを捨てたい", "出す日は？")
    )
    assert "陶器・ガラス・金属ごみ：第1・第3水曜日" in reply


def test_the_size_of_the_last_item_said_with_its_name(client: TestClient) -> None:
    bigger = said(conversation(client, "鍋はなにごみ？", "大きい鍋で40センチくらいある"))
    assert "「粗大ごみ」" in bigger
    smaller = said(conversation(client, "扇風機捨てたい", "小さいやつで30cm以下なんだけど"))
    assert "「陶器・ガラス・金属ごみ」です" in smaller
    assert "「粗大ごみ」です" not in smaller


def test_a_day_asked_after_an_item_in_the_place_named(client: TestClient) -> None:
    reply = said(conversation(client, "やかんって何ごみ？", "それ野方3丁目だといつ？"))
    assert "陶器・ガラス・金属ごみ：第1・第3土曜日" in reply
    assert "毎日収集" not in reply


def test_a_town_said_without_its_chome_waits_for_it(client: TestClient) -> None:
    """「野方に住んでる」 needs its 丁目: a day asked next asks it again for 野方, and a 丁目
    said alone later is taken in 野方."""
    asked = said(conversation(client, "野方に住んでる", "燃やすごみの日は？"))
    assert "野方の何丁目" in asked
    reply = said(conversation(client, "野方に住んでる", "燃やすごみの日は？", "5丁目です"))
    assert "燃やすごみ：水曜日・土曜日" in reply


def test_a_town_whose_chome_share_the_days_asked_needs_no_chome(client: TestClient) -> None:
    """Every 丁目 of 白鷺 has 燃やすごみ on 火曜日・金曜日, but not the same 陶器・ガラス・
    金属ごみ days: the first is answered for the town, the second asks the 丁目."""
    reply = said(conversation(client, "白鷺の燃やすごみは何曜日？"))
    assert "白鷺の収集日" in reply
    assert "燃やすごみ：火曜日・金曜日" in reply
    assert "何丁目" not in reply
    other = said(conversation(client, "白鷺の燃やすごみは何曜日？", "不燃ごみの日は？"))
    assert "白鷺の何丁目" in other
    no_such_chome = said(conversation(client, "白鷺7丁目の燃やすごみは何曜日？"))
    assert "白鷺の何丁目" in no_such_chome


def test_a_category_day_asked_with_please_tell_me(client: TestClient) -> None:
    reply = said(conversation(client, "本町3丁目です", "不燃ごみの日を教えて"))
    assert "陶器・ガラス・金属ごみ：第2・第4木曜日" in reply


@pytest.mark.parametrize(
    "turns",
    [
        ("ベッドを捨てたい", "何番に電話すればいい？"),
        ("How do I throw away a bed frame?", "what number do I call?"),
        ("舊的床要怎麼丟？", "要打幾號電話？"),
    ],
)
def test_the_number_to_call_after_a_bulky_item(client: TestClient, turns: tuple[str, str]) -> None:
    """After a bulky item, the number asked is the bulky-waste centre's, not the office's."""
    assert "03-5715-2255" in said(conversation(client, *turns))


def test_a_case_the_last_items_notes_give_a_category_for(client: TestClient) -> None:
    """衣類's notes send soiled ones to 燃やすごみ (ラップ's 芯 is an item of its own), and
    the notes of びん（飲食用） broken ビールびん; a case the notes do not name is the item's
    own answer again."""
    reply = said(conversation(client, "着なくなった服はどう捨てる？", "汚れてるやつは？"))
    assert reply.startswith("「服（汚れている場合）」は「燃やすごみ」です。")
    again = said(conversation(client, "着なくなった服はどう捨てる？", "汚れてないやつは？"))
    assert "「燃やすごみ」です" not in again
    part = said(conversation(client, "ラップは何ごみ？", "芯は？"))  # the catalog's ラップの芯
    assert part.startswith("「ラップの芯」は「古紙（集団回収）」です。")
    kind = said(conversation(client, "ビールびんは？", "割れてたら？"))
    assert kind.startswith("「ビールびん（割れたびん）」は「陶器・ガラス・金属ごみ」です。")


def test_a_date_in_the_new_year_break_needs_no_area(client: TestClient) -> None:
    reply = said(conversation(client, "1月2日に燃やすごみを出してもいいですか"))
    assert "12月31日から1月3日" in reply
    assert "町名と丁目" not in reply


def test_an_items_rules_in_an_entry_that_lists_it(client: TestClient) -> None:
    """スプレー缶's own notes do not say 穴を開けずに; the entry whose title lists it does."""
    reply = said(conversation(client, "スプレー缶は穴を開けてから捨てるんですよね？"))
    assert "「陶器・ガラス・金属ごみ」です" in reply
    assert "穴を開けずに" in reply


def test_a_situation_naming_an_item_is_about_the_situation(client: TestClient) -> None:
    reply = said(conversation(client, "公園の横に冷蔵庫が不法投棄されてるのを見つけた"))
    assert "03-3387-5353" in reply
    assert "家電リサイクル法対象品目" not in reply


def test_a_bare_question_after_a_topic_is_about_the_topic(client: TestClient) -> None:
    reply = said(conversation(client, "本棚は何ごみ？", "どうやって出せばいいの？"))
    assert "03-5715-2255" in reply
    assert "集団回収" not in reply


def test_a_staff_edit_of_a_knowledge_entry_is_answered_next(
    client: TestClient, e2e_settings: Settings
) -> None:
    question = "町内会の清掃で出たごみはどうしたらいい？"
    before = said(conversation(client, question))
    assert "区の清掃事業" not in before
    with staff_sessionmaker(e2e_settings.database_url)() as session, acting_as("test"):
        ops.create_text(
            session,
            "community_cleanup",
            "地域の清掃活動のごみ",
            "地域の清掃活動で出たごみは、区の清掃事業のボランティア袋についてお問い合わせください。",
            examples="町内会の清掃で出たごみ\n地域の清掃活動のごみの出し方",
        )
        session.commit()
    assert "区の清掃事業" in said(conversation(client, question))
    with staff_sessionmaker(e2e_settings.database_url)() as session, acting_as("test"):
        ops.update_text(session, "community_cleanup", examples="全く別の質問")
        session.commit()
