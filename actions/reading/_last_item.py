"""What a message says about the last item answered: a case its notes describe
(「汚れてるやつは？」), something its notes speak to, or another variant of the same
thing (「蛍光灯」 + 「割れてるんです」). The notes are read once per message and passed
to what needs them.
"""

from __future__ import annotations

from actions.memory import Context
from actions.reading._items import named_whole
from actions.reading._wording import noun_runs, says_any
from bot.catalog.item_names import MATERIAL_KEYS
from bot.catalog.knowledge import terms
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import CatalogIndex, CatalogItem, MatchResult
from bot.catalog.notes import NoteCase, case_word, cases_in, gives_a_size, met_case
from bot.japanese import Morpheme, match_key


def last_item_notes(index: CatalogIndex, context: Context) -> list[str]:
    return [index.items[i].notes for i in context.last_items if i in index.items]


def last_kind_notes(index: CatalogIndex, context: Context) -> list[str]:
    """The notes of the kinds the last items are (:meth:`CatalogIndex.kinds_of`)."""
    items = context.items(index)
    return [kind.notes for item in items for kind in index.kinds_of(item)]


def last_item_case(
    catalog: LiveCatalog, notes: list[str], kind_notes: list[str], text: str
) -> NoteCase | None:
    """The case of the last item's ``notes`` that ``text`` describes (「汚れてるやつは？」),
    or failing that, of its kind's notes (「割れてたら？」 after 「ビールびん」)."""
    names = catalog.categories().names()
    for source in (notes, kind_notes):
        case = met_case([case for note in source for case in cases_in(note, names)], text)
        if case is not None:
            return case
    return None


def caused_the_case(case: NoteCase | None, names: list[str], morphemes: list[Morpheme]) -> bool:
    """Whether each of the ``names`` (items the message names) is said right before a word
    of the last item's ``case``, joined by a particle or by nothing: the 油 of
    「油で汚れちゃってる」 or of "oil stains" (油 汚れ) is how the cardboard got dirty, not a
    thing to throw away."""
    if case is None or not names:
        return False
    return all(_said_before(name, case.words, morphemes) for name in names)


def _said_before(name: str, words: frozenset[str], morphemes: list[Morpheme]) -> bool:
    ends = {m.end for m in morphemes if m.text and name.endswith(m.text)}
    for index, morpheme in enumerate(morphemes):
        if morpheme.end not in ends:
            continue
        following = (m for m in morphemes[index + 1 :] if not (m.is_space or m.is_grammar))
        word = next((m.lemma for m in following), "")
        # the noun of "oil stains" (汚れ) is the case's verb (汚れる) too
        if len(word) >= 2 and any(w.startswith(word) for w in words):
            return True
    return False


def meets_notes(notes: list[str], text: str, asks_size: bool) -> bool:
    """Whether a content word of ``text``, or the word of the notes it stands for, is one
    of the last item's ``notes`` (「割れて」 and a note on 割れたびん; 「回収ボックス」 and a
    note on the collection box; 「ガス」 and 「中身を使い切り」), or it asks a size of notes
    that give one (「長さは？」 and 「50cm以下に切って」)."""
    if asks_size and gives_a_size(notes):
        return True
    words = set(terms(" ".join(notes)))
    return bool(words) and any(case_word(word) in words for word in terms(text))


def refined(
    index: CatalogIndex,
    context: Context,
    text: str,
    outright: MatchResult,
    key: str,
    references: tuple[str, ...],
    morphemes: list[Morpheme],
) -> MatchResult | None:
    """The last item told apart by ``text``: its name and the message read together name
    other variants of the same thing (same base name) than were answered last. A part of
    it asked about by reference (「それのキャップは？」 after ペットボトル) is read the same
    way: as the part of the last item, and a material named alone (「ガラス製」, which
    the catalog also has as an item) chooses among the variants. Failing those, the last
    item's name and a word of the message may name another item together
    (:func:`_named_together`)."""
    last = context.items(index)
    if not last or not context.last_said:
        return None
    answered = {item.id for item in last}
    if outright.mentions:
        if all(match_key(m.text) in MATERIAL_KEYS for m in outright.mentions):
            # 「ガラス製」 after 花瓶 is the glass vase, not glass
            variant = _variant(index, last, answered, context.last_said, text)
            if variant is not None:
                return variant
        together = _named_together(index, context.last_said, noun_runs(morphemes), answered)
        if together is not None:
            return together
        if not (says_any(key, references) and all(m.is_ambiguous for m in outright.mentions)):
            return None
        part = index.find(f"{context.last_said}の{outright.mentions[0].text}")
        said = [m for m in part.mentions if not m.is_ambiguous and m.end > len(context.last_said)]
        return MatchResult(mentions=said[:1]) if said else None
    variant = _variant(index, last, answered, context.last_said, text)
    if variant is not None:
        return variant
    return _named_together(index, context.last_said, noun_runs(morphemes), answered)


def _variant(
    index: CatalogIndex, last: list[CatalogItem], answered: set[int], last_said: str, text: str
) -> MatchResult | None:
    """Another variant of the last item (same base name) than the ``answered`` ones, that
    its name and ``text`` read together name: 「花瓶 ガラス製」."""
    result = index.find(f"{last_said} {text}")
    bases = {item.base_name or item.name for item in last}
    for mention in result.mentions:
        ids = {c.id for c in mention.candidates}
        same_thing = all((c.base_name or c.name) in bases for c in mention.candidates)
        if same_thing and ids and ids != answered and not mention.is_ambiguous:
            return MatchResult(mentions=[mention])
    return None


def _named_together(
    index: CatalogIndex, last_said: str, words: list[str], answered: set[int]
) -> MatchResult | None:
    """Another item that the last item's name and one of ``words`` name together, whole:
    「充電式」 after 乾電池 is 充電式乾電池, 「ケース」 after ＣＤ is ＣＤケース, 「タイヤ」
    after 自転車 is 自転車のタイヤ・チューブ."""
    for word in words:
        for compound in (f"{word}{last_said}", f"{last_said}{word}", f"{last_said}の{word}"):
            whole = named_whole(index, compound)
            if whole is not None and not {c.id for c in whole.candidates} & answered:
                return MatchResult(mentions=[whole])
    return None
