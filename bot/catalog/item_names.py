"""Reading the ward's item names: qualifiers, cross-references, the other names they carry,
and the words in a question that choose one variant.

The names come verbatim from the open data: 「いす（金属製）」 (a variant), 「ギター／※楽器」
(filed under 楽器), 「乳母車（ベビーカー）／※乳児用具」 (another name in brackets),
「おけ・たらい（木製）」 (two names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.catalog.words import matching_words, one_of
from bot.japanese import match_key

_WORDS = matching_words()

# The closing bracket is optional: one catalog name lacks it (「びん（医薬品・化粧品等、…」).
_QUALIFIER = re.compile(r"[（(]([^）)]*)(?:[）)]|$)")
_CROSS_REFERENCE = re.compile(r"[／/]※.*$")
_PARTS = re.compile(r"[・、,，]")
_KANJI = re.compile(r"[一-龥々]")
_VEHICLE_PREFIX = re.compile(rf"^({one_of(_WORDS.vehicle_prefixes)})(用|の)")
#: A state written before the name instead of in brackets: 「汚れたビン」 is the soiled
#: variant of a びん, as 「衣類（汚れたもの）」 is of 衣類.
_STATES = {word: state for state, words in _WORDS.states.items() for word in words}
_STATE_PREFIX = re.compile(rf"^({one_of(_STATES)})(?=.)")

_PREFIXED = re.compile(r"^(?P<prefix>.{2,}?)(?:の|用)(?P<rest>.{2,})$")

#: Bracket contents with these describe a variant rather than name the same thing again.
_QUALIFIER_HINTS = (*_WORDS.qualifier_hints, "：", ":")
#: Bracket contents that qualify although they carry no hint (read from the whole catalog).
_QUALIFYING_WORDS = frozenset(_WORDS.qualifying_words)

#: Materials residents name: the catalog's qualifier word each selects, and its words as
#: match keys.
MATERIALS: dict[str, tuple[str, ...]] = _WORDS.materials
#: Uses that choose a variant (「ビールの空き缶」 is a 「空き缶（飲食用）」), likewise.
USES: dict[str, tuple[str, ...]] = _WORDS.uses
#: What follows a word to deny it: 「缶じゃない」「割れていない」「飲食用以外」.
_NEGATION = re.compile(rf"^.{{0,3}}?({one_of(_WORDS.negations)})")
MATERIAL_KEYS = frozenset(word for words in MATERIALS.values() for word in words)

#: Containers, by kind: a resident's word for one meets the catalog's word for the same kind
#: (「ハイターのボトル」 is a 「漂白剤の容器」, 「線香の空き箱」 a 「線香の箱」).
CONTAINERS: dict[str, tuple[str, ...]] = _WORDS.containers
#: Container words, longest first, and the kind each belongs to.
CONTAINER_WORDS: dict[str, str] = {
    word: kind
    for kind, words in CONTAINERS.items()
    for word in sorted(words, key=len, reverse=True)
}
_CONTAINER_ENDINGS = {word[-1] for word in CONTAINER_WORDS}
#: Containers written in katakana join their contents without 「の」 only inside one word
#: (「ペットボトル」 is no bottle for pets, 「ラバーカップ」 no cup): such a catalog name is
#: not read as contents and container.
_ENDS_IN_KATAKANA = re.compile(r"[ァ-ヺー]$")
#: A kanji just before a katakana container: 「酒パック」「牛乳パック」 are what they held.
_KANJI_BEFORE = re.compile(r"[一-龥々][ァ-ヺー]+$")
#: What joins contents and container in a catalog name: 「線香の箱」, 「梅酒を漬けるびん」.
_CONTENTS_LINK = re.compile(r"(?:の|を[^を]*る)$")
#: Words before a container that say its state, not what it held.
_NOT_CONTENTS = frozenset((*_WORDS.empty_words, *_WORDS.not_contents))


def base_name(name: str) -> str:
    """The name without qualifier or cross-reference: 「いす（金属製）／※椅子」 → 「いす」."""
    return _QUALIFIER.sub("", _CROSS_REFERENCE.sub("", name)).strip()


def without_cross_reference(name: str) -> str:
    """「ギター／※楽器」 → 「ギター」."""
    return _CROSS_REFERENCE.sub("", name).strip()


def qualifier(name: str) -> str:
    """The bracketed qualifiers joined: 「いす（金属製）」 → 「金属製」."""
    return "・".join(_QUALIFIER.findall(without_cross_reference(name)))


def alternates(name: str) -> list[str]:
    """Every name an item's own name carries: the full name, the base name, its parts
    (「おけ」「たらい」), and other names in brackets (「ベビーカー」), never a qualifier."""
    plain = without_cross_reference(name)
    parts = _PARTS.split(base_name(name))
    names = [plain, base_name(name), *parts]
    # 「汚れた紙類」 is asked for as 「汚れた紙」, 「農薬類」 as 「農薬」; not 「カード類」 as
    # 「カード」, too short in kana to tell from other words (カート).
    names += [
        part[:-1]
        for part in parts
        if part.endswith("類")
        and (len(match_key(part[:-1])) >= 3 or _KANJI.search(part[:-1]))
        and match_key(part[:-1]) not in MATERIAL_KEYS
    ]
    # 「自動車用ルーフボックス」 is asked for as 「車のルーフボックス」 or 「ルーフボックス」.
    vehicle = _VEHICLE_PREFIX.match(base_name(name))
    if vehicle and len(base_name(name)) - vehicle.end() >= 4:
        names.append(base_name(name)[vehicle.end() :])
    for inside in _QUALIFIER.findall(plain):
        if any(hint in inside for hint in _QUALIFIER_HINTS):
            continue
        names += [
            part
            for part in _PARTS.split(inside)
            if len(part) >= 2
            and part not in _QUALIFYING_WORDS
            and match_key(part) not in MATERIAL_KEYS
        ]
    return [n for n in names if n]


def state_variant(name: str) -> tuple[str, str] | None:
    """「汚れたビン」 → (「ビン」, 「汚れ」): the plain thing and the state that sets this
    item apart from it; ``None`` for a name without such a state."""
    found = _STATE_PREFIX.match(name)
    if not found or any(mark in name for mark in "・（("):
        return None
    return name[found.end() :], _STATES[found.group(1)]


def container_kind(word: str) -> tuple[str, str] | None:
    """(「プラ」, 「容器」) for 「プラ容器」: what comes before the longest container word
    ending ``word``, and that container's kind; ``None`` if ``word`` names no container."""
    key = match_key(word)
    if not key or key[-1] not in _CONTAINER_ENDINGS:
        return None
    for container, kind in CONTAINER_WORDS.items():
        if key.endswith(container):
            return key[: len(key) - len(container)], kind
    return None


def contents_and_container(name: str) -> list[tuple[str, str]]:
    """(「線香」, 「箱」) for 「線香の箱」, as keys: a catalog name read as what a container
    held and the container's kind, so that 「お線香の空き箱」 and 「灯油を入れてた容器」 meet
    it. Empty for a name that is no such container."""
    found = []
    for part in _PARTS.split(base_name(name)):
        split = container_kind(part)
        if split is None:
            continue
        before, kind = split
        link = _CONTENTS_LINK.search(before)
        if link is None and _ENDS_IN_KATAKANA.search(part) and not _KANJI_BEFORE.search(part):
            continue
        contents = before[: link.start()] if link else before
        long_enough = len(contents) >= 2 or _KANJI.fullmatch(contents)  # 「酒パック」
        if long_enough and contents not in MATERIAL_KEYS and contents not in _NOT_CONTENTS:
            found.append((contents, kind))
    return found


def prefixed_name(name: str) -> tuple[str, str] | None:
    """(「自動車」, 「シート」) for 「自動車のシート」: a name made of what it belongs to and
    the thing itself, which residents shorten to the thing when the rest of their question
    says what it belongs to (「車から外したシート」); ``None`` for other names."""
    found = _PREFIXED.match(base_name(name))
    if not found or _PARTS.search(found.group("rest")):
        return None
    return found.group("prefix"), found.group("rest")


def words_for(word: str) -> set[str]:
    """Keys that name ``word`` in a question: its own, and those of the material or use it
    is one of (「自動車」 is also said 「車」, 「マイカー」)."""
    key = match_key(word)
    found = {key}
    for keys in _CHOOSING_KEYS:
        if key in keys:
            found.update(keys)
    return found


def choose_variants(variants: Iterable[tuple[str, str]], context: str) -> set[str]:
    """Of ``(name, qualifier)`` pairs, the names whose qualifier fits what ``context`` says
    of material or use (「金属のおたま」, 「ビールの空き缶」); empty when it says nothing.

    A part of a qualifier saying 「以外」 is chosen only by a negated word: 「飲食用以外の
    もの」 by 「食べ物の缶じゃない」, never by 「ビール」; and 「割れていない」 chooses no
    「割れているもの」.
    """
    variants = list(variants)
    said = match_key(context)
    chosen: set[str] = set()
    for keys in _CHOOSING_KEYS:
        found, negated = _saying(said, keys[1:])
        if not found:
            continue
        for name, qualifier_text in variants:
            for part in _qualifier_keys(qualifier_text):
                names_it = any(key in part for key in keys)
                if names_it and ("以外" in part) == negated:
                    chosen.add(name)
    if not chosen:
        chosen = _said_qualifiers(variants, said)
    return chosen


def choose_by_notes(variants: Iterable[tuple[str, str]], context: str) -> set[str]:
    """Of ``(name, notes)`` pairs, the names whose notes speak of the thing in a state
    ``context`` says (「お皿を割っちゃった」: only 皿（陶器製・ガラス製・金属製）'s notes
    tell how to put out broken ones: 「割れたものは…」; 「汚れを落として」 speaks of no
    soiled thing), when some variants' do and others' do not; empty otherwise."""
    variants = list(variants)
    said = match_key(context)
    chosen: set[str] = set()
    for state, in_the_state in _IN_A_STATE.items():
        found, negated = _saying(said, USES.get(state, ()))
        if found and not negated:
            chosen |= {name for name, notes in variants if in_the_state.search(notes)}
    return chosen if len(chosen) < len(variants) else set()


def _saying(said: str, keys: Iterable[str]) -> tuple[list[str], bool]:
    """The ``keys`` the match key ``said`` holds, and whether one of them is denied
    (「割れていない」「飲み物の缶じゃない」)."""
    found = [key for key in keys if key in said]
    return found, any(_NEGATION.match(said[said.index(key) + len(key) :]) for key in found)


#: For each state a variant may be in, how notes speak of the thing in it: 「割れた」
#: 「汚れている」, not 「汚れを落として」.
_IN_A_STATE = {state: re.compile(rf"{re.escape(state)}(?:た|て)") for state in _WORDS.states}


#: The end of a qualifier that the words before it say without: 「室内用」 is said 「室内」.
_QUALIFIER_SUFFIX = re.compile(r"(?:用|製|式)$")


def _said_qualifiers(variants: list[tuple[str, str]], said: str) -> set[str]:
    """The names whose qualifier the context says word for word (「室内用のテレビアンテナ」
    → テレビアンテナ（室内用）), when no material or use chose; never a qualifier the
    context denies (「室内用じゃない」) nor one only some variants' words share."""
    chosen: set[str] = set()
    for name, qualifier_text in variants:
        for part in _qualifier_keys(qualifier_text):
            word = _QUALIFIER_SUFFIX.sub("", part)
            if len(word) < 2 or word in MATERIAL_KEYS or "以外" in part:
                continue
            found = said.find(word)
            if found >= 0 and not _NEGATION.match(said[found + len(word) :]):
                chosen.add(name)
    if len(chosen) == len(variants):
        return set()
    return chosen


#: For each material and use, the keys that name it: its own name first, then its words.
_CHOOSING_KEYS = [
    [match_key(wanted), *words] for wanted, words in (*MATERIALS.items(), *USES.items())
]


@lru_cache(maxsize=4096)
def _qualifier_keys(qualifier_text: str) -> tuple[str, ...]:
    return tuple(match_key(part) for part in _PARTS.split(qualifier_text))
