"""The answers the bot gives: short and polite, and only facts from the catalog.

Every function returns :class:`Reply` objects; the actions send them. The sentences are the
templates of ``data/i18n/replies.yml``, said in the resident's language by a
:class:`~bot.i18n.voice.Voice`; what goes into them is decided here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from bot.catalog.calendar import is_collection_day, is_year_end_break, next_collection
from bot.catalog.item_names import base_name, without_cross_reference
from bot.catalog.knowledge import KnowledgeEntry, KnowledgeHit
from bot.catalog.matcher import CatalogItem, Mention
from bot.catalog.models import Area
from bot.catalog.notes import NoteCase
from bot.i18n.voice import Voice

#: Button titles longer than this are cut (a phone shows about this much on a chip).
BUTTON_TITLE_LIMIT = 24
#: At most this many buttons under one message.
MAX_BUTTONS = 6
#: Item buttons send this intent with the item id, which the item action answers.
CHOOSE_ITEM_INTENT = "ask_item"
INFORM_AREA_INTENT = "inform_area"


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def _button(title: str, payload: str) -> dict[str, str]:
    if len(title) > BUTTON_TITLE_LIMIT:
        title = title[: BUTTON_TITLE_LIMIT - 1] + "…"
    return {"title": title, "payload": payload}


def item_button(voice: Voice, item: CatalogItem) -> dict[str, str]:
    payload = f"/{CHOOSE_ITEM_INTENT}{json.dumps({'item_id': item.id})}"
    return _button(voice.item_title(item.name), payload)


def display_name(name: str) -> str:
    """The name as residents should read it: without the 「／※…」 cross-reference."""
    return without_cross_reference(name)


def item_answer(
    voice: Voice, items: list[CatalogItem], said: str, guidance: dict[str, str]
) -> Reply:
    """「<item>」は「<category>」です。 then the notes and the category's procedure.

    ``items`` all share one category (variants answered together, like the three いす);
    ``guidance`` maps ward-text keys to their bodies, in the resident's language.
    """
    first = items[0]
    name = voice.item_name(first.name if len(items) == 1 else base_name(first.name) or said)
    lines = [voice.say("item_category", name=name, category=voice.category(first.category))]
    lines += _notes(voice, items)
    if first.guidance_key and first.guidance_key in guidance:
        lines.append(guidance[first.guidance_key])
    return Reply("\n".join(lines))


def _notes(voice: Voice, items: list[CatalogItem]) -> list[str]:
    """Each distinct note once. Variants answered together whose notes differ get theirs
    labelled with the variant (「（金属製）一辺が…」), so none is read as another's."""
    notes = {i.name: i.notes.strip() for i in items if i.notes.strip()}
    if len(set(notes.values())) <= 1:
        return [voice.note(note) for note in dict.fromkeys(notes.values())]
    labelled = {}
    for item in items:
        note = notes.get(item.name)
        if note:
            label = f"（{item.qualifier}）" if item.qualifier else f"「{display_name(item.name)}」"
            labelled.setdefault(note, []).append(label)
    return ["・".join(labels) + voice.note(note) for note, labels in labelled.items()]


def likely_item(voice: Voice, item: CatalogItem, guidance: dict[str, str]) -> Reply:
    """A misspelt name that is surely this item: say which item the answer is for."""
    answer = item_answer(voice, [item], item.name, guidance)
    return Reply(f"{voice.say('likely_item', name=voice.item_name(item.name))}\n{answer.text}")


def ask_which_variant(voice: Voice, mention: Mention) -> Reply:
    """The variants differ in category: ask back rather than guess."""
    buttons = [item_button(voice, item) for item in mention.candidates[:MAX_BUTTONS]]
    return Reply(voice.say("ask_variant", name=voice.item_name(mention.text)), buttons)


def not_found(voice: Voice, query: str, suggestions: list[CatalogItem], contact: str) -> Reply:
    """Honest: not in the list. Close items are offered as buttons, never as the answer."""
    lines = [voice.say("not_found_named", name=query)] if query else [voice.say("not_found")]
    if suggestions:
        lines.append(voice.say("suggestions"))
    lines.append(contact)
    return Reply("\n".join(lines), [item_button(voice, item) for item in suggestions])


def schedule_answer(
    voice: Voice, area: Area, categories: list[str], rules: str, notes: str
) -> Reply:
    """The weekdays for each asked category in one area, then ``notes`` and ``rules``."""
    by_category = {s.category.name: s for s in area.schedules}
    lines = [voice.say("schedule_heading", area=_area(voice, area))]
    for category in categories:
        schedule = by_category.get(category)
        if schedule is not None:
            days = voice.weekday_rule(schedule.weekdays, schedule.nth_weeks)
            lines.append(voice.say("schedule_line", category=voice.category(category), days=days))
    if notes:
        lines.append(notes)
    lines.append(rules)
    return Reply("\n".join(lines))


def _area(voice: Voice, area: Area) -> str:
    return voice.area(area.town, area.chome, area.whole_town)


def ask_area(voice: Voice) -> Reply:
    return Reply(voice.say("ask_area"))


def ask_area_for(voice: Voice, categories: list[str]) -> Reply:
    names = voice.categories(list(dict.fromkeys(categories)))
    return Reply(voice.say("ask_area_for", categories=names))


def ask_chome(voice: Voice, town: str, options: list[Area]) -> Reply:
    # A payload any 丁目 of the row would do; the area lookup finds the row from it.
    buttons = [
        _button(_area(voice, area), f"{area.town}{area.chome[0]}丁目")
        for area in options[:MAX_BUTTONS]
        if area.chome
    ]
    return Reply(voice.say("ask_chome", town=voice.with_japanese(voice.town(town), town)), buttons)


def unknown_area(voice: Voice, towns: list[str], contact: str) -> Reply:
    names = voice.list([voice.with_japanese(voice.town(t), t) for t in towns])
    return Reply(voice.say("unknown_area") + "\n" + names + "\n" + contact)


def next_dates(voice: Voice, area: Area, categories: list[str], today: date, rules: str) -> Reply:
    """The next collection date of each asked category, today included."""
    by_category = {s.category.name: s for s in area.schedules}
    lines = [voice.say("next_dates_heading", area=_area(voice, area))]
    for category in categories:
        schedule = by_category.get(category)
        day = schedule and next_collection(today, schedule.weekdays, schedule.nth_weeks)
        if day:
            when = voice.date(day) + (voice.say("today_mark") if day == today else "")
            lines.append(voice.say("next_date_line", category=voice.category(category), date=when))
    lines.append(rules)
    return Reply("\n".join(lines))


def day_answer(
    voice: Voice,
    area: Area,
    day: date,
    offset: int,
    categories: list[str],
    named: bool = False,
) -> Reply:
    """What can go out on one day (今日・明日・明後日) in one area; ``categories`` in the
    order to list them, ``named`` when the resident named them."""
    if is_year_end_break(day):
        return new_year_break(voice, day, offset)
    label = _day_label(voice, day, offset)
    by_category = {s.category.name: s for s in area.schedules}
    collected = [
        c
        for c in categories
        if c in by_category
        and is_collection_day(day, by_category[c].weekdays, by_category[c].nth_weeks)
    ]
    if not collected:
        plain = voice.categories(categories, quoted=False)
        asked = voice.say("no_collection_of", categories=plain) if named else ""
        return Reply(voice.say("no_collection", label=label, area=_area(voice, area), asked=asked))
    return Reply(
        voice.say(
            "day_collected",
            label=label,
            area=_area(voice, area),
            categories=voice.categories(collected),
        )
    )


def new_year_break(voice: Voice, day: date, offset: int | None = None) -> Reply:
    """No collection on ``day``, anywhere: it is in the New Year break (12/31–1/3)."""
    return Reply(voice.say("year_end", label=_day_label(voice, day, offset)))


def _day_label(voice: Voice, day: date, offset: int | None) -> str:
    """「明日（12月8日（火））」, or the date alone beyond the day after tomorrow."""
    words = voice.words("day_words")
    if offset is None or not 0 <= offset < len(words):
        return voice.date(day)
    return voice.say("day_label", word=words[offset], date=voice.date(day))


def fallback(voice: Voice, contact: str, examples: list[str]) -> Reply:
    """Say plainly what the bot can answer, with example questions to tap."""
    return Reply(
        voice.say("fallback") + "\n" + contact,
        [_button(example, example) for example in examples[:MAX_BUTTONS] if example.strip()],
    )


def category_answer(
    voice: Voice,
    name: str,
    description: str,
    examples: list[str],
    area: Area | None,
    scheduled: bool,
) -> Reply:
    """What a category is, a few of its items from the catalog, and, for a category
    collected on set days (``scheduled``), its days in ``area`` or how to ask them."""
    lines = [voice.say("category_about", name=voice.category(name))]
    if description:
        lines.append(voice.category_description(name, description))
    if examples:
        names = voice.list([voice.item_title(e) for e in examples])
        lines.append(voice.say("category_examples", examples=names))
    schedule = area and next((s for s in area.schedules if s.category.name == name), None)
    if area is not None and schedule is not None:
        days = voice.weekday_rule(schedule.weekdays, schedule.nth_weeks)
        lines.append(voice.say("category_days", area=_area(voice, area), days=days))
    elif area is None and scheduled:
        lines.append(voice.say("category_ask_area"))
    return Reply("\n".join(lines))


def knowledge_answer(
    voice: Voice, entry: KnowledgeEntry, related: list[KnowledgeHit] | None = None
) -> Reply:
    """A knowledge entry's answer, with its link, and a button for each ``related`` entry
    that matched almost as well (its title, which matches that entry itself)."""
    body = voice.text(entry.key, entry.body)
    text = body if not entry.url or entry.url in body else f"{body}\n{entry.url}"
    return Reply(text, _topic_buttons(voice, related or []))


def which_topic(voice: Voice, hits: list[KnowledgeHit]) -> Reply:
    """Two entries match about as well, and the ranking prefers another than the best
    covered: ask which."""
    return Reply(voice.say("which_topic"), _topic_buttons(voice, hits))


def _topic_buttons(voice: Voice, hits: list[KnowledgeHit]) -> list[dict[str, str]]:
    """A button per entry, sending its title (in the resident's language, its translated
    title)."""
    titles = [voice.title(hit.entry.key, hit.entry.title) for hit in hits[:3]]
    return [_button(title, title) for title in titles]


def undersized(voice: Voice, item: CatalogItem, limit: int, category: str) -> Reply:
    """An item said to be within the size its notes set for another category (the small
    扇風機 is 陶器・ガラス・金属ごみ)."""
    text = voice.say(
        "undersized", name=voice.item_name(item.name), limit=limit,
        category=voice.category(category),
    )  # fmt: skip
    return Reply(text)


def in_case(voice: Voice, item: CatalogItem, case: NoteCase) -> Reply:
    """The category the item's notes (or its kind's) give for the case the resident
    described (soiled 衣類 are 燃やすごみ), then those notes, which say the rest."""
    text = voice.say(
        "in_case", name=voice.item_name(item.name), condition=case.condition,
        category=voice.category(case.category),
    )  # fmt: skip
    return Reply("\n".join([text, voice.note(case.notes.strip())]))


def oversized(voice: Voice, item: CatalogItem, limit: int, bulky_procedure: str) -> Reply:
    """An item said to be over the size its notes set: 粗大ごみ, and how to put it out."""
    text = voice.say(
        "oversized", name=voice.item_name(item.name), limit=limit,
        category=voice.category("粗大ごみ"),
    )  # fmt: skip
    lines = [text]
    if bulky_procedure:
        lines.append(bulky_procedure)
    return Reply("\n".join(lines))
