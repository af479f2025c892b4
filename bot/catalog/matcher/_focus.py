"""Focus: of the things a message names, the ones it asks about.

A part or the leftovers of a thing are not the thing (「シュレッダーのくず」); a place is
where the thing was (「物置から出てきた」); words in brackets and a sentence that asks
nothing are asides; a later, shorter word for an item named before refers back to it; of
two items in one sentence the later is the subject, unless they are named together.
"""

from __future__ import annotations

import re

from bot.catalog.matcher._models import Mention
from bot.catalog.matcher._spans import FUNCTION_NOUNS, QUESTION_WORDS, Span, unmatched_nouns
from bot.catalog.words import matching_words, one_of
from bot.japanese import Morpheme, get_analyzer, match_key

_WORDS = matching_words()

#: A part or the leftovers of a thing, which are not the thing: 「シュレッダーのくず」,
#: 「鉛筆の芯」, 「カイロの中身」 — unless they are said to be still in it (「スプレー缶の
#: 中身がまだ少し残ってる」). (A broken piece is still the thing: 「ガラスの破片」 is glass.)
_PART = re.compile(
    rf"(?:の(?:{one_of((*_WORDS.leftovers, *_WORDS.leftovers_after_no))})"
    rf"|(?:{one_of(_WORDS.leftovers)}))"
    rf"(?![^。．、，,！？!?]{{0,8}}?(?:{one_of(_WORDS.leftovers_still_in)}))"
)


def owners_of_parts(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that only say what a part the message asks about is of: the
    シュレッダー of 「シュレッダーのくず」 (the part itself not being an item it names)."""
    starts = {m.start for m in mentions}
    return [m for m in mentions if _is_part_of(text, m.end, starts)]


def _is_part_of(text: str, end: int, starts: set[int]) -> bool:
    found = _PART.match(text, end)
    return found is not None and not starts & {end, end + 1}


#: A place and a word of finding or keeping after it: 「物置から出てきた」「押し入れの奥に
#: ずっとあった」「倉庫で見つけた」. The item named there is where the thing was.
_PLACE = re.compile(
    rf"(?:の(?:{one_of((*_WORDS.place_insides, *_WORDS.place_sides))})(?:の方)?)?"
    r"(?:から|で|に)(?:は|も)?"
    r"[^。．！？!?\n、，,]{0,8}?"
    rf"(?:{one_of(_WORDS.found_words)})"
)
#: 「物置にある」「押し入れの中にずっとあります」: where a thing is kept.
_PLACE_KEPT = re.compile(
    rf"(?:の(?:{one_of(_WORDS.place_insides)}))?に(?:は|も)?(?:{one_of(_WORDS.kept_for_long)})?"
    r"(?:ある|あります|あって)"
)
#: Nouns that say whose or when, not what: never the thing found in a place.
NOT_THINGS = frozenset(_WORDS.not_things)


def is_place(text: str, end: int) -> bool:
    """Whether what ends at ``end`` is said as where a thing was found or is kept."""
    return _PLACE.match(text, end) is not None or _PLACE_KEPT.match(text, end) is not None


def places_dropped(
    text: str, morphemes: list[Morpheme], mentions: list[Mention], spans: list[Span]
) -> list[Mention]:
    """Without the items named only as where the thing was: in 「父が使ってた農薬が物置から
    出てきた」 the 物置 is a place, the 農薬 the thing. A place goes when the message names
    something else: another item, or a noun the catalog does not know (「猟銃が物置から
    出てきた」 asks about a 猟銃, which is then not found)."""
    places = [m for m in mentions if is_place(text, m.end)]
    if not places:
        return mentions
    others = [m for m in mentions if m not in places]
    if others:
        return others
    unknown = [
        morphemes[i]
        for i in unmatched_nouns(morphemes, spans)
        if match_key(morphemes[i].text) not in NOT_THINGS
        and morphemes[i].pos[1] != "代名詞"
        and morphemes[i].pos[2] != "副詞可能"
        and not is_place(text, morphemes[i].end)
        and not any(p.start <= morphemes[i].start < p.end for p in places)
    ]
    return [] if unknown else mentions


#: The end of a sentence; items in different sentences are asked about apart.
_SENTENCE_END = re.compile(r"[。．！？!?\n]")
#: The rest of a word a mention ends inside (「プリンターのインク|カートリッジ」と…): what
#: follows it decides whether the next item is named alongside.
_COMPOUND_TAIL = re.compile(r"^[ァ-ヴー一-龥A-Za-z0-9]+")
#: What may stand between two items a resident asks about together (「AとB」「A、B」).
_COORDINATION = re.compile(
    r"^\s+$"  # nothing at all between them is one name (「灯油ポリタンク」), not two
    rf"|^\s*(?:[、,，・/／]|{one_of(_WORDS.coordination['words'])})"
    rf"|^\s*(?:{one_of(_WORDS.coordination['particles'])})(?![ぁ-ゖ])"  # 「と古い」, not 「から」
)


def focused(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions a resident asks about, in order.

    Items named together (「アルミホイルとラップ」) are all asked about. Otherwise the
    later one is the subject and the earlier only says which or where: 「灯油のポリタンク」,
    「お菓子の袋に入ってる乾燥剤」, 「プランターに入ってた土」. That holds within a sentence;
    details told apart from the item are not asked about (see :func:`_asides_dropped`). An
    item named twice is answered once.
    """
    mentions = _back_references_dropped(_asides_dropped(text, mentions))
    kept: list[Mention] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        between = text[mention.end : following.start] if following else ""
        if (
            following is not None
            and not _SENTENCE_END.search(between)
            and not _COORDINATION.match(_COMPOUND_TAIL.sub("", between))
        ):
            continue
        if any(k.candidates == mention.candidates for k in kept):
            continue
        kept.append(mention)
    return kept


#: Words in brackets: an aside.
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?\n]*")
#: Words of a sentence that asks something, as opposed to one that adds a detail.
_ASKS = re.compile(rf"[？?]|{one_of(_WORDS.asking_words)}")


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks something, as against only telling a detail."""
    return _ASKS.search(sentence) is not None


#: A container named on its own: in a sentence after a thing's, it is that thing's.
_BARE_CONTAINERS = frozenset(match_key(word) for word in _WORDS.bare_containers)


def _asides_dropped(text: str, mentions: list[Mention]) -> list[Mention]:
    """Without the items a message names only in passing, when it names others.

    Words in brackets are an aside (「おもちゃ（電池は使わないやつ）」), and so is a sentence
    that asks nothing when another does (「石油ストーブはどうやって捨てますか？灯油は抜き
    ました」), unless the asking one names only a container, which is the told thing's.
    """
    brackets = [m.span() for m in _BRACKETED.finditer(text)]
    outside = [m for m in mentions if not any(a <= m.start and m.end <= b for a, b in brackets)]
    mentions = outside or mentions
    sentences = [m.span() for m in _SENTENCE.finditer(text)]
    asking = [(a, b) for a, b in sentences if asks(text[a:b])]
    if not asking or len(asking) == len(sentences):
        return mentions
    kept = [m for m in mentions if any(a <= m.start < b for a, b in asking)]
    told = [m for m in mentions if m not in kept]
    if told and kept and all(match_key(m.text) in _BARE_CONTAINERS for m in kept):
        return told  # 「ペンキが余った。缶ごと出せる？」 asks of the ペンキ in its can
    return kept or mentions


def _back_references_dropped(mentions: list[Mention]) -> list[Mention]:
    """Without a later, shorter word for an item named before: in 「自転車のタイヤがパンク
    して交換した、古いタイヤは？」 the second タイヤ is the 自転車のタイヤ."""
    keys = [match_key(m.text) for m in mentions]
    return [
        mention
        for index, mention in enumerate(mentions)
        if not any(
            len(earlier) > len(keys[index]) and earlier.endswith(keys[index])
            for earlier in keys[:index]
        )
    ]


#: What a message that only names things may hold besides nouns: 「の」, marks, a prefix.
_NAMING_ONLY_POS = {"名詞", "接頭辞", "接尾辞", "補助記号", "空白"}


def only_names_things(text: str) -> bool:
    """Whether ``text`` names things and says nothing else but where they are: 「お祭りの
    神輿」, 「祖父の猟銃」, 「鹿の剥製が実家にある」. In a garbage-sorting chat such a message
    asks about the thing, whatever else its words might be taken for; not a place name
    (「高円寺」), a time or a pronoun alone."""
    morphemes = get_analyzer().analyze(text)
    things = [
        m
        for m in morphemes
        if m.pos[0] == "名詞"
        and m.pos[1] == "普通名詞"
        and m.pos[2] != "副詞可能"
        and match_key(m.text) not in QUESTION_WORDS | NOT_THINGS
        and m.text not in FUNCTION_NOUNS
    ]
    if not things or any(m.pos[1] == "固有名詞" for m in morphemes):
        return False
    placed = [m for m in morphemes if m.pos[0] == "名詞" and is_place(text, m.end)]
    if placed and any(m.end <= placed[0].start for m in things):
        # 「鹿の剥製が実家にある」: cut the sentence where the place begins.
        return all(
            m.pos[0] in _NAMING_ONLY_POS or (m.pos[0] == "助詞" and m.text in ("の", "が", "は"))
            for m in morphemes
            if m.end <= placed[0].start
        )
    # Nothing but nouns and 「の」: 「今日の天気は？」 asks something of the 天気.
    return all(m.pos[0] in _NAMING_ONLY_POS or m.text == "の" for m in morphemes)
