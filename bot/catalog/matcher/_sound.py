"""Sound-alike spans: a key that sounds like the message's (「ベット」 for 「ベッド」),
trusted only where it is a spelling of the same word; the others are suggestions."""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from bot.catalog.matcher._keys import KANJI, CatalogKeys, morpheme_reading
from bot.catalog.matcher._spans import Span, SpanKind
from bot.japanese import Morpheme, match_key, sound_key

#: The shortest word (in :func:`match_key` letters) a spelling by sound may be.
_SOUND_MIN_LENGTH = 3


def spelling_variant(said: str, known: str, *, same_start: bool = False) -> bool:
    """Whether ``said`` is a resident's spelling of the catalog key ``known``, not another
    word that merely sounds alike; both are :func:`match_key` keys with the same sound key.

    The same word: at least three letters; the same first letter (a voicing change at the
    start makes another word: 「ボート」 is no 「ポット」, 「じょせつ」 no 「しょうせつ」); about
    the same length; and one spelling difference (two in a word of six or more letters):
    「べっと」/「べっど」, 「ほちきす」/「ほっちきす」, 「てっしゅ」/「てぃっしゅ」.
    ``same_start`` says the first letters stand for the same thing whatever they sound
    like (both spellings begin with the same kanji).
    """
    if said == known:
        return True
    if min(len(said), len(known)) < _SOUND_MIN_LENGTH:
        return False
    if said[0] != known[0] and not same_start:
        return False
    if abs(len(said) - len(known)) > 1:
        return False
    edits = sum(
        1
        for tag, *_ in SequenceMatcher(None, said, known, autojunk=False).get_opcodes()
        if tag != "equal"
    )
    return edits <= (2 if min(len(said), len(known)) >= 6 else 1)


def sound_spans(
    keys: CatalogKeys, spans: list[Span], morphemes: list[Morpheme]
) -> tuple[list[Span], list[int]]:
    """The sound-key spans that spell a catalog key differently but are the same word
    (see :func:`spelling_variant`), each narrowed to the items of the keys it is a
    spelling of; and the items of the others, to be suggested."""
    kept = []
    sound_alikes: list[int] = []
    for span in spans:
        if not _trusted_sound_match(span, morphemes):
            continue
        covered = morphemes[span.first : span.last + 1]
        said = match_key(
            "".join(morpheme_reading(m) if span.by_reading else m.text for m in covered)
        )
        if sound_key(said) != span.key:
            continue  # only part of a word sounds like the key
        # A word in kanji is read by Sudachi, not spelt by the resident: its first sound
        # may differ from the catalog's reading of the same name (画鋲 がびょう, 画びょう
        # かびょう) when the name begins with the same kanji.
        first = covered[0].text[0]
        sources = keys.sound_sources.get(span.key, {})
        ids = {
            item_id
            for key, key_ids in sources.items()
            for item_id in key_ids
            # Two words in kanji that begin with different kanji are different words
            # however alike they sound (筐体 きょうたい, 鏡台 きょうだい).
            if not (
                KANJI.match(first)
                and KANJI.match(keys.items[item_id].name[0])
                and not keys.items[item_id].name.startswith(first)
            )
            and spelling_variant(
                said,
                key,
                same_start=bool(KANJI.match(first)) and keys.items[item_id].name.startswith(first),
            )
        }
        if ids:
            kept.append(replace(span, kind=SpanKind.SOUND, ids=frozenset(ids)))
        elif all(m.pos[0] == "名詞" for m in covered):
            sound_alikes += sorted(set().union(*sources.values()))
    return kept, sound_alikes


#: Katakana or Latin letters only: a spelling of a foreign word, which wanders.
_FOREIGN_SCRIPT = re.compile(r"^[ァ-ヺーｦ-ﾟA-Za-zＡ-Ｚａ-ｚ0-9０-９]+$")


def _trusted_sound_match(span: Span, morphemes: list[Morpheme]) -> bool:
    """A sound-key match is trusted when it is long; when spelled in katakana or Latin,
    where residents' spellings wander (「ベット」); or when written in kanji, whose reading
    is Sudachi's (「画鋲」 for the catalog's misspelt reading 「かびょう」). A short word in
    hiragana may just sound alike: 「からっぽ」 is no 「ガラホ」."""
    covered = morphemes[span.first : span.last + 1]
    return (
        len(span.key) >= 4
        or all(_FOREIGN_SCRIPT.match(m.text) for m in covered)
        or (len(span.key) >= 3 and any(KANJI.search(m.text) for m in covered))
    )
