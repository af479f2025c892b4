"""The words the bot says. Short, polite Japanese, and only facts from the catalog.

Every function returns :class:`Reply` objects; the actions send them. Keeping the wording
here, apart from the dialogue logic, lets it be read and corrected in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from bot.catalog.calendar import (
    is_collection_day,
    is_year_end_break,
    japanese_date,
    next_collection,
)
from bot.catalog.item_names import base_name, without_cross_reference
from bot.catalog.knowledge import KnowledgeEntry, KnowledgeHit
from bot.catalog.matcher import CatalogItem, Mention
from bot.catalog.models import Area
from bot.catalog.schedule import area_label, weekday_rule

#: Button titles longer than this are cut (a phone shows about this much on a chip).
BUTTON_TITLE_LIMIT = 24
#: At most this many buttons under one message.
MAX_BUTTONS = 6
#: Item buttons send this intent with the item id, which the item action answers.
CHOOSE_ITEM_INTENT = "ask_item"
INFORM_AREA_INTENT = "inform_area"
DAY_WORDS = {0: "今日", 1: "明日", 2: "明後日"}


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def _button(title: str, payload: str) -> dict[str, str]:
    if len(title) > BUTTON_TITLE_LIMIT:
        title = title[: BUTTON_TITLE_LIMIT - 1] + "…"
    return {"title": title, "payload": payload}


def item_button(item: CatalogItem) -> dict[str, str]:
    payload = f"/{CHOOSE_ITEM_INTENT}{json.dumps({'item_id': item.id})}"
    return _button(display_name(item.name), payload)


def display_name(name: str) -> str:
    """The name as residents should read it: without the 「／※…」 cross-reference."""
    return without_cross_reference(name)


def item_answer(items: list[CatalogItem], said: str, guidance: dict[str, str]) -> Reply:
    """「<item>」は「<category>」です。 then the notes and the category's procedure.

    ``items`` all share one category (variants answered together, like the three いす);
    ``guidance`` maps ward-text keys to their bodies.
    """
    first = items[0]
    name = display_name(first.name) if len(items) == 1 else base_name(first.name) or said
    lines = [f"「{name}」は「{first.category}」です。"]
    lines += _notes(items)
    if first.guidance_key and first.guidance_key in guidance:
        lines.append(guidance[first.guidance_key])
    return Reply("\n".join(lines))


def _notes(items: list[CatalogItem]) -> list[str]:
    """Each distinct note once. Variants answered together whose notes differ get theirs
    labelled with the variant (「（金属製）一辺が…」), so none is read as another's."""
    notes = {i.name: i.notes.strip() for i in items if i.notes.strip()}
    if len(set(notes.values())) <= 1:
        return list(dict.fromkeys(notes.values()))
    labelled = {}
    for item in items:
        note = notes.get(item.name)
        if note:
            label = f"（{item.qualifier}）" if item.qualifier else f"「{display_name(item.name)}」"
            labelled.setdefault(note, []).append(label)
    return ["・".join(labels) + note for note, labels in labelled.items()]


def likely_item(item: CatalogItem, guidance: dict[str, str]) -> Reply:
    """A misspelt name that is surely this item: say which item the answer is for."""
    answer = item_answer([item], item.name, guidance)
    return Reply(f"「{display_name(item.name)}」のことでしょうか。\n{answer.text}")


def ask_which_variant(mention: Mention) -> Reply:
    """The variants differ in category: ask back rather than guess."""
    buttons = [item_button(item) for item in mention.candidates[:MAX_BUTTONS]]
    return Reply(
        f"「{mention.text}」は、素材や種類によって出し方が変わります。どれに当たりますか？",
        buttons,
    )


def not_found(query: str, suggestions: list[CatalogItem], contact: str) -> Reply:
    """Honest: not in the list. Close items are offered as buttons, never as the answer."""
    subject = f"「{query}」は" if query else "お尋ねのものは"
    lines = [f"申し訳ありません。{subject}分別の一覧に見つかりませんでした。"]
    if suggestions:
        lines.append("もしかして、次のものでしょうか？")
    lines.append(contact)
    return Reply("\n".join(lines), [item_button(item) for item in suggestions])


def schedule_answer(area: Area, categories: list[str], rules: str, notes: str) -> Reply:
    """The weekdays for each asked category in one area, then ``notes`` and ``rules``."""
    by_category = {s.category.name: s for s in area.schedules}
    lines = [f"{area_label(area)}の収集日です。"]
    for category in categories:
        schedule = by_category.get(category)
        if schedule is not None:
            days = weekday_rule(schedule.weekdays, schedule.nth_weeks)
            lines.append(f"・{category}：{days}")
    if notes:
        lines.append(notes)
    lines.append(rules)
    return Reply("\n".join(lines))


def ask_area() -> Reply:
    return Reply("お住まいの町名と丁目を教えてください。（例：野方3丁目）")


def ask_area_for(categories: list[str]) -> Reply:
    names = "・".join(f"「{c}」" for c in dict.fromkeys(categories))
    return Reply(f"{names}の収集日は地域によって違います。お住まいの町名と丁目を教えてください。")


def ask_chome(town: str, options: list[Area]) -> Reply:
    # A payload any 丁目 of the row would do; the area lookup finds the row from it.
    buttons = [
        _button(area_label(area), f"{area.town}{area.chome[0]}丁目")
        for area in options[:MAX_BUTTONS]
        if area.chome
    ]
    return Reply(f"{town}の何丁目ですか？", buttons)


def unknown_area(towns: list[str], contact: str) -> Reply:
    return Reply(
        "申し訳ありません。中野区内の町名が見つかりませんでした。"
        "次の町名と丁目で教えてください。（例：鷺宮3丁目）\n" + "、".join(towns) + "\n" + contact
    )


def next_dates(area: Area, categories: list[str], today: date, rules: str) -> Reply:
    """The next collection date of each asked category, today included."""
    by_category = {s.category.name: s for s in area.schedules}
    lines = [f"{area_label(area)}の次の収集日です。"]
    for category in categories:
        schedule = by_category.get(category)
        day = schedule and next_collection(today, schedule.weekdays, schedule.nth_weeks)
        if day:
            suffix = "（今日）" if day == today else ""
            lines.append(f"・{category}：{japanese_date(day)}{suffix}")
    lines.append(rules)
    return Reply("\n".join(lines))


def day_answer(
    area: Area, day: date, offset: int, categories: list[str], named: bool = False
) -> Reply:
    """What can go out on one day (今日・明日・明後日) in one area; ``categories`` in the
    order to list them, ``named`` when the resident named them."""
    label = f"{DAY_WORDS.get(offset, '')}（{japanese_date(day)}）"
    if is_year_end_break(day):
        return Reply(f"{label}は年末年始（12月31日から1月3日）のため、収集はありません。")
    by_category = {s.category.name: s for s in area.schedules}
    collected = [
        c
        for c in categories
        if c in by_category
        and is_collection_day(day, by_category[c].weekdays, by_category[c].nth_weeks)
    ]
    if not collected:
        asked = "・".join(categories) + "の" if named else ""
        return Reply(f"{label}は、{area_label(area)}では{asked}収集日ではありません。")
    names = "・".join(f"「{c}」" for c in collected)
    return Reply(f"{label}、{area_label(area)}で出せるのは{names}です。朝8時までにお出しください。")


def fallback(contact: str, examples: list[str]) -> Reply:
    """Say plainly what the bot can answer, with example questions to tap."""
    return Reply(
        "申し訳ありません。うまくお答えできませんでした。"
        "ごみの品目名（例：スプレー缶）、お住まいの地域の収集日（例：野方3丁目の燃やすごみ）、"
        "ごみ出しのきまり（例：ごみは何時までに出す？）をお尋ねください。\n" + contact,
        [_button(example, example) for example in examples[:MAX_BUTTONS] if example.strip()],
    )


def category_answer(
    name: str, description: str, examples: list[str], area: Area | None, scheduled: bool
) -> Reply:
    """What a category is, a few of its items from the catalog, and, for a category
    collected on set days (``scheduled``), its days in ``area`` or how to ask them."""
    lines = [f"「{name}」について"]
    if description:
        lines.append(description)
    if examples:
        lines.append("たとえば、" + "、".join(display_name(e) for e in examples) + "などです。")
    schedule = area and next((s for s in area.schedules if s.category.name == name), None)
    if area is not None and schedule is not None:
        days = weekday_rule(schedule.weekdays, schedule.nth_weeks)
        lines.append(f"{area_label(area)}の収集日は、{days}です。")
    elif area is None and scheduled:
        lines.append("お住まいの町名と丁目を教えていただければ、収集日をお答えします。")
    return Reply("\n".join(lines))


def knowledge_answer(entry: KnowledgeEntry) -> Reply:
    """A knowledge entry's answer, with its link."""
    text = entry.body if not entry.url or entry.url in entry.body else f"{entry.body}\n{entry.url}"
    return Reply(text)


def which_topic(hits: list[KnowledgeHit]) -> Reply:
    """Two entries match about as well: ask which. Each button sends its entry's title,
    which matches that entry itself."""
    buttons = [_button(hit.entry.title, hit.entry.title) for hit in hits[:3]]
    return Reply("どちらについてのご質問ですか？", buttons)


def oversized(item: CatalogItem, limit: int, bulky_procedure: str) -> Reply:
    """An item said to be over the size its notes set: 粗大ごみ, and how to put it out."""
    lines = [f"「{display_name(item.name)}（一辺が{limit}cmを超えるもの）」は「粗大ごみ」です。"]
    if bulky_procedure:
        lines.append(bulky_procedure)
    return Reply("\n".join(lines))
