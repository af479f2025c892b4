"""Reading the ward's item names: qualifiers, cross-references, the other names they carry,
and the words in a question that choose one variant.

The names come verbatim from the open data: 「いす（金属製）」 (a variant), 「ギター／※楽器」
(filed under 楽器), 「乳母車（ベビーカー）／※乳児用具」 (another name in brackets),
「おけ・たらい（木製）」 (two names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.japanese import match_key

# The closing bracket is optional: one catalog name lacks it (「びん（医薬品・化粧品等、…」).
_QUALIFIER = re.compile(r"[（(]([^）)]*)(?:[）)]|$)")
_CROSS_REFERENCE = re.compile(r"[／/]※.*$")
_PARTS = re.compile(r"[・、,，]")
_VEHICLE_PREFIX = re.compile(r"^(自動車|車)(用|の)")

#: Bracket contents with these describe a variant rather than name the same thing again.
_QUALIFIER_HINTS = (
    "製", "用", "もの", "以外", "など", "等", "式", "類", "含む", "除く", "付き", "：", ":",
    "以下", "以上", "超",
)  # fmt: skip
#: Bracket contents that qualify although they carry no hint (read from the whole catalog).
_QUALIFYING_WORDS = {
    "使い捨て", "ポータブル", "本体", "衣類", "楽器", "健康器具", "スプレー缶", "パラボラ",
    "果実酒", "簡易便座", "液晶", "ブラウン管", "プラズマ", "石油", "ガス", "電気", "素焼き",
}  # fmt: skip

#: Materials residents name, and the words of the catalog's qualifiers they select.
MATERIALS: dict[str, tuple[str, ...]] = {
    "金属": ("金属", "鉄", "アルミ", "ステンレス", "スチール", "ブリキ", "銅", "メタル"),
    "プラスチック": ("プラスチック", "プラ", "ビニール", "樹脂", "ポリ", "発泡スチロール"),
    "木": ("木", "木製", "竹", "ウッド", "木材"),
    "陶器": ("陶器", "瀬戸物", "せともの", "セラミック", "磁器", "素焼き"),
    "ガラス": ("ガラス", "硝子"),
    "紙": ("紙",),
    "布": ("布", "綿", "ウール"),
    "革": ("革", "皮", "レザー"),
    "電動": ("電動", "電気", "充電"),
}
#: Uses that choose a variant: 「ビールの空き缶」 is a 「空き缶（飲食用）」.
USES: dict[str, tuple[str, ...]] = {
    "飲食用": (
        "ビール", "ジュース", "飲料", "飲み物", "ドリンク", "缶詰", "コーヒー", "お茶", "酒",
        "ワイン", "ジャム", "食品", "調味料", "ツナ", "サバ", "果物", "牛乳", "炭酸",
        "食べ物", "お菓子", "ミルク", "ソース", "醤油", "しょうゆ", "ドレッシング",
        "ネコ缶", "猫缶", "ペットフード", "ドッグフード", "キャットフード",
    ),
    "割れ": ("割れ", "割っ", "欠け", "破損", "ひび"),
    "写真": ("写真",),
    "ポータブル": ("ポータブル", "携帯用", "持ち運び"),
    "自動車": ("自動車", "車", "マイカー", "カー用品"),
    "汚れ": ("汚れ", "汚い", "よごれ"),
    "食用": ("天ぷら", "てんぷら", "揚げ物", "サラダ油", "料理", "食用", "サラダ"),
    "化粧品": ("化粧", "乳液", "香水", "マニキュア", "医薬品", "薬", "美容液"),
}  # fmt: skip
#: What follows a word to deny it: 「缶じゃない」「割れていない」「飲食用以外」.
_NEGATION = re.compile(
    r"^.{0,3}?(じゃない|じゃなく|ではない|ではなく|でない|でなく|ていない|てない|以外)"
)
MATERIAL_KEYS = {match_key(word) for words in MATERIALS.values() for word in words}


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
    names = [plain, base_name(name), *_PARTS.split(base_name(name))]
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
    for wanted, words in (*MATERIALS.items(), *USES.items()):
        keys = [match_key(word) for word in words]
        found = [key for key in keys if key in said]
        if not found:
            continue
        negated = any(_NEGATION.match(said[said.index(key) + len(key) :]) for key in found)
        for name, qualifier_text in variants:
            for part in (match_key(p) for p in _PARTS.split(qualifier_text)):
                names_it = any(key in part for key in [match_key(wanted), *keys])
                if names_it and ("以外" in part) == negated:
                    chosen.add(name)
    return chosen
