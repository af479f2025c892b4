"""Foreign residents: the language of a message, its Japanese rendering, and answers said in
the resident's language — with the shipped phrase tables, translations and catalog, and
the real action code."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
import yaml
from sqlalchemy import select, update

from actions import answers
from bot.catalog.db import bump_revision, get_sessionmaker
from bot.catalog.loader import LiveCatalog
from bot.catalog.models import ChatEvent, Translation, UnansweredQuestion, WardText
from bot.catalog.translations import Translations
from bot.i18n import DATA_DIR
from bot.i18n.detect import TRADITIONAL_CHINESE, language_of
from bot.i18n.pivot import Phrases, Pivot, phrases, plural, singular
from bot.i18n.voice import Voice
from tests.support.actions import run


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("電池", "ja"),  # kanji alone, as Japanese writes it
        ("粗大ごみ", "ja"),
        ("野方3丁目", "ja"),
        ("上鷺宮", "ja"),
        ("スプレー缶に穴は開ける？", "ja"),
        ("旧手机怎么处理？", "zh"),  # characters Japanese does not write
        ("野方3丁目的可燃垃圾是星期几", "zh"),  # a Japanese place in a Chinese question
        ("舊手機怎麼處理", TRADITIONAL_CHINESE),
        ("电视怎么扔", "zh"),
        ("这个垃圾怎么扔？ゴミ", "zh"),  # kana among Chinese words: the statistical detector
        ("垃圾の分別", "ja"),
        ("우산 버리는 법", "ko"),
        ("노가타 3초메", "ko"),
        ("How should I throw out an old kettle?", "en"),
        ("Honcho 3-chome: when is 陶器・ガラス・金属ごみ collected?", "en"),  # a name copied
        ("iPhoneの充電器", "ja"),
        ("hi", "en"),
        ("PC", None),  # an item's name in Japanese as much as in English
        ("CD?", None),
        ("42", None),
        ('/ask_item{"item_id": 3}', None),  # a button's payload
        ("https://www.example.com/gomi", None),
    ],
)
def test_the_language_of_a_message(text: str, language: str | None) -> None:
    assert language_of(text) == language


def test_english_plurals_fold_to_one_word() -> None:
    words = ("batteries", "boxes", "knives", "bottles", "glass", "bus", "cases", "glasses")
    assert [singular(w) for w in words] == [
        "battery", "box", "knife", "bottle", "glass", "bus", "case", "glass",
    ]  # fmt: skip
    assert [plural(w) for w in ("aa battery", "box", "cup")] == ["aa batteries", "boxes", "cups"]


def test_english_with_japanese_in_it_keeps_the_japanese() -> None:
    pivot = Pivot("en", [("umbrella", "傘")], phrases("en"))
    rendering = pivot.render("Nogata 3-chome: when is 陶器・ガラス・金属ごみ collected?")
    assert "陶器・ガラス・金属ごみ" in rendering.japanese
    assert "野方3丁目" in rendering.japanese
    assert rendering.unknown == []


def test_an_english_name_ends_with_its_sentence() -> None:
    """ "trash. Can we" is no trash can; a misspelt plural still names its item."""
    pivot = Pivot("en", [("trash can", "ごみ箱"), ("aa battery", "乾電池")], phrases("en"))
    assert pivot.render("8 bags of trash. Can we put them out at once?").items == []
    assert pivot.render("Where does a trash can go?").items == ["ごみ箱"]
    assert pivot.render("used AA batteris").items == ["乾電池"]


def test_a_korean_name_does_not_straddle_two_words() -> None:
    """The 서가 (bookshelf) of 「구청에서 가져가나요」 is the end of one word and the start of
    the next; a name written with its space is still one name."""
    pivot = Pivot("ko", [("서가", "本棚"), ("전자레인지", "電子レンジ")], phrases("ko"))
    assert pivot.render("피아노 구청에서 가져가나요?").items == []
    assert pivot.render("전자 레인지 버리기").items == ["電子レンジ"]


def test_a_town_written_by_ear_before_its_number_is_the_town() -> None:
    """A town spelt as it sounds, right before its 丁目 number, is the town; a word before
    a number that is like no town stays what it was."""
    english = Pivot("en", [("sofa", "ソファー")], phrases("en"))
    assert "鷺宮4丁目" in english.render("Hi, I'm in Sagimiya 4 chome").japanese
    assert "丁目" not in english.render("there are 2 sofas and 3 chairs").japanese
    korean = Pivot("ko", [], phrases("ko"))
    assert "上高田1丁目" in korean.render("가미타카타 1초메 타는쓰레기 요일 알려줘").japanese


def test_an_english_message_rendered_into_japanese() -> None:
    """Item names (plural, misspelt), a town with its 丁目 in its usual forms, and the
    words that make it a schedule question, with the shipped English phrase table."""
    pivot = Pivot("en", [("umbrella", "傘"), ("frying pan", "フライパン")], phrases("en"))
    assert pivot.render("Frying pans?").items == ["フライパン"]
    umbrella = pivot.render("my umbrela broke, what garbage is it")
    assert umbrella.items == ["傘"]
    assert umbrella.said == {"傘": "umbrella"}  # answered with the word, spelt right
    for place in ("Nogata 3-chome", "nogata 3", "3-chome Nogata", "Nogata 3-12-5"):
        assert (
            "野方3丁目" in pivot.render(f"when is burnable garbage collected in {place}").japanese
        )
    japanese = pivot.render("When is burnable garbage collected in Nogata 3-chome?").japanese
    assert "燃やすごみ" in japanese
    assert "いつ" in japanese or "曜日" in japanese
    assert pivot.render("can I throw away a xylophone").unknown == ["xylophone"]


@pytest.mark.parametrize(
    ("text", "japanese"),
    [
        ("leftover paint", "生ごみのペンキ"),  # a name before another qualifies it
        ("caps of plastic bottles", "ペットボトルのキャップ"),  # "of": the next one's
        ("paint, leftovers", "ペンキ 生ごみ"),  # two things
        ("paint/leftovers", "ペンキ 生ごみ"),
        ("paint and leftovers", "ペンキ"),
    ],
)
def test_english_names_side_by_side(text: str, japanese: str) -> None:
    aliases = [("paint", "ペンキ"), ("leftover", "生ごみ"), ("cap", "キャップ"),
               ("plastic bottle", "ペットボトル")]  # fmt: skip
    rendering = Pivot("en", aliases, phrases("en")).render(text)
    assert rendering.japanese.startswith(japanese)
    assert len(rendering.items) == 2


def test_korean_particles_and_spacing() -> None:
    pivot = Pivot("ko", [("우산", "傘")], phrases("ko"))
    for text in ("우산은 어떻게 버려요?", "우산 버리는법", "우산을 버리고 싶어요"):
        rendering = pivot.render(text)
        assert rendering.items == ["傘"], text
        assert rendering.unknown == [], (text, rendering)
    assert "野方3丁目" in pivot.render("노가타 3초메 타는 쓰레기 언제?").japanese


def test_chinese_in_traditional_characters_meets_simplified_names() -> None:
    pivot = Pivot("zh", [("手机", "携帯電話")], Phrases(towns={"上鷺宮": "上鷺宮"}))
    assert pivot.render("舊手機怎麼處理").items == ["携帯電話"]
    assert "上鷺宮3丁目" in pivot.render("上鹭宫3-5-1").japanese


@pytest.mark.parametrize("language", ["en", "zh", "ko"])
def test_no_phrase_is_listed_twice(language: str) -> None:
    """YAML keeps the last of two same keys without a word: a phrase listed twice is
    rendered by whichever comes last, whatever the first says."""
    document = yaml.compose((DATA_DIR / language / "phrases.yml").read_text(encoding="utf-8"))
    words = next(value for key, value in document.value if key.value == "words")
    listed = Counter(key.value for key, _ in words.value)
    assert [phrase for phrase, count in listed.items() if count > 1] == []


def test_one_chinese_or_korean_letter_left_over_is_no_thing() -> None:
    """The 「天」 of a phrase the pivot does not know (「伞那天」, its 「那」 a particle) is
    not the name of a thing the resident asks about; two letters may be (「木琴」), and so
    may one English word (a thing spelt wrong)."""
    pivot = Pivot("zh", [("伞", "傘")], Phrases(particles=("那",)))
    rendering = pivot.render("伞那天")
    assert rendering.items == ["傘"]
    assert rendering.unknown == []
    assert pivot.render("伞那木琴").unknown == ["木琴"]
    assert Pivot("en", [], Phrases()).render("zither").unknown == ["zither"]


def test_chinese_follow_up_phrases_leave_nothing_unknown() -> None:
    """Words of a follow-up about the day or the number (「那天」「以后」「打几号电话」) are
    rendered, not taken for a thing the bot does not know."""
    pivot = Pivot("zh", [], phrases("zh"))
    for text in ("处理券贴好以后，收的那天要几点前放出去？", "要打幾號電話？", "听说是真的吗"):
        assert pivot.render(text).unknown == [], text


def test_weekdays_and_dates_are_said_the_languages_way() -> None:
    voice = {code: Voice(code, Translations([])) for code in ("ja", "en", "zh", "ko")}
    assert voice["ja"].weekday_rule([1, 4], []) == "火曜日・金曜日"
    assert voice["ja"].weekday_rule([5], [2, 4]) == "第2・第4土曜日"
    assert voice["en"].weekday_rule([1, 4], []) == "Tuesday and Friday"
    assert voice["en"].weekday_rule([5], [2, 4]) == "the 2nd and 4th Saturday of the month"
    assert voice["zh"].weekday_rule([5], [1, 3]) == "每月第1个、第3个星期六"
    assert voice["ko"].weekday_rule([1, 4], []) == "화요일·금요일"
    day = date(2026, 12, 8)
    assert voice["ja"].date(day) == "12月8日（火）"
    assert voice["en"].date(day) == "Tuesday, December 8"
    assert voice["zh"].date(day) == "12月8日（星期二）"
    assert voice["ko"].date(day) == "12월 8일(화요일)"


def test_traditional_chinese_keeps_the_japanese_names_as_they_are() -> None:
    translations = Translations(
        [("category", "使用済小型家電（拠点回収）", "name", "zh", "使用済小型家電（拠点回収）",
          "小型家电（定点回收）")]
    )  # fmt: skip
    said = Voice(TRADITIONAL_CHINESE, translations).category("使用済小型家電（拠点回収）")
    assert said.startswith("小型家電")  # the Chinese in Traditional characters
    assert said.endswith("（使用済小型家電（拠点回収））")  # the Japanese untouched


# --- answers, through the real action and the shipped catalog ------------------------------


@pytest.fixture
def catalog(actions_catalog: str) -> str:
    return actions_catalog


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def test_an_english_item_question_is_answered_in_english(catalog: str) -> None:
    messages, events = run(answers.ActionRespond(), "How do I throw away a frying pan?")
    text = _text(messages)
    assert "陶器・ガラス・金属ごみ" in text  # the Japanese name the calendar shows
    assert "Ceramic, glass and metal waste" in text
    assert "は「" not in text  # no Japanese sentence
    assert {"event": "slot", "name": "language", "value": "en"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    with get_sessionmaker(catalog)() as session:
        assert session.scalars(select(ChatEvent.language)).all() == ["en"]


def test_korean_schedule_and_a_button_payload_keeps_the_language(catalog: str) -> None:
    messages, events = run(
        answers.ActionRespond(), "노가타 3초메 타는 쓰레기 언제?", intent="ask_schedule"
    )
    assert "화요일·금요일" in _text(messages)
    assert "燃やすごみ" in _text(messages)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    payload = '/ask_item{"item_id": 1}'
    messages, _ = run(
        answers.ActionRespond(),
        payload,
        entities=[{"entity": "item_id", "value": 1}],
        slots=slots,
    )
    assert "입니다" in _text(messages)  # the tapped item answered in Korean


def test_an_unknown_thing_is_named_in_the_residents_words(catalog: str) -> None:
    messages, _ = run(answers.ActionRespond(), "can I throw away a xylophone")
    text = _text(messages)
    assert "“xylophone”" in text
    assert "03-3387-5353" in text
    with get_sessionmaker(catalog)() as session:
        question = session.scalars(select(UnansweredQuestion)).one()
        assert (question.text, question.language) == ("can I throw away a xylophone", "en")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("洗衣机", "家電リサイクル法対象品目"),  # 洗/衣/机 to Sudachi: no Japanese words
        ("一次性打火机", "陶器・ガラス・金属ごみ"),
        ("事務机", "粗大ごみ"),  # 事務 is a Japanese word: a Japanese desk
    ],
)
def test_kanji_alone_are_read_in_the_language_that_names_them(
    catalog: str, text: str, category: str
) -> None:
    text_said = _text(run(answers.ActionRespond(), text)[0])
    assert f"（{category}）" in text_said or f"「{category}」" in text_said


def test_a_date_written_in_another_language_is_no_unknown_thing(catalog: str) -> None:
    """「1月2日」 left as it is by the Chinese rendering is a date, in the New Year break."""
    text = _text(run(answers.ActionRespond(), "1月2日收垃圾吗？", intent="ask_item")[0])
    assert "12月31日" in text
    assert "没有找到" not in text


def test_a_name_inside_a_word_the_language_does_not_know_is_no_answer(catalog: str) -> None:
    """The 「机」 of 「无人机」 (a drone) is no desk."""
    text = _text(run(answers.ActionRespond(), "无人机怎么扔")[0])
    assert "粗大ごみ" not in text
    assert "03-3387-5353" in text


def test_a_japanese_text_changed_by_staff_is_said_in_japanese_until_translated(
    catalog: str,
) -> None:
    """A translation of an older Japanese text would say something else: the resident
    reads the current Japanese, with a line in their language saying why."""
    greeting, _ = run(answers.ActionRespond(), "Hello", intent="greet")
    assert greeting[0]["text"].startswith("Hello")
    with get_sessionmaker(catalog)() as session, session.begin():
        session.execute(
            update(WardText)
            .where(WardText.key == "greet")
            .values(body="こんにちは。新しい挨拶です。")
        )
        bump_revision(session)
    changed, _ = run(answers.ActionRespond(), "Hello", intent="greet")
    assert changed[0]["text"] == (
        "(Not yet translated into English; here it is in Japanese.)\nこんにちは。新しい挨拶です。"
    )
    with get_sessionmaker(catalog)() as session, session.begin():
        row = session.scalars(
            select(Translation).where(
                Translation.key == "greet",
                Translation.field == "body",
                Translation.language == "en",
            )
        ).one()
        row.source, row.body = "こんにちは。新しい挨拶です。", "Hello. A new greeting."
        bump_revision(session)
    again, _ = run(answers.ActionRespond(), "Hello", intent="greet")
    assert again[0]["text"] == "Hello. A new greeting."


def test_example_questions_translated_from_older_japanese_ones_are_not_used(
    catalog: str,
) -> None:
    """Translated examples match foreign questions only while they translate the Japanese
    examples as they are; blank lines a clerk adds do not change that."""
    live = LiveCatalog(get_sessionmaker(catalog))
    english = live.knowledge("en").entries["many_bags"]
    assert english.examples != live.knowledge().entries["many_bags"].examples
    with get_sessionmaker(catalog)() as session, session.begin():
        text = session.get(WardText, "many_bags")
        text.examples = "\n\n".join(f" {line}" for line in text.examples.splitlines()) + "\n"
        bump_revision(session)
    assert live.knowledge("en").entries["many_bags"].examples == english.examples
    with get_sessionmaker(catalog)() as session, session.begin():
        session.get(WardText, "many_bags").examples += "\nごみ袋は何個まで？"
        bump_revision(session)
    assert "many_bags" not in live.knowledge("en").entries
    assert "many_bags" in live.knowledge().entries


def test_japanese_answers_are_unchanged_by_the_languages(catalog: str) -> None:
    messages, events = run(answers.ActionRespond(), "スプレー缶は何ごみ？")
    assert messages[0]["text"].startswith("「スプレー缶」は「陶器・ガラス・金属ごみ」です。")
    assert not [e for e in events if e.get("name") == "language"]
    assert json.dumps(messages, ensure_ascii=False).count("(") == 0
