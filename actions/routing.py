"""Which kind of answer a message gets: one decision, made from one reading.

The NLU model says what kind of question it thinks a message is; the catalog, the area
table, the knowledge entries and the conversation so far get their say too. All of that is
weighed here, in :func:`route`, and nowhere else.
"""

from __future__ import annotations

from enum import Enum

from actions.memory import Context
from actions.reading import Reading
from actions.reminders import REMINDER_INTENTS
from bot.catalog.knowledge import ANSWER_COVERAGE
from bot.catalog.words import matching_words
from bot.japanese import match_key

#: A reminder intent (「通知を登録」) below this confidence is not taken for one: a message
#: the model is unsure of is a question, which the rows below answer.
REMINDER_CONFIDENCE = 0.8
#: Below this intent confidence, small talk that names a thing is taken for an item question.
SMALL_TALK_CONFIDENCE = 0.8
#: A knowledge entry this clear answers even when the model took the message for
#: something else.
CLEAR_COVERAGE = 0.75
SMALL_TALK_INTENTS = {"greet", "thanks", "goodbye", "help", "bot_challenge"}
#: Small talk that is never a question about the last topic (「ありがとう」 names nothing too).
_SOCIAL = {"greet", "thanks", "goodbye", "bot_challenge"}
#: A message the model took for a general question this surely needs only
#: :data:`GUESS_COVERAGE` to be answered from the entries (an entry clearly ahead, or a
#: question back): the model was trained on the entries' kind of question, and words that
#: no entry uses (「中野駅」「本当」) lower the coverage of a plain general question.
CONFIDENT_GENERAL = 0.9
GUESS_COVERAGE = 0.3
#: Right after a topic, a message naming nothing (「どうやって出せばいいの？」) needs only a
#: weaker match, read with the topic's title, to be about it.
FOLLOW_UP_COVERAGE = 0.4


class Route(str, Enum):
    """The kinds of answer."""

    #: The category of the items named (or of a tapped item button).
    ITEM = "item"
    #: The last item's collection day: 「それっていつ出せる？」.
    ITEM_DAY = "item_day"
    #: The last item again, told apart by what the message adds: 「割れてる」「金属製」「大きい」.
    REFINE = "refine"
    #: Collection days of an area, or a date's categories.
    SCHEDULE = "schedule"
    #: A category itself: what it is, what goes in it, how often.
    CATEGORY = "category"
    #: A knowledge entry (よくある質問).
    GENERAL = "general"
    #: How to put out bulky waste.
    BULKY = "bulky"
    #: Greetings, thanks, help, "are you a bot".
    SMALL_TALK = "small_talk"
    #: Anything else: what the bot can answer, and where to ask.
    FALLBACK = "fallback"
    #: LINE reminders: asking for them, stopping them, what is stored.
    REMINDER = "reminder"


def route(reading: Reading, context: Context) -> Route:
    """The kind of answer for ``reading``: the first row that holds.

    ===  =======================================================================  ==========
    row  the message …                                                            route
    ===  =======================================================================  ==========
    0    names no item but in a category's name, and asks for reminders, to      REMINDER
         stop them or what is stored (the model's reminder intents, surely —
         not only categories after a collection-day answer); or, while
         reminders are being set up (waiting for the area, or just confirmed),
         names a place, or categories without asking a day
    1    is a tapped item button                                                  ITEM
    2    names no item (or the last item again), asks a day and points back      ITEM_DAY
         (or names nothing at all, or nothing but a place), after an item answer
    3    tells more of the last item: read with its name it names another         REFINE
         variant (「割れてる」「金属製」, 「それのキャップは？」), or it names only a
         part its notes give a category for (「キャップは？」); or, naming no item
         (or the last item again: 「大きい鍋で40センチ」), it gives the size of an
         item whose notes set one, it speaks to the item's notes (not asking
         what a topic they name holds), it asks about 「それ」, or, naming
         nothing, where (「どこに持っていけばいい？」)
    4    names only a place (or only a 丁目, in the remembered town), or, after   SCHEDULE
         a collection-day answer, nothing but a day asked (「いつ出せばいい？」),
         or, the area known, asks a day of garbage or its collection, naming no
         thing and no category (「収集日を一覧で教えてほしい」)
    5    names no item and a day the rules speak of for everyone (「祝日」), the    GENERAL,
         area unknown, or, whatever it names, a phrase that decides the topic      SCHEDULE
         (「今朝回収されていなかった」「誰かが冷蔵庫を捨てていきました」「粗大
         ごみのシール」); else names only collected categories, with
         a day asked or the area known, or names categories and asks a day, naming
         nothing else (or writes out a date, naming no item: 「1月2日に燃やすごみを
         出していい？」)
    6    asks about a category itself (「とは」「何が入る」「何回」), naming no     CATEGORY
         other item; or, after a category answer with no area known, names
         only another category (「陶器・ガラス・金属ごみは？」)
    7    names a place and no item, with collected categories, a day asked       SCHEDULE
         (「東中野1丁目で第1・第3火曜日に出すのは何ごみ？」) or taken by the
         model for telling the area (「鷺宮3丁目に住んでいます」), unless another
         sentence asks what an entry clearly answers
    8    names something besides question words, no item, and matches a          GENERAL
         knowledge entry, taken by the model for a general question (or not
         placed, naming a category; or matched clearly, naming no other thing,
         unless the model is sure it is small talk: 「このチャットで何ができます
         か？」); or, naming nothing but 「ごみ」, asked
         first and surely general, the entry ranked first; or names an item, is surely
         taken for a general question, and what it says besides the item
         clearly matches an entry other than the item's own procedure, neither
         wanting the item gone nor asking its category (or naming a category)
    9    after a knowledge answer (or an item with a procedure), matches an       GENERAL
         entry read with that topic (clearly, unless the model could not place
         it, only guessed small talk, or nothing in it looks like a thing; the
         topic's own entry, matched best, or naming nothing, more weakly);
         naming an item, only what it says besides the item, and clearly
    10   names a kind of thing bulky by its size (「家具」) and no item, not      BULKY
         taken for small talk; or was taken for an item or general question: a    SCHEDULE,
         category day naming no item is a schedule question; a general question  FALLBACK,
         naming no thing gets the fallback                                        ITEM
    11   was taken for a schedule question or an area — unless it asks about a    ITEM,
         thing (on a day, or naming nothing but things), or says nothing a       SCHEDULE
         schedule answers (no category, day, date or place) and matches an        or GENERAL
         entry (「何時までにだせばまにあいますか」「一辺がちょうど30cmの箱は
         粗大ごみになりますか？」)
    12   was taken for a bulky-waste question                                     BULKY
    13   was taken for small talk — unless it names an item, or a thing the       ITEM or
         model was unsure of or took for a request for help                       SMALL_TALK
    14   anything else: a category day or a place is a schedule question, a       SCHEDULE,
         thing (named alone, or wanted gone) an item question; the rest gets      ITEM or
         the fallback                                                             FALLBACK
    ===  =======================================================================  ==========
    """
    names_items = reading.names_items
    if _about_reminders(reading, context):
        return Route.REMINDER
    if reading.chosen is not None:
        return Route.ITEM
    if context.last_items and (reading.refined is not None or _names_a_case_of_last_item(reading)):
        return Route.REFINE
    if context.last_items and (not names_items or _names_only_the_last_item(reading, context)):
        if _asks_day_of_last_item(reading):
            return Route.ITEM_DAY
        if _tells_more_of_last_item(reading):
            return Route.REFINE
    if not names_items and (
        reading.only_place
        or _asks_the_last_question(reading, context)
        or _asks_the_areas_days(reading, context)
    ):
        return Route.SCHEDULE
    if (not names_items or reading.deciding_phrases) and _asks_a_rule(reading, context):
        return Route.GENERAL
    if reading.only_categories and _asks_days_of(reading, context):
        return Route.SCHEDULE
    if _asks_a_categorys_day(reading, names_items):
        return Route.SCHEDULE
    if reading.writes_a_date and not names_items and not reading.unknown_thing:
        return Route.SCHEDULE
    if _asks_about_a_category(reading) or _asks_the_next_category(reading, context):
        return Route.CATEGORY
    if _names_a_place_for_its_days(reading):
        return Route.SCHEDULE
    if _answers_generally(reading, context, names_items):
        return Route.GENERAL
    if _follows_the_topic(reading, context, names_items):
        return Route.GENERAL
    return _by_intent(reading, names_items)


def _about_reminders(reading: Reading, context: Context) -> bool:
    """Row 0: 「通知を登録」「通知を解除」「登録内容」; 「野方3丁目」 after 「通知を登録」 was
    answered with a question for the area; 「陶器・ガラス・金属ごみだけ」 after the
    confirmation. Not 「畳を1枚だけ処分したい」, which names an item."""
    names = [match_key(c) for c in reading.categories] + list(reading.category_words)
    if any(not any(match_key(m.text) in name for name in names) for m in reading.mentions):
        return False
    if context.pending_reminder is None and _asks_the_next_category_day(reading, context):
        return False
    if reading.intent in REMINDER_INTENTS and reading.confidence >= REMINDER_CONFIDENCE:
        return True
    if context.pending_reminder is None:
        return False
    return reading.place.town is not None or (bool(reading.categories) and not reading.asks_days)


def _asks_the_next_category_day(reading: Reading, context: Context) -> bool:
    """「陶器・ガラス・金属ごみは？」 ("and the ceramics, glass and metal one?") after a
    collection-day answer: only categories, the same question about them, whatever the
    model made of it (a request for reminders says what it wants)."""
    return reading.only_categories and context.last_question is not None


#: Intents of a message the model could not place, or placed as general.
_UNPLACED = ("ask_general", "nlu_fallback", "out_of_scope")


def _asks_about_a_category(reading: Reading) -> bool:
    """Row 6: 「とは」「何が入る」「何回」 about categories and nothing else. An item named
    inside a category's name is that name (「乾電池とは？」, the 竹刀 (しない) of 「区で収集
    しないもの」)."""
    if not (reading.topic_categories and reading.asks_category_topic and reading.only_topic):
        return False
    names = [match_key(c) for c in reading.topic_categories] + list(reading.category_words)
    return all(any(match_key(m.text) in name for name in names) for m in reading.mentions)


def _asks_the_next_category(reading: Reading, context: Context) -> bool:
    """Row 6: 「陶器・ガラス・金属ごみは？」 after 「燃やすごみって週何回？」 was answered with
    no area known: the same question about another category, not its days (which would
    need the area)."""
    no_place = context.area_id is None and context.town is None
    follows_a_category = context.last_question is not None and no_place
    return follows_a_category and reading.only_categories and not reading.asks_days


def _names_a_case_of_last_item(reading: Reading) -> bool:
    """「キャップは？」 after ペットボトル, whose notes give its ラベルとキャップ a category:
    the items named are words of that case; or what brought the case about (「油で汚れ
    ちゃってる」 after 段ボール)."""
    case = reading.last_item_case
    if case is None or not reading.mentions:
        return False
    if reading.case_named_by_cause:
        return True
    condition = match_key(case.condition)
    return all(match_key(m.text) in condition for m in reading.mentions)


def _asks_day_of_last_item(reading: Reading) -> bool:
    """「それっていつ出せる？」「いつ出すの？」: a day asked about nothing but the last item,
    in the place the message names, if it names one (「それ大和町3丁目だといつ？」)."""
    if not reading.asks_days or reading.categories:
        return False
    return reading.refers_back or reading.says_nothing_but_place


def _names_a_place_for_its_days(reading: Reading) -> bool:
    """Row 7: 「中野2丁目の燃やすごみの日を教えて」, 「鷺宮3丁目に住んでいます」,
    「東中野1丁目で火曜日に出すのは何ごみ？」; not
    「中野3丁目だけど毎日収集の地域？」, a general question naming a place, nor 「沼袋に住んで
    います。粗大ごみはどこに申し込めばいいですか」, whose question besides the place clearly
    matches an entry."""
    if reading.place.town is None or reading.found.mentions:
        return False
    if reading.categories:
        return True
    asks_else = reading.asks_besides_place and _clearly_known(reading)
    return (reading.intent == "inform_area" or reading.asks_days) and not asks_else


def _clearly_known(reading: Reading) -> bool:
    top = reading.top_knowledge
    return top is not None and top.coverage >= CLEAR_COVERAGE


def _names_only_the_last_item(reading: Reading, context: Context) -> bool:
    """「大きい鍋で40センチくらいある」 after 「鍋はなにごみ？」: the item named is the last
    one again."""
    named = {item.id for mention in reading.mentions for item in mention.candidates}
    return bool(named) and named <= set(context.last_items)


def _asks_the_areas_days(reading: Reading, context: Context) -> bool:
    """Row 4: 「収集日を一覧で教えてほしい」 with the area known: a day asked of garbage or
    its collection, naming no thing and no category — every category's days there."""
    about_collection = reading.says_garbage or reading.says_collection
    return (
        context.area_id is not None
        and reading.asks_days
        and about_collection
        and not reading.topic_categories
        and not reading.unknown_thing
        and _names_no_thing(reading)
    )


def _asks_the_last_question(reading: Reading, context: Context) -> bool:
    """「いつ出せばいい？」 after a collection-day answer: its question again."""
    return context.last_question is not None and reading.says_nothing and reading.asks_days


def _follows_the_topic(reading: Reading, context: Context, names_items: bool) -> bool:
    """Row 9: read with the last topic, a message matches an entry — clearly, or at all
    when the model could not place it or it names no thing (「どうやって出せばいいの？」
    「申し込んだあとはどうすればいいの？」 after bulky waste), or the topic's own entry
    best, more weakly (「何袋までなら普通に出せますか？」 after the entry on many bags:
    「普通」 is no entry's word). One naming a thing the list lacks is about that thing;
    one naming an item is about the topic only when what it says besides the item matches
    clearly (「スマホから申し込める？」 after a bulky item)."""
    top = reading.topical[0] if reading.topical else None
    if top is None or reading.unknown_thing:
        return False
    if names_items:
        return top.coverage >= CLEAR_COVERAGE
    if stays_on_topic(reading, context) and reading.intent not in _SOCIAL:
        return top.coverage >= FOLLOW_UP_COVERAGE
    if top.coverage < ANSWER_COVERAGE:
        return False
    return top.coverage >= CLEAR_COVERAGE or _unplaced(reading) or _names_no_thing(reading)


def stays_on_topic(reading: Reading, context: Context) -> bool:
    """The message names nothing, or, read with the last topic, matches that topic's own
    entry best: it needs only :data:`FOLLOW_UP_COVERAGE` to be answered from the entry."""
    top = reading.topical[0] if reading.topical else None
    return reading.says_nothing or (top is not None and top.entry.key == context.last_topic)


def _names_no_thing(reading: Reading) -> bool:
    """Nothing in the message is or looks like a thing's name (「申し込んだあとはどうすれば
    いいの？」 after a bulky item), whatever the model took it for."""
    found = reading.found
    return not (found.mentions or found.likely or reading.loose or reading.outright.suggestions)


def _unplaced(reading: Reading) -> bool:
    """The model could not place the message, or took it for a general question, or only
    guessed small talk (「好的，那怎么申请？」 is no greeting)."""
    unsure_small_talk = (
        reading.intent in SMALL_TALK_INTENTS and reading.confidence < SMALL_TALK_CONFIDENCE
    )
    return reading.intent in _UNPLACED or unsure_small_talk


def _asks_days_of(reading: Reading, context: Context) -> bool:
    """「燃えるごみはいつ？」 (a day asked, whatever else: 「燃やすごみの曜日って何？」), or
    「じゃあ資源プラスチックは？」 with the area known: the categories' days, not what the
    categories are (「資源プラスチックは週に何回？」)."""
    if reading.asks_days:
        return True
    return context.area_id is not None and not reading.asks_category_topic


def _asks_a_categorys_day(reading: Reading, names_items: bool) -> bool:
    """Row 5: 「燃やすごみっていつ出しますか」 ("When do I put out burnable garbage?"): a
    category and a day asked, naming nothing else, however it is worded — the words it
    says besides (「出し」) would match an entry about something else."""
    if names_items or reading.unknown_thing or reading.asks_category_topic:
        return False
    return bool(reading.categories) and reading.asks_days


def _asks_a_rule(reading: Reading, context: Context) -> bool:
    """「今度の月曜祝日だけど燃えるごみ出して大丈夫？」 where the area is not known: the
    rules say it for everyone, so there is no need to ask where the resident lives. A
    phrase that decides what a message is about (a collection that did not happen:
    「今朝燃やすごみが回収されていなかった」, garbage someone left: 「誰かが冷蔵庫を捨てて
    いきました」) decides it, whatever day, category or item it names."""
    if reading.deciding_phrases:
        return bool(reading.knowledge)
    return reading.says_rule_day and context.area_id is None and bool(reading.knowledge)


def says_size(reading: Reading) -> bool:
    """The message gives the size of the last item, whose notes set a size."""
    said = reading.says_big or reading.says_small or reading.size_cm is not None
    return reading.last_size_limit is not None and said


def _tells_more_of_last_item(reading: Reading) -> bool:
    """Row 3 besides a variant (``reading.refined``): the last item's size, something its
    notes speak to (「回収ボックスに持っていけないときは？」, but not what a topic they
    name holds), a question about 「それ」
    that is not about its day, or where to take it, naming nothing (「どこに持っていけば
    いい？」): the item's answer says."""
    return (
        says_size(reading)
        # 「拠点回収って他にどんなものがある？」 after 食用油 asks of what the notes name
        or (reading.meets_last_notes and not reading.asks_category_topic)
        or (reading.refers_back and not reading.asks_days and not reading.place.town)
        or (reading.says_nothing and reading.asks_where and not _clearly_topical(reading))
    )


def _clearly_topical(reading: Reading) -> bool:
    """Read with the last topic, the message clearly matches an entry (「どこに申し込めば
    いい？」 after a bulky item is about applying)."""
    return bool(reading.topical) and reading.topical[0].coverage >= CLEAR_COVERAGE


def _answers_generally(reading: Reading, context: Context, names_items: bool) -> bool:
    """Row 8. A message that names an item is about the item, whose answer carries its
    notes and its category's procedure. Otherwise a match answers a message the model took
    for a general question, and a clear match one it did not. A message naming a thing the
    list does not have (「カヌーを処分したいのですが区で回収できますか」) is about that
    thing unless the model took it for a general question and the match is clear."""
    if names_items:
        return _asks_besides_the_items(reading)
    top = reading.top_knowledge
    if top is None or top.coverage < needed_coverage(reading):
        return False
    if reading.says_nothing:
        # 「いつ出せばいい？」 after an answer is about that answer; about garbage itself,
        # asked first (「ごみはどこに出せばいいですか」), the entry the ranking puts first,
        # if the model is sure the question is general.
        asked_first = not (context.last_items or context.last_topic or context.last_question)
        about_garbage = reading.says_garbage and _confidently_general(reading)
        return asked_first and about_garbage and top.rank == 0
    clear = top.coverage >= CLEAR_COVERAGE
    if reading.intent in SMALL_TALK_INTENTS and reading.confidence >= CONFIDENT_GENERAL:
        # 「このチャットで何ができますか？」 shares its words with the entry of what this
        # chat cannot answer; the model is sure it asks for help
        return False
    if reading.unknown_thing:
        return clear and reading.intent == "ask_general"
    return clear or reading.intent == "ask_general" or _unplaced_but_about_a_category(reading)


def _asks_besides_the_items(reading: Reading) -> bool:
    """「公園の横に冷蔵庫が不法投棄されてる」: a message naming an item, surely taken for a
    general question, whose words besides the item clearly match an entry — and that
    neither asks to get rid of the item nor which category it is (「レシートは古紙？」
    names a category: it asks whether the item is in it). The entry that is the
    item's own procedure (「スプレー缶って穴開けてから出すの？」) is in the item's answer."""
    top = reading.beside_items[0] if reading.beside_items else None
    if top is None or top.coverage < CLEAR_COVERAGE:
        return False
    guidance = {c.guidance_key for m in reading.mentions for c in m.candidates}
    if top.entry.key in guidance:
        return False
    asks_of_the_item = (
        reading.wants_gone or reading.asks_which_category or bool(reading.topic_categories)
    )
    return _confidently_general(reading) and not asks_of_the_item


def _confidently_general(reading: Reading) -> bool:
    return reading.intent == "ask_general" and reading.confidence >= CONFIDENT_GENERAL


def _unplaced_but_about_a_category(reading: Reading) -> bool:
    """The model could not place the message, or took it for a general question without
    being sure, but it names a category and no item (「粗大ごみ処理券を買ったあとはどうすれば
    いい？」): a question about garbage all the same, which the entries answer as well as
    one the model is sure of."""
    unplaced = reading.intent == "nlu_fallback" or reading.intent == "ask_general"
    return unplaced and bool(reading.topic_categories) and not reading.names_items


def needed_coverage(reading: Reading) -> float:
    """The coverage a knowledge entry needs to answer ``reading`` on its own. A day the
    rules speak of, or a phrase that decides the topic (row 5), is answered by the entry
    ranked first, however much else the message says (「今度の月曜祝日なんだけど…」)."""
    if reading.deciding_phrases or (reading.says_rule_day and not reading.names_items):
        return 0.0
    sure = _confidently_general(reading) or _unplaced_but_about_a_category(reading)
    return GUESS_COVERAGE if sure else ANSWER_COVERAGE


def _by_intent(reading: Reading, names_items: bool) -> Route:
    """Rows 10–14: the model's intent, overruled where the catalog knows better (and a
    kind of thing bulky by its size, which no row of the catalog names)."""
    intent = reading.intent
    if reading.says_bulky_thing and not names_items and intent not in SMALL_TALK_INTENTS:
        return Route.BULKY
    if intent in ("ask_item", "ask_general"):
        if not reading.found.mentions and reading.categories and reading.asks_days:
            return Route.SCHEDULE
        # an item named by a category's word (「ぺっとぼとる」) is still a thing
        names_a_thing_ = (
            reading.mentions or reading.loose or reading.unknown_thing or reading.found.likely
        )
        if intent == "ask_general" and not names_a_thing_:
            return Route.FALLBACK
        return Route.ITEM
    if intent in ("ask_schedule", "inform_area"):
        if _asks_about_a_thing(reading):
            return Route.ITEM
        return Route.GENERAL if _asks_no_schedule(reading) else Route.SCHEDULE
    if intent == "ask_bulky":
        return Route.BULKY
    if intent in SMALL_TALK_INTENTS:
        return Route.ITEM if _small_talk_names_a_thing(reading) else Route.SMALL_TALK
    if (reading.categories and reading.asks_days) or (
        not reading.mentions and reading.place.town is not None
    ):
        return Route.SCHEDULE
    if (
        reading.mentions
        or reading.loose
        or (intent != "out_of_scope" and reading.outright.suggestions)
        or reading.only_things
        or (reading.unknown_thing and reading.wants_gone)
    ):
        return Route.ITEM
    return Route.FALLBACK


def _asks_no_schedule(reading: Reading) -> bool:
    """Taken for a schedule question or an area, but saying nothing a schedule answers —
    no category, day, date or place — and matching an entry: 「朝早く家を出るんだけど、
    何時までにだせばまにあいますか」 asks a rule, and the area would not answer it."""
    says_for_a_schedule = (
        reading.categories
        or reading.asks_days
        or reading.says_day_words
        or reading.writes_a_date
        or reading.place.town is not None
    )
    top = reading.top_knowledge
    return not says_for_a_schedule and top is not None and top.rank == 0


def _asks_about_a_thing(reading: Reading) -> bool:
    """A schedule question that is really about a thing: 「ペットボトルのふた」 has a
    category word but names an item; 「クッキーの缶って缶の日に出していいの？」 asks
    whether a thing may go out on a day; 「鹿の剥製が実家にある」 names only a thing;
    「スプレー缶はいつ出せる？」 asks the day of an item, not of a category (its 缶 is the
    item's name), which the item's answer gives."""
    if reading.names_items and not reading.categories:
        return True
    asks_about_days = reading.asks_days or reading.place.town is not None
    if asks_about_days and not reading.item_on_a_day:
        return False
    if reading.mentions or reading.loose or (reading.unknown_thing and reading.wants_gone):
        return True
    is_schedule_question = bool(reading.categories) or reading.asks_days
    return not is_schedule_question and reading.place.town is None and reading.only_things


def _small_talk_names_a_thing(reading: Reading) -> bool:
    """A bare 「ざる」 or 「いす」 can look like a greeting to the model; the catalog knows
    better. A thing the model was unsure of, or took for a request for help (「華道で使う
    剣山」), is an item question too."""
    if reading.mentions or reading.loose:
        return True
    query = reading.outright.query
    if not query:
        return False
    unsure = reading.confidence < SMALL_TALK_CONFIDENCE
    helpish = reading.intent == "help" and names_a_thing(query, matching_words().help_question)
    return unsure or helpish


def names_a_thing(query: str, ignored: tuple[str, ...]) -> bool:
    """Whether the noun phrase ``query`` may be a thing to throw away: two letters or more
    and none of the ``ignored`` words (those of the question the model recognised)."""
    key = match_key(query)
    return len(query) >= 2 and not any(word in key for word in ignored)
