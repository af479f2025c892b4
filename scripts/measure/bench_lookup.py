"""Benchmark of the item matcher alone: prints figures, asserts nothing.

    .venv/app/bin/python scripts/measure/bench_lookup.py [--synthetic 100000]

Builds the index from the real 942-item catalog and from a synthetic catalog of that many
items (made-up katakana and kanji names with readings), then times ``CatalogIndex.find``
on residents' questions: those that name an item and those that name nothing known (which
take the fuzzy-suggestion path). Prints build time, p50/p95 per lookup and memory.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc

from bot.catalog.importer import read_items
from bot.catalog.matcher import CatalogIndex, CatalogItem
from bot.settings import ROOT

KNOWN = [
    "スプレー缶は何ごみ？",
    "ぺっとぼとるってどうやって捨てるの？",
    "大掃除で出てきた古いアイロン台を捨てたいのですが",
    "子どもの三輪車、もう要らないんだけど",
    "ﾏｯﾄﾚｽ",
    "プラスチックのざる",
    "アルミホイルとラップ",
    "薬缶の出し方",
]
UNKNOWN = ["電気ケトルはどうやって捨てるの", "ヨガマット", "ろうそくの捨て方", "今日の天気は？"]
KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
)
KANJI = "木鉄紙箱袋台棚皿鍋器具機板布革石缶瓶盤線管"


def real_items() -> list[CatalogItem]:
    rows = read_items(ROOT / "data" / "nakano" / "items.csv")
    return [CatalogItem(i, r.name, r.reading, r.category, r.notes) for i, r in enumerate(rows, 1)]


def synthetic_items(count: int, start: int) -> list[CatalogItem]:
    rng = random.Random(7)
    items = []
    for i in range(count):
        kana = "".join(rng.choice(KATAKANA) for _ in range(rng.randint(3, 7)))
        name = kana + (rng.choice(KANJI) if rng.random() < 0.5 else "")
        reading = "".join(chr(ord(c) - 0x60) for c in kana)
        items.append(CatalogItem(start + i, f"{name}{i}", reading, "燃やすごみ"))
    return items


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(label: str, items: list[CatalogItem], rounds: int) -> None:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    index = CatalogIndex(items)
    built = time.perf_counter() - started
    memory = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    for kind, questions in (("item named", KNOWN), ("nothing known", UNKNOWN)):
        index.find(questions[0])  # warm up
        times = []
        for _ in range(rounds):
            for question in questions:
                t = time.perf_counter()
                index.find(question)
                times.append((time.perf_counter() - t) * 1000)
        print(
            f"{label:<18} {kind:<14} p50 {percentile(times, 50):6.2f} ms  "
            f"p95 {percentile(times, 95):6.2f} ms  (n={len(times)})"
        )
    print(f"{label:<18} index built in {built:.2f} s, {memory:.0f} MB\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    items = real_items()
    measure(f"{len(items)} items", items, args.rounds)
    synthetic = items + synthetic_items(args.synthetic, start=len(items) + 1)
    measure(f"{len(synthetic)} items", synthetic, max(5, args.rounds // 5))


if __name__ == "__main__":
    main()
