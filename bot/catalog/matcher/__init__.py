"""Finding the catalog items a resident's message is about.

The NLU model only says what kind of question it is; which item is meant is decided here,
against the live catalog, so an item or alias that staff add is found on the next message.

How a message is matched (:meth:`CatalogIndex.find`), one private module per stage:

1. Keys (``_keys``), built once per catalog: names, readings, the parts of 「おけ・たらい」,
   other names in brackets such as 「乳母車（ベビーカー）」, aliases, each as
   :func:`bot.japanese.match_key`; what containers held; the states and variants of items.
2. Rewrites (``_rewrites``): 「AとそのB」 is spelt out as A and A's B.
3. Candidate spans (``_spans``, ``_containers``). Sudachi splits the message into
   morphemes; each gives two keys, its surface and its reading, so 「薬缶」 meets the
   catalog's 「やかん」 and 「ﾏｯﾄﾚｽ」 meets 「マットレス」. Every substring of the joined
   surface keys and of the joined reading keys is looked up; cost grows with the message
   length, not with the catalog size. Short keys must sit on nouns: 「日本」 is not a 「本」,
   「すみません」 no 「炭」, 「買った」 no 「カッター」, 「ラップトップ」 no 「ラップ」.
   Beyond the keys themselves: a name typed in hiragana that Sudachi cut up counts as a
   whole word (「まほうびん」); a container meets what it held (「灯油を入れてた容器」 →
   灯油の容器); and only for nouns still unexplained, the head of an unknown compound
   meets a class of things (「トートバッグ」 → バッグ) and a name said without what it
   belongs to counts when the rest of the message says it (「車から外したシート」 →
   自動車のシート).
4. Groups (``_groups``): the longest matches win; matches that do not overlap are separate
   items (「アルミホイルとラップ」). A material that only says what another item is made of
   is dropped (「ガラスの花びん」), and so is a match that only begins a compound the
   catalog does not know (the 石 of 「石灯籠」).
5. Variant choice (``_variants``): each group becomes a :class:`Mention`. A plain base name
   brings all its variants (「ざる」: 金属製, プラスチック製, 木製), narrowed by a material,
   use or state the message names anywhere (「汚れが落ちない」 → 汚れたビン); the full name
   of one item is that item.
6. Focus (``_focus``): a part or the leftovers of a thing are not the thing (「シュレッダー
   のくず」); an item that only says where the thing was is not it (「農薬が物置から出て
   きた」); items in brackets or in a sentence that asks nothing are details; a later,
   shorter word for an item refers back to it; of two items in one sentence the later is
   asked about unless they are named together.
7. When the typed spelling leaves a noun unmatched or passes an item over, its rewrites
   are matched the same way (fillers and 「の」 between nouns dropped: 「目薬のからの容器」
   → 「目薬の容器」); the spelling that names the most wins.
8. Sound-alike (``_sound``): with nothing found, the same search runs on sound keys
   (:func:`bot.japanese.sound_key`) for spellings that sound alike (「ベット」 for
   「ベッド」), but only for a spelling of the same word (see :func:`spelling_variant`):
   「ボート」 is no 「ポット」. A sound-alike that is not is offered as a suggestion.
9. Suggestions (``_suggestions``): still nothing, rapidfuzz compares the message's noun
   phrase with the keys, and the closest items are offered, never as the answer.
"""

from bot.catalog.matcher._focus import asks, only_names_things
from bot.catalog.matcher._index import CatalogIndex
from bot.catalog.matcher._keys import reading_parts
from bot.catalog.matcher._models import CatalogItem, MatchResult, Mention
from bot.catalog.matcher._sound import spelling_variant
from bot.catalog.matcher._suggestions import noun_phrase

__all__ = [
    "CatalogIndex",
    "CatalogItem",
    "MatchResult",
    "Mention",
    "asks",
    "noun_phrase",
    "only_names_things",
    "reading_parts",
    "spelling_variant",
]
