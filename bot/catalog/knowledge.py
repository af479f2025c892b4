"""Finding the knowledge entry (よくある質問) a general question is about.

A knowledge entry is a ward text with example questions (:class:`bot.catalog.models.WardText`
whose ``examples`` are not empty). Staff steer the matching by editing the examples; the
next message uses them, with no retraining, because the index is rebuilt from the live
table whenever the catalog revision moves (see :mod:`bot.catalog.loader`).

How a question is matched:

1. The question and every title and example question are cut into Sudachi's finest units
   (split mode A, so 「粗大ゴミ」 meets 「粗大ごみ」 and 「電話番号」 meets 「番号」); the
   particles and auxiliaries are dropped, and each other unit stands as its normalised
   form and its reading, both through
   :func:`bot.japanese.match_key` (「ゴミ」 = 「ごみ」 = 「塵」).
2. BM25 (the ``bm25s`` library) ranks the example questions; an entry scores as its best
   example. BM25 was chosen over character n-gram TF-IDF because the documents are short
   questions in which one rare word (「年末」, 「拠点」) decides the entry, which BM25's
   IDF weighting captures, and because it needs only numpy.
3. A BM25 score is not comparable between questions, so whether the best entry answers at
   all is decided by its *coverage*: the share of the question's IDF weight that the
   entry's words (its title's and all its examples') contain, with IDF counted over
   entries, so that a word many entries use (「ごみ」「出す」) weighs little and one word of
   one entry (「年末」, 「拠点」) much. A word no entry uses weighs as much as the rarest
   word they do: 「今日の天気は？」 shares only 「の」「は」 with the entries and covers
   little. The entry's words, not one example's, because residents combine what the
   examples say apart (「ゴールデンウィーク中もごみの回収ってやってますか」 meets
   「ゴールデンウィークの収集は？」 and 「祝日も回収ある？」). Entries are ordered by
   coverage, and equal coverage by the BM25 ranking. A question whose informative words are
   mostly the entry's is answered by it; see :data:`ANSWER_COVERAGE`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import bm25s
import numpy as np

from bot.japanese import fold_kana, get_analyzer, match_key

#: An entry answers when its words cover at least this share of the question's IDF weight.
ANSWER_COVERAGE = 0.5
#: Entries within this share of the best one's coverage are close enough to ask which.
CLOSE_COVERAGE = 0.1


@dataclass(frozen=True)
class KnowledgeEntry:
    key: str
    title: str
    body: str
    examples: tuple[str, ...]
    url: str | None = None


@dataclass(frozen=True)
class KnowledgeHit:
    entry: KnowledgeEntry
    #: The share of the question's IDF weight that the entry's words contain.
    coverage: float
    #: The example question (or the title) that matched best.
    example: str
    #: The entry's place in the BM25 ranking (0: the best-scoring example is the entry's).
    rank: int = 0
    #: How many of the last topic's title words the entry's title shares, of those fewer
    #: than half the entries use (searched with a topic only).
    on_topic: int = 0


@lru_cache(maxsize=4096)
def _units(text: str, *, helpers: bool = True) -> tuple[tuple[str, ...], ...]:
    """Sudachi's finest units of ``text`` that carry meaning, each as its normalised form
    and its reading; only the verbs that lean on others (「ください」「いい」) with
    ``helpers=False``. Kept for the next search: one message is matched several times
    (alone, with the last topic, besides its items)."""
    return tuple(
        tuple(
            key
            for key in dict.fromkeys(match_key(f) for f in (m.lemma, fold_kana(m.reading)))
            if key
        )
        for m in get_analyzer("A").analyze(text)
        # 「は」「の」 would make any question look like any other
        if not m.is_grammar and (helpers or m.is_helper_verb)
    )


#: A word the entries write in kanji is looked for in a resident's hiragana from this
#: many letters: shorter readings (「かん」「しょう」) are inside too many other words.
KANA_SPELLING_LENGTH = 3
_HIRAGANA = re.compile(r"[ぁ-ゖー]")
_KANJI = re.compile(r"[\u4e00-\u9fff々]")


def kana_spellings(questions: Iterable[str]) -> dict[str, str]:
    """The words of ``questions`` written in kanji only, by their reading in hiragana of
    :data:`KANA_SPELLING_LENGTH` letters or more: 「ねんまつ」 → 「年末」 (not 「いつごろ」 →
    「何時ごろ」: a word with kana in it is one Sudachi reads in hiragana too)."""
    spellings: dict[str, str] = {}
    for question in questions:
        words = [
            (m.text, fold_kana(m.reading), m.end)
            for m in get_analyzer("A").analyze(question)
            if all(map(_KANJI.match, m.text)) and all(map(_HIRAGANA.match, fold_kana(m.reading)))
        ]
        # each word, and two written together (「収集日」 is 「収集」「日」 in split mode A)
        pairs = [
            (a + b, ra + rb)
            for (a, ra, end), (b, rb, _) in pairwise(words)
            if question.startswith(b, end)
        ]
        for written, reading in [(w, r) for w, r, _ in words] + pairs:
            if len(reading) >= KANA_SPELLING_LENGTH:
                spellings.setdefault(reading, written)
    return spellings


def spelt_in_kanji(text: str, spellings: dict[str, str]) -> str:
    """``text`` with the words it writes in hiragana that ``spellings`` knows written as the
    entries write them: Sudachi cuts 「ねんまつって何日まで」 into 「ねん」「まつっ」…, and
    「年末って何日まで」 into what the entries say. A spelling is looked for from the start
    of a word that is no particle or auxiliary, longest first; one of the shortest only
    when it ends a word too (the ちゅう of 「ちゅうい」 is no 中), and a longer one from a
    particle's start too (Sudachi may take the ねん of 「ねんまつねんし」 for one)."""
    if not spellings or not _HIRAGANA.search(text):
        return text
    morphemes = get_analyzer("A").analyze(text)
    ends = {m.end for m in morphemes}
    longest = max(map(len, spellings))
    out, done = [], 0
    for m in morphemes:
        if m.start < done or not _HIRAGANA.match(m.text[:1]):
            continue
        for end in range(min(len(text), m.start + longest), m.start + KANA_SPELLING_LENGTH - 1, -1):
            written = spellings.get(text[m.start : end])
            long = end - m.start > KANA_SPELLING_LENGTH
            if written and (long or (end in ends and not m.is_grammar)):
                out += [text[done : m.start], written]
                done = end
                break
    return "".join(out) + text[done:] if out else text


def terms(text: str) -> list[str]:
    """The matching units of ``text``: each content morpheme's normalised form and
    reading."""
    return list(dict.fromkeys(key for forms in _units(text) for key in forms))


def _helper_terms(text: str) -> set[str]:
    """The matching units of the verbs in ``text`` that lean on others."""
    return {key for forms in _units(text, helpers=False) for key in forms}


class KnowledgeBase:
    """The knowledge entries, indexed for :meth:`search`."""

    def __init__(
        self,
        entries: list[KnowledgeEntry],
        tokenize: Callable[[str], list[str]] | None = None,
        *,
        unseen_as_rarest: bool = True,
    ) -> None:
        """``tokenize`` cuts a question into its matching units: :func:`terms` for
        Japanese, the language's own for entries translated into another
        (:func:`bot.i18n.pivot.terms_of`). A unit no entry uses weighs as the rarest one
        they do when units are words (``unseen_as_rarest``); when they are pairs of
        characters (Chinese, Korean), most unseen ones are only two words' edges
        (「先把」「把垃」), and they weigh as a typical unit."""
        self._terms = tokenize or terms
        self._unseen_as_rarest = unseen_as_rarest
        self.entries = {entry.key: entry for entry in entries}
        self._documents: list[tuple[KnowledgeEntry, str, list[str]]] = [
            (entry, question, self._terms(question))
            for entry in entries
            for question in (entry.title, *entry.examples)
        ]
        self._said = [match_key(question) for _, question, _ in self._documents]
        self._spellings = (
            kana_spellings(question for _, question, _ in self._documents)
            if self._terms is terms
            else {}
        )
        self._title_words = {entry.key: set(self._terms(entry.title)) for entry in entries}
        self._words: dict[str, set[str]] = {}
        for entry, _, words in self._documents:
            self._words.setdefault(entry.key, set()).update(words)
        frequency = Counter(w for words in self._words.values() for w in words)
        count = len(self._words)
        self._idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
        self._bm25 = bm25s.BM25()
        if self._documents:
            self._bm25.index([words for _, _, words in self._documents], show_progress=False)

    def __len__(self) -> int:
        return len(self.entries)

    def knows(self, phrase: str) -> bool:
        """Whether the entries talk about ``phrase``: an entry's title or example says it
        (「年末」), or says each of its words (「ゴールデンウィーク中」, 「電話受付」);
        「ヨガマット」 and 「壁紙」 (of which only 「紙」 is) are things they do not."""
        key = match_key(phrase)
        if not key:
            return False
        if any(key in said for said in self._said):
            return True
        units = [forms for forms in _units(phrase) if forms]
        return bool(units) and all(any(w in self._idf for w in forms) for forms in units)

    def share_a_subject(self, keys: list[str]) -> bool:
        """Whether the entries' titles share a word fewer than half the entries use: the
        粗大 of 「粗大ごみの出し方」 and 「粗大ごみの申し込み先」 (not the ごみ of every
        other title)."""
        shared = set.intersection(*(self._title_words[key] for key in keys))
        return any(self._idf.get(word, 0.0) > math.log(2) for word in shared)

    def search(self, text: str, limit: int = 3, context: str = "") -> list[KnowledgeHit]:
        """The best entries for ``text``, best first, each with its coverage.

        ``context`` (the last topic's title) joins the ranking but not the coverage, and
        of the entries covered as well, the one whose title shares most of the topic's
        comes first: 「電話番号教えて」 after 「粗大ごみの出し方」 covers the ward office's
        entry, the bulky-waste centre's and the appliance centre's alike, and is about
        「粗大ごみの申し込み先」. Otherwise equal coverage keeps the ranking's order.
        """
        text = spelt_in_kanji(text, self._spellings)
        asked = self._terms(text)
        words = [w for w in dict.fromkeys(self._terms(context) + asked) if w in self._idf]
        if not words or not any(w in self._idf for w in asked):
            return []
        # of the topic's title, the words fewer than half the entries use (not 「ごみ」)
        topic = {w for w in self._terms(context) if self._idf.get(w, 0.0) > math.log(2)}
        scores = self._bm25.get_scores(words)
        weights = sorted(self._idf.values())
        unseen = weights[-1] if self._unseen_as_rarest else weights[len(weights) // 2]
        # A verb that leans on another (「教えてください」) says how one asks, not what:
        # it counts as the commonest word, however few examples happen to say it.
        helpers = _helper_terms(text) if self._terms is terms else set()
        weight = {w: weights[0] if w in helpers else self._idf.get(w, unseen) for w in asked}
        total = sum(weight.values())
        best: dict[str, KnowledgeHit] = {}
        for position in np.argsort(-scores):
            if scores[position] <= 0:
                break
            entry, question, _ = self._documents[position]
            if entry.key in best:
                continue
            shared = self._words[entry.key]
            covered = sum(weight[w] for w in asked if w in shared) / total
            on_topic = len(topic & self._title_words[entry.key])
            best[entry.key] = KnowledgeHit(entry, covered, question, len(best), on_topic)
        ranked = sorted(best.values(), key=lambda hit: (-hit.coverage, -hit.on_topic))  # stable
        return ranked[:limit]
