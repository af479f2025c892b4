"""What the words of a message say besides the items and the place it names: whether it
names anything at all, a subject of its own, a date, nothing but its categories, a size.

Most are read from Sudachi's morphemes rather than from the letters, because a word's
letters hide inside other words (the あす of 「ヘアスプレー」).
"""

from __future__ import annotations

import re

from bot.catalog.matcher import asks
from bot.catalog.schedule import asked_when
from bot.catalog.words import matching_words
from bot.japanese import Morpheme, get_analyzer, keyed_words, match_key

#: A size said with its unit: 「40cm」「1.2メートル」.
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|センチ|ｃｍ|m|メートル)", re.IGNORECASE)

#: Where a sentence ends (the mark stays with its sentence).
_SENTENCE_END = re.compile(r"(?<=[。．！？!?\n])")
_QUESTION_MARK = re.compile(r"[？?]")

#: Nouns of amount and manner (「たくさん」「大量」): how much or how, not what about.
_AMOUNT_NOUNS = frozenset({"副詞可能", "形状詞可能"})


def names_a_subject(text: str, besides: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` names something to be about (「公園」「不法投棄」), not only an
    amount (「カセットテープがたくさん出てきました」 is about the tapes), what the item
    is made of or for (the プラスチック of 「プラスチックのハンコ」), or one of ``besides``
    (match keys; a word or a run of nouns: the 集積所 of 「ふつうに集積所に出していい？」)."""
    vocabulary = matching_words()
    qualifying = {
        w for group in (vocabulary.materials, vocabulary.uses) for ws in group.values() for w in ws
    }
    return any(
        m.pos[0] == "名詞"
        and m.pos[2] not in _AMOUNT_NOUNS
        and (key := match_key(m.text)) not in vocabulary.question_words
        and key not in qualifying
        and key not in besides
        and match_key("".join(r.text for r in run)) not in besides
        for run in _noun_groups(get_analyzer().analyze(text))
        for m in run
    )


def if_it_says_anything(text: str) -> str:
    """``text``, or nothing when it holds only grammar, question words and words that lean
    on others (the やっ of 「どうやって」)."""
    question_words = matching_words().question_words
    said = [
        m
        for m in get_analyzer().analyze(text)
        if not m.is_grammar and m.pos[1] != "非自立可能" and match_key(m.text) not in question_words
    ]
    return text if said else ""


def says_a_date(morphemes: list[Morpheme]) -> bool:
    """Whether a date word (「明日」「次」) stands as a word of its own: 「ヘアスプレー」 has
    the letters of 「あす」 but no date in it."""
    dates = {word for words in matching_words().asked_date.values() for word in words}
    return any(
        match_key(m.text) in dates or match_key(m.reading) in dates
        for m in morphemes
        if asked_when(m.text)[0]
    )


def only_topic(rest: str, morphemes: list[Morpheme], topic: tuple[str, ...]) -> bool:
    """Whether a message asks about nothing but its categories: what is left without the
    ``topic`` words is a particle or two (「資源プラスチックは週に何回？」), or holds no
    noun of its own but of amount and manner (「燃やすごみには具体的に何を出せばいいですか」;
    not 「粗大ごみ処理券って何？」, whose 処理券 is another thing)."""
    if len(without(rest, longest_first(topic))) <= 2:
        return True
    question_words = matching_words().question_words
    return not any(
        m.pos[0] == "名詞"
        and m.pos[2] not in _AMOUNT_NOUNS
        and (key := match_key(m.text)) not in question_words
        and not any(key in phrase for phrase in topic)
        for m in morphemes
    )


def names_nothing(morphemes: list[Morpheme], question_words: tuple[str, ...]) -> bool:
    """No noun in ``text`` but question words (「何」「いつ」) and pronouns (「それ」); a
    noun-forming suffix counts as a noun (the 車 of 「収集車が来なかった」)."""
    return not any(
        (m.pos[0] == "名詞" or m.pos[:2] == ("接尾辞", "名詞的"))
        and match_key(m.text) not in question_words
        for m in morphemes
    )


def noun_runs(morphemes: list[Morpheme]) -> list[str]:
    """The runs of nouns in a message, as written (「充電式」 of 「充電式のは？」), each
    followed by its head noun when it has more than one (「ケース」 of 「プラスチック
    ケース」), then by its first (「充電式」 of 「充電式リチウムイオン」): what may name a
    thing together with another name. Pronouns (「それ」) start no run."""
    runs: list[str] = []
    for run in _noun_groups(morphemes):
        runs.append("".join(r.text for r in run))
        if len(run) > 1:
            runs += [run[-1].text, run[0].text]
    return runs


def _noun_groups(morphemes: list[Morpheme]) -> list[list[Morpheme]]:
    """The runs of nouns (with their prefixes and suffixes) in ``morphemes``."""
    groups: list[list[Morpheme]] = []
    run: list[Morpheme] = []
    for m in [*morphemes, None]:
        if (
            m is not None
            and m.pos[0] != "代名詞"
            and (m.pos[0] in ("名詞", "接頭辞") or m.pos[:2] == ("接尾辞", "名詞的"))
        ):
            run.append(m)
            continue
        if run:
            groups.append(run)
        run = []
    return groups


def longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: -len(w)))


def without(key: str, words: tuple[str, ...]) -> str:
    for word in words:
        key = key.replace(word, "")
    return key


def blanked(text: str, words: tuple[str, ...]) -> str:
    """``text`` with ``words`` (match keys) blanked out where they are written, the rest as
    written (nothing, when the rest only asks): 「明日祝日だけど燃えるゴミ出していいの？」
    asks about holidays whichever category it names, so the knowledge entries are matched
    without it."""
    if not words:
        return text
    places = [i for i, ch in enumerate(text) for _ in match_key(ch)]
    key = "".join(match_key(ch) for ch in text)
    blank = set()
    for word in longest_first(words):
        start = key.find(word)
        while start >= 0:
            blank.update(range(places[start], places[start + len(word) - 1] + 1))
            key = key[:start] + "\0" * len(word) + key[start + len(word) :]
            start = key.find(word)
    return if_it_says_anything("".join(" " if i in blank else ch for i, ch in enumerate(text)))


def says_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def says_word(morphemes: list[Morpheme], words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` (match keys) is said from the start of a word: the とは of
    「資源プラスチックとは？」, not the letters of 「申し込んだあとは」."""
    key, starts = keyed_words(morphemes)
    return any(key.startswith(word, start) for start in starts for word in words)


def sentences_saying(text: str, words: tuple[str, ...]) -> str:
    """The sentences of ``text`` that say one of ``words`` (match keys), or ``text`` when
    none does: 「年末は何日までごみを出せますか？大掃除のごみを出したいので」 asks the year
    end's rule, whatever brought the resident to ask."""
    said = [s for s in sentences(text) if says_any(match_key(s), words)]
    return "".join(said) or text


def sentences_asking(text: str) -> str:
    """The sentences of ``text`` that ask (those with a question mark, when some have one;
    else those with one of the asking words), when they name what they ask about:
    「引っ越してきたばかりで分からないことだらけです。」 only tells why the resident asks
    what the next sentence asks, and so does 「年末の大掃除でごみがたくさん出そうです。」
    before 「12月31日って収集ありましたっけ？」; but 「猫が死んでいます。どうしたらいい
    ですか」 asks of what the first tells, and so does 「…8袋くらいになりそう。ふつうに
    集積所に出していい？」 (where, whose, when or whether — :attr:`not_things` — is no
    subject of its own). ``text`` when none or all ask."""
    parts = sentences(text)
    marked = [s for s in parts if _QUESTION_MARK.search(s)]
    asking = "".join(marked or [s for s in parts if asks(s)])
    some = asking and len(asking) < len("".join(parts))
    return asking if some and names_a_subject(asking, matching_words().not_things) else text


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its closing mark."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def size_cm(text: str) -> float | None:
    """The largest size the message gives, in centimetres (「1.2m」 → 120)."""
    sizes = [
        float(number) * (100 if unit.lower() in ("m", "メートル") else 1)
        for number, unit in _SIZE.findall(text)
    ]
    return max(sizes, default=None)
