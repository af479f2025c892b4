"""Finding the catalog items a resident's message is about.

The NLU model only says what kind of question it is; which item is meant is decided here,
against the live catalog, so an item or alias that staff add is found on the next message.

How a message is matched:

1. Sudachi splits it into morphemes. Each morpheme gives two keys (see
   :func:`bot.japanese.match_key`): its surface and its reading, so 「薬缶」 meets the
   catalog's 「やかん」 and 「ﾏｯﾄﾚｽ」 meets 「マットレス」.
2. Every substring of the joined surface keys and of the joined reading keys is looked up
   in a dict of catalog keys (names, readings, the parts of 「おけ・たらい」, other names in
   brackets such as 「乳母車（ベビーカー）」, aliases). Cost grows with the message length,
   not with the catalog size.
3. Short keys must sit on nouns: up to two characters (「本」「傘」「いす」) they must start
   and end on morpheme boundaries, three characters must start on one and not end inside a
   noun; so 「日本」 is not a 「本」, 「すみません」 no 「炭」, 「買った」 no 「カッター」 and
   「ラップトップ」 no 「ラップ」.
4. The longest matches win; matches that do not overlap are separate items
   (「アルミホイルとラップ」). A plain base name brings all its variants (「ざる」: 金属製,
   プラスチック製, 木製), narrowed by a material or use the message names.
   Beyond the keys themselves (each only where the keys leave something unexplained or
   told apart): a container meets what it held (「灯油を入れてた容器」 → 灯油の容器); the
   head of an unknown compound meets a class of things (「トートバッグ」 → バッグ); a name
   typed in hiragana that Sudachi cut up counts as a whole word (「まほうびん」); a name
   said without what it belongs to counts when the rest of the message says it (「車から
   外したシート」 → 自動車のシート); a state said anywhere (「汚れが落ちない」) chooses the
   item of that state (汚れたビン); items in brackets or in a sentence that asks nothing
   are details, not questions.
   A catalog item that only says where the thing was (「農薬が物置から出てきた」) is not
   the thing asked about; nor is one that only begins a compound the catalog does not
   know (the 石 of 「石灯籠」).
5. With nothing found, the same search runs on sound keys (:func:`bot.japanese.sound_key`)
   for spellings that sound alike (「ベット」 for 「ベッド」), but only for a spelling of the
   same word (see :func:`spelling_variant`): 「ボート」 is no 「ポット」. A sound-alike that
   is not is offered as a suggestion.
6. Still nothing: rapidfuzz compares the message's noun phrase with the keys, and the closest
   items are offered as suggestions, never as the answer.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from bot.catalog.item_names import (
    MATERIAL_KEYS,
    alternates,
    base_name,
    choose_variants,
    container_kind,
    contents_and_container,
    prefixed_name,
    qualifier,
    state_variant,
    without_cross_reference,
    words_for,
)
from bot.catalog.words import matching_words, one_of
from bot.japanese import Morpheme, fold_kana, get_analyzer, match_key, sound_key

_WORDS = matching_words()

_MAX_KEY_LENGTH = 40
#: A question of at most this many letters may be a bare, misspelt item name.
_TYPO_MAX_LENGTH = 10
_TYPO_MIN_SCORE = 80.0
_TYPO_MARGIN = 8.0
_KANA_ONLY = re.compile(r"^[ぁ-ゖー]+$")
_FOREIGN_SCRIPT = re.compile(r"^[ァ-ヺーｦ-ﾟA-Za-zＡ-Ｚａ-ｚ0-9０-９]+$")
_KANJI = re.compile(r"[一-龥々]")
_KANJI_WORD = re.compile(r"[一-龥々]{2,}")
_SPACES = re.compile(r"[\s\u3000]+")
#: A question that begins with a word typed in hiragana, up to its particle or the first
#: kanji: 「せんたっき捨てたい」 (Sudachi cuts the word up: せん|たっ|き).
_LEADING_HIRAGANA = re.compile(
    r"^([ぁ-ゖー]{3,}?)(?:を|は|が|って|も|の)?(?=[一-龥々、。？！?!\s]|$)"
)
#: Noun-like parts of speech: what an item's name in a question is made of.
_NOUN_POS = {"名詞", "接頭辞", "接尾辞", "形状詞"}
#: What a short name must begin with: a noun or a prefix (「お盆」), not a counter (「4本」).
_SHORT_NAME_POS = {"名詞", "接頭辞"}
#: Words of the question itself, never part of an item's name.
_QUESTION_WORDS = frozenset(_WORDS.question_words)


@dataclass(frozen=True)
class CatalogItem:
    """What the matcher and the answers need of an item; read from the database."""

    id: int
    name: str
    reading: str
    category: str
    notes: str = ""
    url: str | None = None
    guidance_key: str | None = None

    @property
    def base_name(self) -> str:
        return base_name(self.name)

    @property
    def qualifier(self) -> str:
        return qualifier(self.name)


@dataclass
class Mention:
    """One thing the message talks about and the items it may be."""

    text: str
    candidates: list[CatalogItem]
    #: The message named one item outright (its full name, or a button payload).
    exact: bool = False
    #: Where in the message it was named.
    start: int = 0
    end: int = 0
    #: Found only loosely: by sound (「ベット」) or by the head of an unknown compound
    #: (「トートバッグ」), not by a name or alias the message spells out.
    loose: bool = False

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.candidates))

    @property
    def is_ambiguous(self) -> bool:
        return len(self.categories) > 1


@dataclass
class MatchResult:
    mentions: list[Mention] = field(default_factory=list)
    #: Close items when nothing matched; to offer as buttons, never as the answer.
    suggestions: list[CatalogItem] = field(default_factory=list)
    #: The phrase the suggestions were looked for with.
    query: str = ""
    #: One suggestion so much closer than the rest that the query is surely a typo of it
    #: (「フライパソ」 → フライパン); answered as 「…のことでしょうか」.
    likely: CatalogItem | None = None


@dataclass(frozen=True)
class _Span:
    first: int  # first morpheme
    last: int  # last morpheme, inclusive
    key: str
    by_reading: bool  # found in the readings rather than the surface
    #: How it was found: ``name`` (a key in the text), ``head`` (the last word of a compound
    #: the catalog does not know, see :meth:`CatalogIndex._head_spans`), ``contents`` (a
    #: container and what it held, see :meth:`CatalogIndex._container_spans`) or
    #: ``shortened`` (see :meth:`CatalogIndex._shortened_spans`).
    kind: str = "name"
    #: How much of the message it stands for, when that is more than its key: a container
    #: with its contents stands for the words between them too.
    length: int = 0
    #: The items it names, when not those of its key (a shortened name, see
    #: :meth:`CatalogIndex._shortened_spans`).
    ids: frozenset[int] | None = None

    @property
    def size(self) -> int:
        return max(self.length, len(self.key))


@dataclass(frozen=True)
class _Reading:
    """What one spelling of the message names."""

    mentions: list[Mention]
    #: How much of the message the mentions account for; the best spelling names most.
    weight: int
    #: Whether another spelling might name more: a noun is left unmatched, or an item was
    #: passed over for the one after it (「線香の空き箱」 could be a 「線香の箱」).
    unsettled: bool


class _KeyTable:
    """Keys to item ids, and which keys name a whole variant group (a base name)."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {}
        #: Keys that are some item's base name: matching one brings its siblings.
        self.bases: dict[str, set[int]] = {}

    def add(self, key: str, item_id: int, *, base: bool = False) -> None:
        if key:
            self.ids.setdefault(key, set()).add(item_id)
            if base:
                self.bases.setdefault(key, set()).add(item_id)


class _FuzzyKeys:
    """Keys filed under their character bigrams.

    A fuzzy search then scores only the keys that share enough bigrams with the query,
    instead of every key: at 100,000 items that is the difference between ~15 ms and well
    under a millisecond (``scripts/bench_lookup.py``).
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        postings: dict[str, list[int]] = {}
        for number, key in enumerate(keys):
            for gram in _bigrams(key):
                postings.setdefault(gram, []).append(number)
        self._postings = {gram: array("i", numbers) for gram, numbers in postings.items()}

    def candidates(self, key: str) -> list[str]:
        grams = _bigrams(key)
        counts: Counter[int] = Counter()
        for gram in grams:
            counts.update(self._postings.get(gram, ()))
        needed = max(1, len(grams) // 3)
        return [self.keys[number] for number, count in counts.items() if count >= needed]


def reading_parts(reading: str) -> list[str]:
    """「おけ・たらい」 → 「おけ」「たらい」."""
    return [part for part in re.split(r"[・、]", reading) if part]


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


class CatalogIndex:
    """An immutable in-memory index of the catalog; build a new one when it changes."""

    def __init__(
        self, items: Iterable[CatalogItem], aliases: Iterable[tuple[str, int]] = ()
    ) -> None:
        self.items: dict[int, CatalogItem] = {item.id: item for item in items}
        self._analyzer = get_analyzer()
        #: Sudachi's finest split, for the heads of compounds it reads as one word.
        self._analyzer_a = get_analyzer("A")
        self._exact = _KeyTable()
        #: Keys of full names, for which a match is exact (one item, no question back).
        self._full: dict[str, int] = {}
        #: 「びん」 → 「汚れたビン」: items that are a state of a plain thing.
        self._states: dict[str, set[int]] = {}
        #: Contents and container kind (「線香」「箱」) → the items named by them.
        self._contents: dict[tuple[str, str], set[int]] = {}
        #: 「しと」 (シート) → 自動車のシート and the words that say 自動車 (see
        #: :meth:`_shortened_spans`).
        self._shortened: dict[str, list[tuple[int, set[str]]]] = {}
        for item in self.items.values():
            self._add_names(item)
        # Readings name an item in full only where no name does: 「こと」 is 琴 by its
        # reading, but 「コート」 (also こと without the long vowel) by its name.
        for item in self.items.values():
            if not item.qualifier:
                reading = match_key(without_cross_reference(item.reading or ""))
                self._full.setdefault(reading, item.id)
        for alias, item_id in aliases:
            if item_id in self.items:
                self._exact.add(match_key(alias), item_id)
                # Aliases carry no reading of their own: Sudachi's, so that 「しっぷ」 finds
                # the alias 「湿布」.
                self._exact.add(self._sudachi_reading(alias), item_id)
                self._add_contents(alias, item_id)
        self._file_states()
        self._sound = _KeyTable()
        #: Sound key → the exact keys it stands for, and the items of each.
        self._sound_sources: dict[str, dict[str, set[int]]] = {}
        for key, ids in self._exact.ids.items():
            bases = self._exact.bases.get(key, set())
            sounded = sound_key(key)
            self._sound_sources.setdefault(sounded, {})[key] = ids
            for item_id in ids:
                self._sound.add(sounded, item_id, base=item_id in bases)
        self._fuzzy = _FuzzyKeys(list(self._exact.ids))
        #: Base names of items with variants (「バッグ（布製・革製）」): classes of things,
        #: which an unknown compound ending in one (「トートバッグ」) belongs to.
        self._classes = {
            key
            for key, ids in self._exact.bases.items()
            if len(key) >= 2
            and key not in MATERIAL_KEYS
            and any(self.items[i].qualifier for i in ids)
        }

    def _add_names(self, item: CatalogItem) -> None:
        """File the keys an item's own name and reading carry."""
        plain = without_cross_reference(item.name)
        for name in alternates(item.name):
            self._exact.add(match_key(name), item.id, base=name == item.base_name)
            if name not in (plain, item.base_name) and _KANJI.search(name):
                # Another name in brackets has no reading in the catalog: Sudachi's, so
                # that 「まほうびん」 finds 「ポット（電気ポット・魔法瓶）」.
                self._exact.add(self._sudachi_reading(name), item.id)
        if _KANJI.search(item.base_name):
            # The catalog's reading may be misspelt (画びょう 「かびょう」): Sudachi's too,
            # so that 「がびょう」 finds it. Only for a reading long enough to be one word.
            spoken = self._sudachi_reading(item.base_name)
            if len(spoken) >= 3:
                self._exact.add(spoken, item.id)
        # Readings have no 「製」 to tell a qualifier by, so only the name's own reading.
        reading = base_name(item.reading or "")
        for name in (without_cross_reference(item.reading or ""), *reading_parts(reading)):
            self._exact.add(match_key(name), item.id)
        self._exact.add(match_key(reading), item.id, base=True)
        self._full.setdefault(match_key(plain), item.id)
        for spelling in (item.base_name, reading):
            state = state_variant(spelling)
            if state is not None:
                self._states.setdefault(match_key(state[0]), set()).add(item.id)
        self._add_contents(item.name, item.id)
        shortened = prefixed_name(item.name)
        if shortened is not None:
            prefix, rest = shortened
            self._shortened.setdefault(match_key(rest), []).append((item.id, words_for(prefix)))

    def _add_contents(self, name: str, item_id: int) -> None:
        for contents, kind in contents_and_container(name):
            for key in {contents, self._sudachi_reading(contents)}:
                self._contents.setdefault((key, kind), set()).add(item_id)

    def _sudachi_reading(self, text: str) -> str:
        return match_key("".join(_reading(m) for m in self._analyzer.analyze(text)))

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> MatchResult:
        """The items ``text`` names; failing that, close items to suggest.

        The exact keys are tried on the text as typed. Only when that leaves a noun
        unmatched or passes over an item are other spellings tried: fillers and 「の」
        between nouns dropped (「目薬のからの容器」 → 「目薬の容器」, 「浄水器の
        カートリッジ」 → 「浄水器カートリッジ」); the spelling that names the most wins. (Each
        spelling costs a Sudachi analysis, the bulk of a lookup.) Only if none names
        anything are the sound keys tried.
        """
        # 「ペットボトルとそのキャップ」 asks about a ペットボトル and its キャップ.
        text = _THAT_ONE.sub(r"\1\2\1の", text)
        morphemes = self._analyzer.analyze(text)
        typed = self._reading(text, morphemes, self._exact, match_key)
        best = typed
        if typed.unsettled:
            for rewritten in _rewrites(text, morphemes):
                reading = self._reading(
                    rewritten, self._analyzer.analyze(rewritten), self._exact, match_key
                )
                if reading.weight > best.weight:
                    best = reading
        best = best.mentions
        if best:
            return MatchResult(mentions=best)
        sound_alikes: list[int] = []
        sounded = self._reading(text, morphemes, self._sound, sound_key, sound_alikes).mentions
        if sounded:
            return MatchResult(mentions=sounded)
        query = noun_phrase(morphemes, text)
        scored = self._scored(query)
        # Alike in sound but not a spelling of the same word (「ボート」, 電気ポット): a
        # suggestion at most, never the answer (nor a likely typo).
        suggested = [(self.items[i], 0.0) for i in dict.fromkeys(sound_alikes)]
        whole = text.strip(" 　?？!！。、")
        leading = _LEADING_HIRAGANA.match(whole)
        for other in (
            # A bare word that Sudachi cut up (「ぬいぐみる」 → ぬい|ぐ|みる).
            whole if len(match_key(whole)) <= _TYPO_MAX_LENGTH else "",
            # The same at the start of a question (「せんたっき捨てたい」).
            leading.group(1) if leading else "",
        ):
            if other and other != query:
                alternative = self._scored(other)
                if alternative and (not scored or alternative[0][1] > scored[0][1]):
                    query, scored = other, alternative
        suggestions = _distinct_items(scored + suggested)[:3]
        # A word Sudachi knows whole (「サンドバッグ」) is what it says, not a slip for a
        # catalog name one letter away (ハンドバッグ).
        known = [m for m in self._analyzer.analyze(query) if not m.oov]
        real_word = len(known) == 1 and known[0].text == query
        likely = None if real_word else _likely_typo(query, scored)
        return MatchResult(suggestions=suggestions, query=query, likely=likely)

    def similar(self, phrase: str, limit: int = 3) -> list[CatalogItem]:
        """Up to ``limit`` items whose keys look most like ``phrase``."""
        return _distinct_items(self._scored(phrase))[:limit]

    def _scored(self, phrase: str, cutoff: float = 60.0) -> list[tuple[CatalogItem, float]]:
        """Items whose keys look like ``phrase``, best first, with the score of the key."""
        key = match_key(phrase)
        if len(key) < 2:
            return []
        scored: list[tuple[CatalogItem, float]] = []
        for choice, score, _ in process.extract(
            key, self._fuzzy.candidates(key), scorer=fuzz.ratio, limit=12, score_cutoff=cutoff
        ):
            scored += [(self.items[i], score) for i in sorted(self._exact.ids[choice])]
        return scored

    def _reading(
        self,
        text: str,
        morphemes: list[Morpheme],
        table: _KeyTable,
        key_of: Callable[[str], str],
        sound_alikes: list[int] | None = None,
    ) -> _Reading:
        spans = [
            *_spans_in([key_of(m.text) for m in morphemes], morphemes, table, by_reading=False),
            *_spans_in([key_of(_reading(m)) for m in morphemes], morphemes, table, by_reading=True),
        ]
        if table is self._sound:
            spans = self._sound_spans(spans, morphemes, sound_alikes)
        else:
            spans += _kana_word_spans(text, morphemes, table)
            spans += self._container_spans(morphemes)
        unmatched = _unmatched_nouns(morphemes, spans)
        if table is self._exact and unmatched:
            spans += self._head_spans(morphemes, unmatched)
            spans += self._shortened_spans(text, morphemes, unmatched)
        groups = _without_qualifying_materials(text, morphemes, _longest_first(spans))
        mentions = []
        weight = 0
        for group in sorted(groups, key=lambda g: g[0].first):
            if _begins_unknown_compound(morphemes, group, spans):
                continue  # the 石 of 「石灯籠」 names no 石
            mention = self._mention(text, morphemes, group, table)
            mentions.append(mention)
            head = group[0].kind == "head"
            weight += len(group[0].key) if head else len(mention.text)
        starts = {m.start for m in mentions}
        parts = [m for m in mentions if _is_part_of(text, m.end, starts)]
        mentions = [m for m in mentions if m not in parts]
        weight -= sum(len(m.text) for m in parts)
        focused = _focused(text, _places_dropped(text, morphemes, mentions, spans))
        return _Reading(focused, weight, bool(unmatched) or len(focused) < len(mentions))

    def _sound_spans(
        self, spans: list[_Span], morphemes: list[Morpheme], sound_alikes: list[int] | None
    ) -> list[_Span]:
        """The sound-key spans that spell a catalog key differently but are the same word
        (see :func:`spelling_variant`), each narrowed to the items of the keys it is a
        spelling of. The items of the others go to ``sound_alikes``, to be suggested."""
        kept = []
        for span in spans:
            if not _trusted_sound_match(span, morphemes):
                continue
            covered = morphemes[span.first : span.last + 1]
            said = match_key("".join(_reading(m) if span.by_reading else m.text for m in covered))
            if sound_key(said) != span.key:
                continue  # only part of a word sounds like the key
            # A word in kanji is read by Sudachi, not spelt by the resident: its first sound
            # may differ from the catalog's reading of the same name (画鋲 がびょう, 画びょう
            # かびょう) when the name begins with the same kanji.
            first = covered[0].text[0]
            sources = self._sound_sources.get(span.key, {})
            ids = {
                item_id
                for key, key_ids in sources.items()
                for item_id in key_ids
                # Two words in kanji that begin with different kanji are different words
                # however alike they sound (筐体 きょうたい, 鏡台 きょうだい).
                if not (
                    _KANJI.match(first)
                    and _KANJI.match(self.items[item_id].name[0])
                    and not self.items[item_id].name.startswith(first)
                )
                and spelling_variant(
                    said,
                    key,
                    same_start=bool(_KANJI.match(first))
                    and self.items[item_id].name.startswith(first),
                )
            }
            if ids:
                ids = frozenset(ids)
                kept.append(
                    _Span(span.first, span.last, span.key, span.by_reading, "sound", ids=ids)
                )
            elif sound_alikes is not None and all(m.pos[0] == "名詞" for m in covered):
                sound_alikes += sorted(set().union(*sources.values()))
        return kept

    def _ids(self, span: _Span, table: _KeyTable) -> set[int]:
        """The items a span names."""
        if span.ids is not None:
            return set(span.ids)
        if span.kind == "contents":
            return self._contents[_split_contents_key(span.key)]
        return table.ids[span.key]

    def _container_spans(self, morphemes: list[Morpheme]) -> list[_Span]:
        """A container and what it held, apart in the sentence: 「灯油を入れてた容器」 and
        「バターが入っていたプラスチックの容器」 meet 「灯油の容器」 and 「バターの容器」.

        For each container word, the nouns before it in the same sentence are tried
        nearest first, each with the nouns just before it (「粉洗剤の紙箱」 → 洗剤, 箱).
        """
        if not self._contents:
            return []
        spans = []
        for last, container in enumerate(morphemes):
            split = container_kind(container.text)
            if split is None:
                continue
            before, kind = split
            if before and (before, kind) in self._contents:  # 「ミルク缶」 in one word
                key = _contents_key(before, kind)
                spans.append(_Span(last, last, key, False, "contents", len(before) + len(kind)))
                continue
            if before and before not in _CONTAINER_PREFIXES:
                continue  # 「ペットボトル」 is no bottle for pets
            for nearest in range(last - 1, max(-1, last - _CONTENTS_WINDOW), -1):
                if _SENTENCE_BREAK.search(morphemes[nearest].text):
                    break
                found = self._contents_before(morphemes, nearest, kind)
                if found is not None and morphemes[nearest + 1].text in _AND_WORDS:
                    # 「ペットボトルとキャップ」: the bottle, and the bottle's cap. The span is
                    # the container's alone, so that the contents are answered too.
                    key = _contents_key(found[1], kind)
                    length = len(match_key(container.text)) + 1
                    spans.append(_Span(last, last, key, False, "contents", length))
                    break
                if found is not None:
                    first, key = found
                    # Longer than any key inside: it outranks 「線香」 and 「空き箱」 alone.
                    length = 1 + sum(
                        max(len(match_key(m.text)), len(match_key(_reading(m))))
                        for m in morphemes[first : last + 1]
                    )
                    key = _contents_key(key, kind)
                    spans.append(_Span(first, last, key, False, "contents", length))
                    break
        return spans

    def _contents_before(
        self, morphemes: list[Morpheme], last: int, kind: str
    ) -> tuple[int, str] | None:
        """The first morpheme and key of contents of ``kind`` ending at ``last``: the noun
        there, or with the nouns just before it (「ティッシュ|ペーパー」), longest first."""
        if morphemes[last].pos[0] != "名詞":
            return None
        first = last
        while first > 0 and morphemes[first - 1].pos[0] == "名詞":
            first -= 1
        for start in range(first, last + 1):
            run = morphemes[start : last + 1]
            for key in (
                match_key("".join(m.text for m in run)),
                match_key("".join(_reading(m) for m in run)),
            ):
                if (key, kind) in self._contents:
                    return start, key
        # A kind of the contents in one kanji word: 「日本酒の紙パック」 held 酒.
        word = morphemes[last].text
        if _KANJI_WORD.fullmatch(word):
            for begin in range(1, len(word)):
                key = match_key(word[begin:])
                if (key, kind) in self._contents:
                    return last, key
        return None

    def _shortened_spans(
        self, text: str, morphemes: list[Morpheme], unmatched: list[int]
    ) -> list[_Span]:
        """A name said without what it belongs to, which the message says elsewhere:
        「車から外したシート」 is a 「自動車のシート」, 「車のボディカバー」 a
        「自動車のカバー」. Without such a word (「シートを捨てたい」) it is nothing."""
        said = match_key(text)
        spans = []
        for index in unmatched:
            key = match_key(morphemes[index].text)
            ids = frozenset(
                item_id
                for item_id, words in self._shortened.get(key, ())
                if any(_says(said, word) for word in words)
            )
            if ids:
                spans.append(_Span(index, index, key, False, "shortened", ids=ids))
        return spans

    def _head_spans(self, morphemes: list[Morpheme], unmatched: list[int]) -> list[_Span]:
        """The head of a compound the catalog does not know: 「トートバッグ」 → バッグ,
        「エコバッグ」 → バッグ.

        Only heads that the catalog itself treats as a class of things, a base name with
        variants by material or kind (「バッグ（布製・革製）」, 「グラス（…）」), so that a
        「ミラーボール」 is not taken for the one toy 「ボール」. The head must also be a word
        of its own in Sudachi's finest split (mode A), so that 「サンドバッグ」, one word
        there, is not taken for a bag. The longest such head is used; only for a noun
        nothing else matched.
        """
        spans = []
        for index in unmatched:
            word = morphemes[index].text
            if len(word) < 3:
                continue
            for part in self._analyzer_a.analyze(word)[1:]:
                key = match_key(word[part.start :])
                if key in self._classes:
                    spans.append(_Span(index, index, key, False, "head"))
                    break
        return spans

    def _mention(
        self, text: str, morphemes: list[Morpheme], group: list[_Span], table: _KeyTable
    ) -> Mention:
        start, end = morphemes[group[0].first].start, morphemes[group[0].last].end
        said = text[start:end]
        loose = group[0].kind in ("sound", "head")
        matched: set[int] = set().union(*(self._ids(span, table) for span in group))
        # What the message says of material, use or state (「割れた」「プラスチックの」
        # 「汚れが落ちない」) may choose among all variants of the matched items, even of
        # one named in full; so may words inside the mention that its key does not cover
        # (the 革 of 「革手袋」, the プラスチック of 「バターが入ってたプラスチックの容器」).
        related = self._siblings(matched) | matched
        pool = sorted((self.items[i] for i in related | self._states_of(related)), key=_by_id)
        context = " ".join((text[:start], _uncovered(text, morphemes, group), text[end:]))
        chosen = choose_variants([(c.name, _variant_qualifier(c)) for c in pool], context)
        if chosen:
            candidates = [c for c in pool if c.name in chosen]
            exact = len(candidates) == 1
            return Mention(said, candidates, exact=exact, start=start, end=end, loose=loose)
        full = {
            self._full[span.key]
            for span in group
            if span.key in self._full and span.kind != "contents"
        }
        if len(full) == 1 and table is self._exact:
            # The full name of one item (「スプレー缶」) beats the items that merely
            # mention it (「殺虫剤の容器（スプレー缶）」).
            return Mention(said, [self.items[full.pop()]], exact=True, start=start, end=end)
        ids = set(matched)
        for span in group:
            # A base name (「ざる」) means any of its variants; an alias or a full name only
            # the items it names.
            bases = table.bases.get(span.key, set())
            if span.kind == "sound" and span.ids is not None:
                bases = bases & span.ids
            ids |= self._siblings(bases)
        if len(ids) == 1 and table is self._exact:
            ids |= self._compounds_of(ids, group, context)
        candidates = sorted((self.items[i] for i in ids), key=_by_id)
        return Mention(said, candidates, start=start, end=end, loose=loose)

    def _compounds_of(self, ids: set[int], group: list[_Span], context: str) -> set[int]:
        """For a bare name whose one item is a kind of it (「バッテリー」 is 「バッテリー
        （自動車等）」, not 「カーテン（…除く）」), the other items it is the end of
        (モバイルバッテリー, 電動車いすのバッテリー): the resident may mean any, so they are
        asked back. Those whose first words the message says (the テレビ of 「テレビの
        アンテナ」) are preferred."""
        (only,) = (self.items[i] for i in ids)
        key = match_key(only.base_name)
        if (
            not only.qualifier
            # 「カーテン（レースカーテン・遮光カーテン除く）」 is every other カーテン.
            or any(word in only.qualifier for word in ("除く", "以外"))
            or len(key) < 3
            or group[0].kind != "name"
            or not any(s.key == key for s in group)
        ):
            return set()
        compounds = {
            item.id: match_key(item.base_name)[: -len(key)]
            for item in self.items.values()
            if item.id != only.id
            and len(item.base_name) > len(only.base_name)
            and item.base_name.endswith(only.base_name)
            and self._word_starts(item.base_name, len(item.base_name) - len(only.base_name))
        }
        said = match_key(context)
        preferred = {
            i for i, before in compounds.items() if len(before) >= 2 and before.rstrip("の") in said
        }
        return preferred or set(compounds)

    def _states_of(self, item_ids: set[int]) -> set[int]:
        """Items that are a state of one of ``item_ids`` (see :meth:`_file_states`)."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self._state_items.get(item_id, set())
        return found

    def _file_states(self) -> None:
        """File, for every item, the items that are a state of it: 「汚れたビン」 of
        「空きびん（飲食用）」, whose reading ends in the same びん."""
        self._state_items: dict[int, set[int]] = {}
        self._file_kin_states()
        if not self._states:
            return
        for item in self.items.values():
            reading = match_key(base_name(item.reading or ""))
            name = match_key(item.base_name)
            for key, states in self._states.items():
                if reading.endswith(key) or name.endswith(key):
                    self._state_items.setdefault(item.id, set()).update(states)

    def _word_starts(self, name: str, offset: int) -> bool:
        """Whether a word of ``name`` begins at ``offset`` (Sudachi's finest split): the
        シート of 「トイレシート」 does not begin at its レ."""
        return any(m.start == offset for m in self._analyzer_a.analyze(name))

    def _file_kin_states(self) -> None:
        """Items the catalog describes alike (the same category and notes: 服, 洋服,
        ジャケット, 衣類) share the state variants one of them has: 「汚れた服」 is a
        「衣類（汚れたもの）」."""
        kin: dict[tuple[str, str], set[int]] = {}
        for item in self.items.values():
            if item.notes.strip() and not item.qualifier:
                kin.setdefault((item.category, item.notes.strip()), set()).add(item.id)
        for members in kin.values():
            if len(members) < 2:
                continue
            states = {
                sibling
                for member in members
                for sibling in self._siblings({member})
                if any(word in self.items[sibling].qualifier for word in _STATE_WORDS)
                and self.items[sibling].category != self.items[member].category
            }
            for member in members if states else ():
                self._state_items.setdefault(member, set()).update(states)

    def _siblings(self, item_ids: set[int]) -> set[int]:
        """Items sharing a base name with ``item_ids``: the variants of the same thing."""
        found: set[int] = set()
        for item_id in item_ids:
            found |= self._exact.bases.get(match_key(self.items[item_id].base_name), set())
        return found


def _says(said: str, word: str) -> bool:
    """Whether the key ``said`` has the word ``word``; a one-letter word only on its own,
    not as the end of a longer one (the 車 of 「自転車」 is no car)."""
    if len(word) > 1:
        return word in said
    return any(
        i == 0 or not _KANJI.match(said[i - 1]) for i, letter in enumerate(said) if letter == word
    )


def _variant_qualifier(item: CatalogItem) -> str:
    """What sets ``item`` apart from its siblings: its bracketed qualifier, and a state
    written before the name (「汚れ」 of 「汚れたビン」)."""
    state = state_variant(item.base_name)
    return "・".join(filter(None, (item.qualifier, state[1] if state else "")))


def _uncovered(text: str, morphemes: list[Morpheme], group: list[_Span]) -> str:
    """The words of a mention its key does not stand for: the 革 of 「革手袋」 (matched as
    てぶくろ), the プラスチック between contents and container."""
    first, last = group[0].first, group[0].last
    if group[0].kind == "contents":
        return text[morphemes[first].end : morphemes[last].start]
    if any(span.key in _whole_keys(morphemes[first : last + 1]) for span in group):
        return ""
    return text[morphemes[first].start : morphemes[last].end]


def _whole_keys(covered: list[Morpheme]) -> set[str]:
    """The keys that stand for all of ``covered``: their surface and their reading."""
    return {
        match_key("".join(m.text for m in covered)),
        match_key("".join(_reading(m) for m in covered)),
    }


def _contents_key(contents: str, kind: str) -> str:
    """A span key for contents and a container kind; see :func:`_split_contents_key`."""
    return f"{contents}{_CONTENTS_SEPARATOR}{kind}"


def _split_contents_key(key: str) -> tuple[str, str]:
    contents, kind = key.split(_CONTENTS_SEPARATOR)
    return contents, kind


def _distinct_items(scored: list[tuple[CatalogItem, float]]) -> list[CatalogItem]:
    return list(dict.fromkeys(item for item, _score in scored))


def _likely_typo(query: str, scored: list[tuple[CatalogItem, float]]) -> CatalogItem | None:
    """The one item ``query`` is a slip of the keyboard for, if it clearly is one: a word of
    four or more letters, 80% alike, and well ahead of any other item."""
    if len(match_key(query)) < 4 or not scored or scored[0][1] < _TYPO_MIN_SCORE:
        return None
    best, score = scored[0]
    runner_up = next((s for item, s in scored if item != best), 0.0)
    return best if score - runner_up >= _TYPO_MARGIN else None


def _by_id(item: CatalogItem) -> int:
    return item.id


#: What may stand between two items a resident asks about together (「AとB」「A、B」).
_COORDINATION = re.compile(
    r"^\s+$"  # nothing at all between them is one name (「灯油ポリタンク」), not two
    rf"|^\s*(?:[、,，・/／]|{one_of(_WORDS.coordination['words'])})"
    rf"|^\s*(?:{one_of(_WORDS.coordination['particles'])})(?![ぁ-ゖ])"  # 「と古い」, not 「から」
)
#: The end of a sentence; items in different sentences are asked about apart.
_SENTENCE_END = re.compile(r"[。．！？!?\n]")
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?\n]*")
#: Words of a sentence that asks something, as opposed to one that adds a detail.
_ASKS = re.compile(rf"[？?]|{one_of(_WORDS.asking_words)}")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
#: A sentence end or a comma: contents and container are not looked for across them.
_SENTENCE_BREAK = re.compile(r"[。．！？!?\n、，,]")
#: How far before a container word (in morphemes) what it held is looked for.
_CONTENTS_WINDOW = 10
_CONTENTS_SEPARATOR = "\x1f"
#: What may stand before a container word inside one morpheme: a material (「紙箱」).
_CONTAINER_PREFIXES = MATERIAL_KEYS | frozenset(_WORDS.empty_words)
#: Words that stand inside a name without changing it: 「目薬のからの容器」, 「空ボトル」.
_FILLERS = re.compile(
    rf"の(?:{one_of(_WORDS.fillers['empty'])})(?:っぽ)?の|の空(?=[ァ-ヴ])"
    rf"|(?:{one_of(_WORDS.fillers['with'])})の"
)
#: 「の」 between two nouns, which residents add to names: 「麻雀のパイ」 for 「麻雀パイ」.
_LINKING_NO = re.compile(r"(?<=[ぁ-んァ-ンー一-龥A-Za-zＡ-Ｚａ-ｚ])の(?=[ァ-ヴー一-龥]|くず|かす)")
#: 「AとそのB」: A, and the B of A (「ペットボトルとそのキャップ」).
_THAT_ONE = re.compile(r"([ァ-ヴー一-龥A-Za-z]{2,})(と|や|、)その(?=[ァ-ヴー一-龥])")


#: A container named straight after its contents: 「マーガリン容器」 for 「マーガリンの容器」.
_BARE_CONTAINER = re.compile(rf"(?<=[ァ-ヴー一-龥])(?=(?:{one_of(_WORDS.bare_containers)}))")


def _rewrites(text: str, morphemes: list[Morpheme]) -> list[str]:
    """Other spellings of ``text`` to try besides the one typed.

    A container is parted from its contents only where Sudachi parts them: 「ドラム缶」,
    one word it knows, is no can of drums."""
    without_fillers = _FILLERS.sub("の", text)
    boundaries = {m.start for m in morphemes}
    bare = (
        _BARE_CONTAINER.sub("の", without_fillers)
        if without_fillers == text
        and all(found.start() in boundaries for found in _BARE_CONTAINER.finditer(text))
        else text
    )
    candidates = [without_fillers, _LINKING_NO.sub("", without_fillers), bare]
    return [c for c in dict.fromkeys(candidates) if c != text]


def _focused(text: str, mentions: list[Mention]) -> list[Mention]:
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


#: The rest of a word a mention ends inside (「プリンターのインク|カートリッジ」と…): what
#: follows it decides whether the next item is named alongside.
_COMPOUND_TAIL = re.compile(r"^[ァ-ヴー一-龥A-Za-z0-9]+")
#: What joins two things named side by side (a morpheme's text).
_AND_WORDS = frozenset({*_WORDS.and_words, "、", ",", "，", "・"})
#: Nothing but "and" between two names: both are asked about.
_JUST_AND = re.compile(r"^\s*(?:" + "|".join(map(re.escape, [*_AND_WORDS, "and"])) + r")\s*$")


def _without_qualifying_materials(
    text: str, morphemes: list[Morpheme], groups: list[list[_Span]]
) -> list[list[_Span]]:
    """Drop the material words that only say what another item is made of.

    In 「ガラスの花びん」 or 「プラスチックのざる」 the material qualifies the item next to it
    and is not asked about; but a material that is an item itself and is named alongside
    another (「発泡スチロールとダンボール」) is asked about like any item.
    """
    ordered = sorted(groups, key=lambda g: g[0].first)
    if all(_material_only(g) for g in ordered):
        return groups
    kept = []
    for index, group in enumerate(ordered):
        if _material_only(group):
            start, end = _group_extent(morphemes, group)
            before = _group_extent(morphemes, ordered[index - 1])[1] if index else None
            nxt = ordered[index + 1] if index + 1 < len(ordered) else None
            after = _group_extent(morphemes, nxt)[0] if nxt else None
            joined = (after is not None and _JUST_AND.match(text[end:after])) or (
                before is not None and _JUST_AND.match(text[before:start])
            )
            if not joined:
                continue
        kept.append(group)
    return kept


def _material_only(group: list[_Span]) -> bool:
    return all(span.key in MATERIAL_KEYS for span in group)


def _group_extent(morphemes: list[Morpheme], group: list[_Span]) -> tuple[int, int]:
    return morphemes[group[0].first].start, morphemes[group[0].last].end


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


def _asides_dropped(text: str, mentions: list[Mention]) -> list[Mention]:
    """Without the items a message names only in passing, when it names others.

    Words in brackets are an aside (「おもちゃ（電池は使わないやつ）」), and so is a sentence
    that asks nothing when another does (「石油ストーブはどうやって捨てますか？灯油は抜き
    ました」).
    """
    brackets = [m.span() for m in _BRACKETED.finditer(text)]
    outside = [m for m in mentions if not any(a <= m.start and m.end <= b for a, b in brackets)]
    mentions = outside or mentions
    sentences = [m.span() for m in _SENTENCE.finditer(text)]
    asking = [(a, b) for a, b in sentences if _ASKS.search(text[a:b])]
    if not asking or len(asking) == len(sentences):
        return mentions
    kept = [m for m in mentions if any(a <= m.start < b for a, b in asking)]
    return kept or mentions


#: A part or the leftovers of a thing, which are not the thing: 「シュレッダーのくず」,
#: 「鉛筆の芯」, 「カイロの中身」.
#: (A broken piece is still the thing: 「ガラスの破片」 is glass.)
_PART = re.compile(
    rf"の(?:{one_of((*_WORDS.leftovers, *_WORDS.leftovers_after_no))})"
    rf"|(?:{one_of(_WORDS.leftovers)})"
)


def _is_part_of(text: str, end: int, starts: set[int]) -> bool:
    """Whether the thing named up to ``end`` is only what a part of the message is of (the
    part itself not being an item the message names)."""
    found = _PART.match(text, end)
    return found is not None and not starts & {end, end + 1}


#: Words of a qualifier that say a state of the thing, not a kind.
_STATE_WORDS = tuple(_WORDS.states)

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


#: A place and a word of finding or keeping after it: 「物置から出てきた」「押し入れの奥に
#: ずっとあった」「倉庫で見つけた」. The item named there is where the thing was.
_PLACE = re.compile(
    rf"(?:の(?:{one_of((*_WORDS.place_insides, *_WORDS.place_sides))})(?:の方)?)?"
    r"(?:から|で|に)(?:は|も)?"
    r"[^。．！？!?\n、，,]{0,8}?"
    rf"(?:{one_of(_WORDS.found_words)})"
)
#: Nouns that say whose or when, not what: never the thing found in a place.
_NOT_THINGS = frozenset(_WORDS.not_things)


#: 「物置にある」「押し入れの中にずっとあります」: where a thing is kept.
_PLACE_KEPT = re.compile(
    rf"(?:の(?:{one_of(_WORDS.place_insides)}))?に(?:は|も)?(?:{one_of(_WORDS.kept_for_long)})?"
    r"(?:ある|あります|あって)"
)


def _is_place(text: str, end: int) -> bool:
    return _PLACE.match(text, end) is not None or _PLACE_KEPT.match(text, end) is not None


def _places_dropped(
    text: str, morphemes: list[Morpheme], mentions: list[Mention], spans: list[_Span]
) -> list[Mention]:
    """Without the items named only as where the thing was: in 「父が使ってた農薬が物置から
    出てきた」 the 物置 is a place, the 農薬 the thing. A place goes when the message names
    something else: another item, or a noun the catalog does not know (「猟銃が物置から
    出てきた」 asks about a 猟銃, which is then not found)."""
    places = [m for m in mentions if _is_place(text, m.end)]
    if not places:
        return mentions
    others = [m for m in mentions if m not in places]
    if others:
        return others
    unknown = [
        morphemes[i]
        for i in _unmatched_nouns(morphemes, spans)
        if match_key(morphemes[i].text) not in _NOT_THINGS
        and morphemes[i].pos[1] != "代名詞"
        and morphemes[i].pos[2] != "副詞可能"
        and not _is_place(text, morphemes[i].end)
        and not any(p.start <= morphemes[i].start < p.end for p in places)
    ]
    return [] if unknown else mentions


#: Nouns that may follow an item's name without making it part of another thing:
#: 「冷蔵庫買い替え」 is still a 冷蔵庫.
_AFTER_NAME = frozenset(_WORDS.after_name)


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
        and match_key(m.text) not in _QUESTION_WORDS | _NOT_THINGS
        and m.text not in _FUNCTION_NOUNS
    ]
    if not things or any(m.pos[1] == "固有名詞" for m in morphemes):
        return False
    placed = [m for m in morphemes if m.pos[0] == "名詞" and _is_place(text, m.end)]
    if placed and any(m.end <= placed[0].start for m in things):
        # 「鹿の剥製が実家にある」: cut the sentence where the place begins.
        return all(
            m.pos[0] in _NAMING_ONLY_POS or (m.pos[0] == "助詞" and m.text in ("の", "が", "は"))
            for m in morphemes
            if m.end <= placed[0].start
        )
    # Nothing but nouns and 「の」: 「今日の天気は？」 asks something of the 天気.
    return all(m.pos[0] in _NAMING_ONLY_POS or m.text == "の" for m in morphemes)


def _begins_unknown_compound(
    morphemes: list[Morpheme], group: list[_Span], spans: list[_Span]
) -> bool:
    """Whether the match only begins a compound noun whose head the catalog does not know:
    the 石 of 「石灯籠」, the 除雪 of 「除雪機」. Such a word is another, unknown thing."""
    last = group[0].last
    if group[0].kind in ("contents", "shortened") or last + 1 >= len(morphemes):
        return False
    after = morphemes[last + 1]
    if after.start != morphemes[last].end or after.pos[0] != "名詞":
        return False
    if after.pos[1] not in ("普通名詞", "固有名詞") or after.pos[2] in ("サ変可能", "副詞可能"):
        return False
    if match_key(after.text) in _QUESTION_WORDS | _AFTER_NAME or after.text in _FUNCTION_NOUNS:
        return False
    if after.pos[2] == "助数詞可能":
        return False  # 「テレビ台」「ベッド2台」: a counter or a stand, not another thing
    if _script(morphemes[last].text) != _script(after.text) or _script(after.text) is None:
        return False  # 「スポンジはな（に）」「AirPods片方」: two words, not one compound
    return not any(s.first <= last + 1 <= s.last for s in spans)


def _script(word: str) -> str | None:
    """``kanji`` or ``katakana`` when ``word`` is all in one of them; otherwise None."""
    if re.fullmatch(r"[一-龥々]+", word):
        return "kanji"
    if re.fullmatch(r"[ァ-ヺー]+", word):
        return "katakana"
    return None


def _trusted_sound_match(span: _Span, morphemes: list[Morpheme]) -> bool:
    """A sound-key match is trusted when it is long; when spelled in katakana or Latin,
    where residents' spellings wander (「ベット」); or when written in kanji, whose reading
    is Sudachi's (「画鋲」 for the catalog's misspelt reading 「かびょう」). A short word in
    hiragana may just sound alike: 「からっぽ」 is no 「ガラホ」."""
    covered = morphemes[span.first : span.last + 1]
    return (
        len(span.key) >= 4
        or all(_FOREIGN_SCRIPT.match(m.text) for m in covered)
        or (len(span.key) >= 3 and any(_KANJI.search(m.text) for m in covered))
    )


def _spans_in(
    keys: list[str], morphemes: list[Morpheme], table: _KeyTable, *, by_reading: bool
) -> list[_Span]:
    """Every catalog key in the joined ``keys`` that sits where a name can (see rule 3)."""
    joined = "".join(keys)
    chunk_starts, chunk_ends = _chunk_edges(morphemes)
    inside_kana_words = _inside_kana_words(morphemes, chunk_starts, chunk_ends)
    owner: list[int] = []  # morpheme index of each character of ``joined``
    starts, ends = set(), set()
    for index, key in enumerate(keys):
        starts.add(len(owner))
        owner += [index] * len(key)
        ends.add(len(owner))
    spans = []
    for begin in range(len(joined)):
        for end in range(begin + 1, min(len(joined), begin + _MAX_KEY_LENGTH) + 1):
            key = joined[begin:end]
            if key not in table.ids:
                continue
            first, last = owner[begin], owner[end - 1]
            whole_word = (
                first in chunk_starts and last in chunk_ends and begin in starts and end in ends
            )
            if first != last and begin not in starts and end not in ends:
                continue  # 「野球|スパイク」 (やきゅう|すぱいく) holds no 急須 (きゅうす)
            if len(key) <= 3 and _function_word(morphemes[first : last + 1]):
                continue  # 「…することに」 says nothing of a コート (こと without its ー)
            if _verb_of_the_word_before(morphemes, first, last):
                continue  # 「収集しない」 says nothing of a 竹刀 (しない)
            if len(key) <= 3 and not whole_word:
                if begin not in starts or morphemes[first].pos[0] not in _SHORT_NAME_POS:
                    continue
                if first in inside_kana_words:
                    continue  # 「もくぎょ　すてかた」: a word typed apart is no 「くぎ」
                if end not in ends and (
                    len(key) <= 2 or morphemes[last].pos[0] in _NOUN_POS
                ):  # 「ラップトップ」 is no 「ラップ」; 「体温計って」 (体温|計っ) is a 体温計
                    continue
                if len(key) <= 2 and any(
                    m.pos[0] not in _NOUN_POS for m in morphemes[first : last + 1]
                ):
                    continue
            spans.append(_Span(first, last, key, by_reading))
    return spans


#: Hiragana nouns that carry grammar, not things: never an item however they sound.
_FUNCTION_NOUNS = frozenset(_WORDS.function_nouns)


def _kana_word_spans(text: str, morphemes: list[Morpheme], table: _KeyTable) -> list[_Span]:
    """Names typed as a whole word in hiragana that Sudachi cut up: 「まほうびん何ごみ」
    (ま|ほうび|ん), 「いるいはどうやってすてますか」 (いる|い|は…).

    A key of three or more letters counts when it begins a run of hiragana and ends that
    run or a particle follows it; both ends must fall between morphemes.
    """
    starts = {m.start: index for index, m in enumerate(morphemes)}
    ends = {m.end: index for index, m in enumerate(morphemes)}
    spans = []
    for run in _HIRAGANA_RUN.finditer(text):
        if run.start() not in starts:
            continue
        word = run.group()
        for length in range(len(word), 2, -1):
            end = run.start() + length
            key = match_key(word[:length])
            if (
                end in ends
                and len(key) >= 3
                and key in table.ids
                and word[:length] not in _FUNCTION_NOUNS
                and (length == len(word) or _PARTICLE.match(word, length))
                and not _verb_of_the_word_before(morphemes, starts[run.start()], ends[end])
            ):
                spans.append(_Span(starts[run.start()], ends[end], key, False))
                break
    return spans


_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]+")
#: What may follow a name typed in hiragana: 「いるいは」「まほうびんって」「たたみの捨て方」.
_PARTICLE = re.compile(one_of(_WORDS.after_kana_name))


def _unmatched_nouns(morphemes: list[Morpheme], spans: list[_Span]) -> list[int]:
    """Nouns of the message no span covers (not question words, numbers or grammar)."""
    covered = {index for span in spans for index in range(span.first, span.last + 1)}
    return [
        index
        for index, m in enumerate(morphemes)
        if index not in covered
        and m.pos[0] == "名詞"
        and m.pos[1] != "数詞"
        and match_key(m.text) not in _QUESTION_WORDS
        and m.text not in _FUNCTION_NOUNS
    ]


def _verb_of_the_word_before(morphemes: list[Morpheme], first: int, last: int) -> bool:
    """Whether ``first``…``last`` are a verb and its auxiliaries that go with the word
    before (「収集|し|ない」): grammar, however it sounds. After a particle or alone
    (「剣道のしない」「しないを捨てたい」) the same letters may be a name."""
    verb, *auxiliaries = morphemes[first : last + 1]
    return (
        bool(auxiliaries)
        and verb.pos[0] == "動詞"
        and all(m.pos[0] == "助動詞" for m in auxiliaries)
        and first > 0
        and morphemes[first - 1].pos[0] not in _BEFORE_A_NAME_POS
    )


#: What may stand before a name: a particle, a mark, a space.
_BEFORE_A_NAME_POS = frozenset({"助詞", "補助記号", "空白", "記号"})


def _function_word(covered: list[Morpheme]) -> bool:
    text = "".join(m.text for m in covered)
    return text in _FUNCTION_NOUNS


def _inside_kana_words(morphemes: list[Morpheme], starts: set[int], ends: set[int]) -> set[int]:
    """Morphemes inside (not at the start of) a word in hiragana that the resident typed
    apart from others by spaces."""
    if len(starts) < 2:
        return set()
    inside: set[int] = set()
    word: list[int] = []
    for index in range(len(morphemes)):
        word = [index] if index in starts else [*word, index]
        if index in ends and all(_KANA_ONLY.match(morphemes[i].text) for i in word):
            # A prefix does not make the rest of the word inside it: 「おはし」 is a 箸.
            after_prefix = next(
                (k for k, i in enumerate(word) if morphemes[i].pos[0] != "接頭辞"), len(word)
            )
            inside.update(word[after_prefix + 1 :])
    return inside


def _chunk_edges(morphemes: list[Morpheme]) -> tuple[set[int], set[int]]:
    """Morphemes that begin and end a space-separated word: 「しっぷ　すてる」 is typed as
    words, whatever Sudachi makes of the hiragana (しっ|ぷ)."""
    starts, ends = set(), set()
    for index, m in enumerate(morphemes):
        if index == 0 or morphemes[index - 1].end < m.start:
            starts.add(index)
        if index == len(morphemes) - 1 or morphemes[index + 1].start > m.end:
            ends.add(index)
    return starts, ends


def _reading(morpheme: Morpheme) -> str:
    """The reading where Sudachi has one in kana; otherwise the surface (Latin, digits).
    A number's reading is no word's: the 8 of 「8時半」 (はち) is no 鉢."""
    if morpheme.pos[1] == "数詞":
        return morpheme.text
    reading = fold_kana(morpheme.reading)
    return reading if _KANA_ONLY.match(reading) else morpheme.text


def _longest_first(spans: list[_Span]) -> list[list[_Span]]:
    """Non-overlapping groups of spans, longest first; a group's spans cover the same
    morphemes and name one thing together.

    Where the surface matched, the reading's matches for the same morphemes are dropped:
    a kanji spelling says more than its sound (「箸」 is not every 「はし」). Of the rest,
    the longest keys win: in the one morpheme 「アイロン台」, 「アイロン」 matches too.
    """
    by_range: dict[tuple[int, int], list[_Span]] = {}
    for span in spans:
        by_range.setdefault((span.first, span.last), []).append(span)
    ordered = sorted(by_range.items(), key=lambda kv: (-max(s.size for s in kv[1]), kv[0]))
    taken: list[list[_Span]] = []
    used: set[int] = set()
    for (first, last), group in ordered:
        covered = set(range(first, last + 1))
        if covered & used:
            continue
        used |= covered
        group = [s for s in group if not s.by_reading] or group
        longest = max(len(s.key) for s in group)
        taken.append([s for s in group if len(s.key) == longest])
    return taken


def noun_phrase(morphemes: list[Morpheme], text: str = "") -> str:
    """What an unknown item is probably called.

    Words set apart by spaces, as many type on a phone (「せんたっき　こわれた」), give the
    first word; otherwise the longest run of noun-like morphemes that are not question
    words: 「ぷりんたーのすてかた」 → 「ぷりんたー」.
    """
    words = [w for w in _SPACES.split(text.strip()) if len(match_key(w)) >= 2]
    if len(words) > 1 and match_key(words[0]) not in _QUESTION_WORDS:
        return words[0]
    best: list[Morpheme] = []
    run: list[Morpheme] = []
    places: list[Morpheme] = []
    for m in [*morphemes, None]:
        if m is not None and m.pos[0] in _NOUN_POS and match_key(m.text) not in _QUESTION_WORDS:
            run.append(m)
            continue
        if run and text and _is_place(text, run[-1].end):
            # 「猟銃が物置から出てきた」: the thing, not where it was.
            places = places if sum(len(x.text) for x in places) >= _length(run) else run
        elif _length(run) > _length(best) or (
            run and _length(run) == _length(best) and _thing_word(run)
        ):
            best = run
        run = []
    return "".join(m.text for m in best or places)


def _length(run: list[Morpheme]) -> int:
    return sum(len(m.text) for m in run)


def _thing_word(run: list[Morpheme]) -> bool:
    """A run of nouns that may name a thing, not a person or a time (「祖父」「昔」)."""
    return any(
        m.pos[0] == "名詞"
        and match_key(m.text) not in _NOT_THINGS
        and m.text not in _FUNCTION_NOUNS
        and m.pos[1] != "代名詞"
        and m.pos[2] != "副詞可能"
        for m in run
    )
