"""Write data/rasa/nlu_generated.yml: item, schedule and area examples from the catalog,
and general-question examples from the knowledge entries of data/catalog_seed.yml.

The model learns the *shape* of each kind of question from these; it does not need to know
every item, because the actions find items in the live catalog. Run it again (and commit
the output) when the templates change; the output is deterministic.

    .venv/app/bin/python scripts/generate_nlu.py
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
from pathlib import Path

import yaml

from bot.catalog.db import get_sessionmaker
from bot.catalog.importer import CatalogFiles, import_into
from bot.catalog.loader import load_index
from bot.catalog.matcher import CatalogIndex
from bot.japanese import get_analyzer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "rasa" / "nlu_generated.yml"

#: An annotated entity, 「[スプレー缶](item)」: its text is the example's text.
_ENTITY = re.compile(r"\[([^]]*)\]\([^)]*\)")

ITEM_TEMPLATES = [
    "{item}は何ごみ？",
    "{item}は何ごみですか",
    "{item}は何ゴミですか？",
    "{item}の捨て方を教えてください",
    "{item}ってどうやって捨てるの？",
    "{item}を捨てたい",
    "{item}を捨てたいのですが",
    "{item}の分別は？",
    "{item}はどうやって出せばいいですか",
    "{item}",
    "{item}の出し方",
    "{item}の出し方を知りたいです",
    "いらなくなった{item}を処分したいです",
    "{item}は燃やすごみで出せますか",
    "{item}を捨てるには？",
    "{item}って何ごみ",
    "{item}はどこに出せばいい？",
    "{item}の分別方法を教えて",
    "古い{item}はどうすればいいですか",
    "{item}は資源ごみですか",
    "{item}捨てたいんだけど",
    "{item}は燃えないごみ？",
    "{item}ってプラスチックごみ？",
    "使わなくなった{item}、どう捨てればいい？",
    "{item}はどう分別しますか",
    "壊れた{item}の捨て方",
    "{item}を処分したい",
    "{item}は何の日に出せばいいですか",
    "{item}は燃えるゴミでいいの？",
    "{item}の処分方法",
    "すみません、{item}はどうやって捨てたらいいでしょうか",
    "{item}を出したい",
    "{item}のごみ区分は",
    "{item}ってどのごみ？",
    "{item}の種類は何ごみになりますか",
    "{item}はごみに出せますか",
    "引っ越しで{item}が不要になりました",
    "大掃除で出た{item}",
    "{item}はどうすればいいの",
    "{item}は何ごみになるの",
    "{item}、何ごみ？",
    "{item}はどこに捨てる？",
    "{item}は回収してもらえますか",
]
SCHEDULE_TEMPLATES = [
    "{area}の{cat}は何曜日？",
    "{area}の{cat}の日はいつですか",
    "{cat}の収集日は？",
    "{cat}は何曜日に出せばいいですか",
    "{area}のごみの日を教えて",
    "ごみの収集日を知りたい",
    "次の{cat}の日はいつ？",
    "明日は何ごみの日？",
    "今日出せるごみは？",
    "{area}に住んでいますが、{cat}はいつ出せますか",
    "{area}の収集日",
    "{cat}の日",
    "{area}の{cat}の収集曜日を教えてください",
    "{cat}っていつ？",
    "ごみの日はいつですか",
    "{area}で{cat}を出せる日は",
    "収集曜日を教えてください",
    "{cat}は週に何回ありますか",
    "{area}の{cat}、何曜日だっけ",
    "今週の{cat}の日は",
    "{cat}の回収は何曜日",
    "{area}の資源の日はいつ？",
    "次の{cat}の収集日はいつですか",
    "{cat}を出す日を知りたい",
]
AREA_TEMPLATES = [
    "{area}に住んでいます",
    "{area}です",
    "{area}",
    "住所は{area}です",
    "{area}に引っ越してきました",
    "うちは{area}です",
    "{area}に住んでます",
    "{area}在住です",
    "住まいは{area}",
]
BULKY = [
    "粗大ごみの出し方を教えて",
    "粗大ごみはどうやって申し込むの",
    "粗大ごみ処理券はどこで買えますか",
    "大きい家具を捨てたい",
    "粗大ごみの受付センターの電話番号は",
    "粗大ごみの申し込み方法",
    "粗大ごみって何？",
    "30cm以上のものはどうやって捨てる？",
    "粗大ゴミを出したい",
    "そだいごみの申込み",
    "粗大ごみの予約をしたい",
    "粗大ごみはネットで申し込めますか",
    "粗大ごみの料金はいくら？",
    "粗大ごみシールはどこで売っていますか",
    "粗大ごみの収集日はいつ",
    "粗大ごみの受付時間は",
    "大型ごみの出し方",
    "粗大ごみ券を買いたい",
    "粗大ごみは何時までに出せばいいですか",
    "粗大ごみの手数料について",
    "家具を処分したいんですが申し込みが必要ですか",
    "粗大ごみを申し込みたいです",
    "粗大ごみ受付センター",
    "粗大ごみ処理券の貼り方",
    "粗大ごみはいつ取りに来てくれますか",
]
# Names a resident may type bare that are not catalog names: products, brands, Latin
# letters. Bare words like these must read as item questions, not greetings.
PRODUCT_WORDS = [
    "Nintendo Switch",
    "PS4",
    "ルンバ",
    "AirPods",
    "Kindle",
    "Apple Watch",
    "LED電球",
    "USBメモリ",
    "SDカード",
    "Bluetoothイヤホン",
    "ドライブレコーダー",
    "アイコス",
    "ポケットWi-Fi",
    "スマートウォッチ",
    "VRゴーグル",
    "電動キックボード",
    "ウォーターサーバー",
    "ホットクック",
    "ノートPC",
    "MacBook",
    "iPad",
    "Galaxy",
    "HDMIケーブル",
    "ゲーミングチェア",
    "バランスボール",
    "ヨガマット",
    "ダンベル",
    "ミニ四駆",
    "たまごっち",
    "ファミコン",
]
CATEGORY_WORDS = [
    "燃やすごみ",
    "燃えるごみ",
    "可燃ごみ",
    "燃えるゴミ",
    "陶器・ガラス・金属ごみ",
    "燃えないごみ",
    "不燃ごみ",
    "資源プラスチック",
    "プラ",
    "プラごみ",
    "びん・缶・ペットボトル",
    "ビン・カン",
    "ペットボトル",
    "資源",
    "缶",
]
#: A category asked about as a topic (what it is, what goes in it, how often).
#: (Not 「{cat}って何？」: 「ざるって何ごみ？」 is an item question of the same shape.)
CATEGORY_TOPIC_TEMPLATES = [
    "{cat}とは？",
    "{cat}とは何ですか",
    "{cat}には何が入る？",
    "{cat}に出せるものは？",
    "{cat}は週に何回？",
    "{cat}の収集は月に何回ですか",
    "{cat}ってどんなものが対象？",
    "{cat}について教えて",
    "{cat}にはどんなものを出すの？",
]
#: Category words that are not also an item's name (「ペットボトル」「缶」 are items).
TOPIC_CATEGORY_WORDS = [
    "燃やすごみ",
    "燃えるごみ",
    "可燃ごみ",
    "陶器・ガラス・金属ごみ",
    "燃えないごみ",
    "不燃ごみ",
    "資源プラスチック",
    "プラごみ",
    "びん・缶・ペットボトル",
    "資源ごみ",
]

CHOME_FORMS = ["{n}丁目", "{k}丁目", "{n}", "{n}ちょうめ", ""]
KANJI = "〇一二三四五六七八九"


def _annotate(template: str, **values: tuple[str, str | None]) -> str:
    """Fill a template, marking each value as a Rasa entity: [text](entity).

    A value is marked only where Sudachi's tokens begin and end with it; Rasa cannot learn
    an entity that starts or ends inside a token (hiragana names often do).
    """
    plain = template
    for slot, (text, _entity) in values.items():
        plain = plain.replace("{" + slot + "}", text)
    boundaries = {0}
    for m in get_analyzer().analyze(plain, keep_spaces=True):
        boundaries |= {m.start, m.end}
    out = template
    for slot, (text, entity) in values.items():
        start = plain.find(text)
        aligned = entity and start in boundaries and start + len(text) in boundaries
        out = out.replace("{" + slot + "}", f"[{text}]({entity})" if aligned else text)
    return out


def _item_forms(rows: list[dict[str, str]], rng: random.Random) -> list[str]:
    forms = []
    for row in rows:
        name = re.sub(r"[（(].*?[）)]", "", row["ごみの品目"].split("／※")[0]).strip()
        reading = re.sub(r"[（(].*?[）)]", "", row["インデックス"].split("／※")[0]).strip()
        choice = rng.random()
        if choice < 0.65 or not reading:
            forms.append(name)
        elif choice < 0.85:
            forms.append(reading)
        else:
            forms.append("".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in reading))
    return [f for f in forms if f and "[" not in f and "]" not in f]


def _areas(rng: random.Random) -> list[str]:
    with (ROOT / "data" / "nakano" / "collection_days.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        numbers = re.findall(r"\d+", row["丁目"]) or [""]
        n = rng.choice(numbers)
        form = rng.choice(CHOME_FORMS) if n else ""
        out.append(row["町名"] + form.format(n=n, k=KANJI[int(n)] if n and int(n) < 10 else n))
    out += [
        "中野区中央4-20-1",
        "中央四丁目20番1号",
        "のがた3ちょうめ",
        "さぎのみや",
        "東中野1-2-3",
        "上鷺宮",
    ]
    return out


def _general_examples(rng: random.Random, index: CatalogIndex) -> list[str]:
    """The knowledge entries' example questions and categories asked about as topics.
    Staff add examples later without retraining: the model only needs the shape of a
    general question, the entries are matched live.

    An example that names a catalog item (「スプレー缶に穴は開けるの？」) is left out: to
    the router a message naming an item is about the item, and to the model it would
    blur the line between the two kinds of question.
    """
    seed = yaml.safe_load((ROOT / "data" / "catalog_seed.yml").read_text(encoding="utf-8"))
    examples = []
    for text in seed["texts"].values():
        for question in text.get("examples", []):
            if any(not m.loose for m in index.find(question).mentions):
                continue
            examples.append(question)
    for template in CATEGORY_TOPIC_TEMPLATES:
        for word in rng.sample(TOPIC_CATEGORY_WORDS, 3):
            examples.append(template.format(cat=word))
    return examples


def _shipped_index() -> CatalogIndex:
    """The item index of the shipped catalog, in a throw-away SQLite file."""
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{work}/catalog.sqlite3"
        import_into(url, CatalogFiles.shipped(ROOT / "data"))
        with get_sessionmaker(url)() as session:
            return load_index(session)


def main() -> None:
    rng = random.Random(20261126)
    with (ROOT / "data" / "nakano" / "items.csv").open(encoding="utf-8-sig") as f:
        items = list(csv.DictReader(f))
    item_forms = _item_forms(rng.sample(items, 330), rng)
    areas = _areas(rng)

    item_examples = [
        _annotate(ITEM_TEMPLATES[i % len(ITEM_TEMPLATES)], item=(form, "item"))
        for i, form in enumerate(item_forms)
    ]
    # Residents often type the bare name; short ones must not pass for a greeting.
    bare = sorted(item_forms, key=len)[:60] + rng.sample(item_forms, 40)
    item_examples += [_annotate("{item}", item=(form, "item")) for form in bare]
    item_examples += [
        _annotate(template, item=(word, "item"))
        for word in PRODUCT_WORDS
        for template in ("{item}", rng.choice(ITEM_TEMPLATES))
    ]
    schedule_examples = []
    for _i, template in enumerate(SCHEDULE_TEMPLATES * 4):
        values = {"area": (rng.choice(areas), "area"), "cat": (rng.choice(CATEGORY_WORDS), None)}
        schedule_examples.append(_annotate(template, **values))
    area_examples = [
        _annotate(AREA_TEMPLATES[i % len(AREA_TEMPLATES)], area=(area, "area"))
        for i, area in enumerate(areas)
    ]
    sections = [
        ("ask_item", item_examples),
        ("ask_schedule", schedule_examples),
        ("inform_area", area_examples),
        ("ask_bulky", BULKY),
    ]
    # A knowledge example that is already another intent's example stays that intent's:
    # Rasa refuses one text under two intents.
    taken = {
        re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", e) for _, examples in sections for e in examples
    }
    general = [e for e in _general_examples(rng, _shipped_index()) if e not in taken]
    sections.append(("ask_general", general))
    lines = [
        'version: "3.1"',
        "",
        "# Generated by scripts/generate_nlu.py from the catalog; do not edit by hand.",
        "nlu:",
    ]
    for intent, examples in sections:
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {e}" for e in dict.fromkeys(examples)]
        lines.append("")
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: " + ", ".join(f"{i} {len(e)}" for i, e in sections))


if __name__ == "__main__":
    main()
