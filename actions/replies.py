"""The answers the bot gives: short and polite, and only facts from the catalog.

Every function returns :class:`Reply` objects; the actions send them. The sentences are the
templates of ``data/i18n/replies.yml``, said in the resident's language by a
:class:`~bot.i18n.voice.Voice`; what goes into them is decided here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import urlencode

from bot.catalog.calendar import HORIZON_DAYS, is_year_end_break
from bot.catalog.item_names import base_name, without_cross_reference
from bot.catalog.knowledge import KnowledgeEntry, KnowledgeHit
from bot.catalog.matcher import CatalogItem, Mention
from bot.catalog.models import Area
from bot.catalog.notes import NoteCase, over_limit_is_bulky, size_limit, under_limit_category
from bot.catalog.notices import (
    NOTICE_AHEAD,
    CollectionNotice,
    NoticeKind,
    collections_with_notices,
    notices_for,
)
from bot.i18n import JAPANESE
from bot.i18n.voice import Voice, template

#: Button titles longer than this are cut (a phone shows about this much on a chip).
BUTTON_TITLE_LIMIT = 24
#: At most this many buttons under one message.
MAX_BUTTONS = 6
#: Item buttons send this intent with the item id, which the item action answers.
CHOOSE_ITEM_INTENT = "ask_item"
INFORM_AREA_INTENT = "inform_area"
#: The area's calendar feed (``bot/server/calendar.py``).
CALENDAR_PATH = "/api/calendar.ics"
#: Reminder buttons send this intent (data/rasa/reminders.yml), with the category chosen.
SUBSCRIBE_REMINDER_INTENT = "subscribe_reminder"
CATEGORY_ENTITY = "category"


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    #: Links to open rather than to send, each ``{"title", "url"}``. A URL without a host
    #: is on the app (``/api/…``, or ``webcal:/api/…`` in another scheme): the app gives
    #: it its own address. They travel through Rasa as the message's custom JSON.
    links: list[dict[str, str]] = field(default_factory=list)


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
    voice: Voice,
    area: Area,
    categories: list[str],
    rules: str,
    notes: str,
    today: date,
    notices: Sequence[CollectionNotice] = (),
    *,
    town_wide: bool = False,
) -> Reply:
    """The weekdays for each asked category in one area, the staff notices about them in
    the coming weeks, then ``notes`` and ``rules``; with the area's calendar to add.

    ``town_wide``: ``area`` stands for its whole town, whose 丁目 share these categories'
    days; the answer names the town, and has no calendar (the other categories differ)."""
    usual = usual_days(voice, area)
    place = voice.area(area.town, [], True) if town_wide else _area(voice, area)
    lines = [voice.say("schedule_heading", area=place)]
    for category in categories:
        if category in usual:
            days = usual[category]
            lines.append(voice.say("schedule_line", category=voice.category(category), days=days))
    told = notices_for(area, categories, today, today + NOTICE_AHEAD, notices)
    lines += notice_lines(voice, told, categories)
    if notes:
        lines.append(notes)
    lines.append(rules)
    links = [] if town_wide else calendar_links(voice, area)
    return Reply("\n".join(lines), links=links)


def usual_days(voice: Voice, area: Area) -> dict[str, str]:
    """Each category ``area`` has collection days for, with its days as the resident's
    language says them (「第1・第3土曜日」, "the 1st and 3rd Saturday of the month")."""
    return {s.category.name: voice.weekday_rule(s.weekdays, s.nth_weeks) for s in area.schedules}


def calendar_links(voice: Voice, area: Area) -> list[dict[str, str]]:
    """The area's calendar feed, in the resident's language: its address (Google Calendar
    and the rest), and the same to subscribe to (webcal: an iPhone or a Mac)."""
    place = area.town if area.whole_town else f"{area.town}{area.chome[0]}丁目"
    query = {"area": place} | ({"lang": voice.base} if voice.base != JAPANESE else {})
    path = f"{CALENDAR_PATH}?{urlencode(query)}"
    return [
        {"title": voice.say("calendar_address"), "url": path},
        {"title": voice.say("calendar_subscribe"), "url": f"webcal:{path}"},
    ]


def notice_lines(
    voice: Voice, notices: Sequence[CollectionNotice], categories: Sequence[str]
) -> list[str]:
    """Each notice said: its days and what happens to the ``categories`` it names (or to
    every category), then the staff's text in the resident's language."""
    lines = []
    for notice in notices:
        named = [c for c in categories if notice.names_category(c)] if notice.categories else []
        fields = {
            "dates": _notice_days(voice, notice),
            "categories": voice.categories(named),
            "moved_to": voice.date(notice.moved_to) if notice.moved_to else "",
        }
        key = f"notice_{notice.kind.value}"
        if notice.kind is not NoticeKind.INFO and not named:
            key += "_all"
        lines.append(voice.say(key, **fields))
        if notice.text.strip():
            lines.append(voice.notice_text(notice.id, notice.text))
    return lines


def _notice_days(voice: Voice, notice: CollectionNotice) -> str:
    if notice.starts_on == notice.ends_on:
        return voice.say("notice_day", date=voice.date(notice.starts_on))
    return voice.say(
        "notice_days", start=voice.date(notice.starts_on), end=voice.date(notice.ends_on)
    )


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


def next_dates(
    voice: Voice,
    area: Area,
    categories: list[str],
    today: date,
    rules: str,
    notices: Sequence[CollectionNotice] = (),
) -> Reply:
    """The next collection date of each asked category, today included, with the staff
    notices applied (a cancelled day skipped, a moved one on its new day) and said; each
    with its usual days, so that the resident learns the rule as well as the date."""
    horizon = today + timedelta(days=HORIZON_DAYS)
    upcoming = collections_with_notices(area, today, horizon, notices, categories)
    usual = usual_days(voice, area)
    lines = [voice.say("next_dates_heading", area=_area(voice, area))]
    shown = []
    for category in categories:
        day = next((c.day for c in upcoming if c.category == category), None)
        if day:
            shown.append(day)
            when = voice.date(day) + (voice.say("today_mark") if day == today else "")
            days = usual[category]
            lines.append(
                voice.say("next_date_line", category=voice.category(category), date=when, days=days)
            )
    if shown:
        told = notices_for(area, categories, today, max(shown) + timedelta(days=1), notices)
        lines += notice_lines(voice, told, categories)
    lines.append(rules)
    return Reply("\n".join(lines), links=calendar_links(voice, area))


def day_answer(
    voice: Voice,
    area: Area,
    day: date,
    offset: int,
    categories: list[str],
    named: bool = False,
    notices: Sequence[CollectionNotice] = (),
) -> Reply:
    """What can go out on one day (今日・明日・明後日) in one area, with the staff notices
    applied and said; ``categories`` in the order to list them, ``named`` when the
    resident named them."""
    after = day + timedelta(days=1)
    held = {c.category for c in collections_with_notices(area, day, after, notices, categories)}
    collected = [c for c in categories if c in held]
    told = notice_lines(voice, notices_for(area, categories, day, after, notices), categories)
    if not collected and is_year_end_break(day):
        return new_year_break(voice, day, offset)
    label = _day_label(voice, day, offset)
    if not collected:
        plain = voice.categories(categories, quoted=False)
        asked = voice.say("no_collection_of", categories=plain) if named else ""
        text = voice.say("no_collection", label=label, area=_area(voice, area), asked=asked)
    else:
        text = voice.say(
            "day_collected",
            label=label,
            area=_area(voice, area),
            categories=voice.categories(collected),
        )
    return Reply("\n".join([text, *told]), links=calendar_links(voice, area))


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
    days = usual_days(voice, area).get(name) if area is not None else None
    if area is not None and days is not None:
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


def which_topic(voice: Voice, hits: list[KnowledgeHit], contact: str) -> Reply:
    """Two entries match about as well, and the ranking prefers another than the best
    covered: ask which, and say where to ask if neither is it."""
    return Reply(voice.say("which_topic") + "\n" + contact, _topic_buttons(voice, hits))


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


def sized_answer(
    voice: Voice, items: list[CatalogItem], size: float | None, texts: dict[str, str]
) -> Reply | None:
    """One item named with its size in centimetres (「25cmのトースター」, "a teddy bear
    about 80 cm tall") whose notes give another category on that side of their size: that
    category, as after 「30センチ以下です」. None when the size changes nothing."""
    if size is None or len(items) != 1:
        return None
    item = items[0]
    limit = size_limit([item.notes])
    if limit is None:
        return None
    smaller = under_limit_category([item.notes])
    if size <= limit and smaller is not None:
        return undersized(voice, item, limit, smaller)
    if size > limit and over_limit_is_bulky([item.notes]):
        return oversized(voice, item, limit, texts.get("bulky_waste", ""))
    return None


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


# --- LINE reminders ----------------------------------------------------------------------


def reminder_offer(voice: Voice) -> dict[str, str]:
    """The button under a schedule answer on LINE: 「前の日に通知を受け取る」."""
    return _button(voice.say("reminder_offer"), _reminder_payload())


def _reminder_payload(category: str | None = None) -> str:
    entities = json.dumps({CATEGORY_ENTITY: category}, ensure_ascii=False) if category else ""
    return f"/{SUBSCRIBE_REMINDER_INTENT}{entities}"


def reminder_confirmation(
    voice: Voice, area: Area, chosen: list[str], every: list[str], at: time
) -> Reply:
    """What will be sent, and when: the area, each category reminded of with its days, and
    the time; when the area has several, a button for each to be reminded of it alone
    (and one for all of them again)."""
    usual = usual_days(voice, area)
    lines = [voice.say("reminder_subscribed", area=_area(voice, area), time=f"{at:%H:%M}")]
    for name in chosen:
        lines.append(voice.say("schedule_line", category=voice.category(name), days=usual[name]))
    buttons = []
    if len(every) > 1:
        lines.append(voice.say("reminder_choose"))
        buttons = [
            _button(
                voice.say("reminder_only", category=voice.category(name)), _reminder_payload(name)
            )
            for name in every
            if [name] != chosen
        ]
        if chosen != every:
            buttons.append(_button(voice.say("reminder_every"), _reminder_payload()))
    lines.append(voice.say("reminder_stop_hint"))
    return Reply("\n".join(lines), buttons)


def reminder_status(
    voice: Voice, area: Area, chosen: list[str], every: list[str], at: time, language: str
) -> Reply:
    """「登録内容」: everything stored besides the chat's address, and how to stop."""
    names = voice.list([voice.category(name) for name in chosen])
    categories = voice.say("reminder_all", categories=names) if chosen == every else names
    text = voice.say(
        "reminder_status", area=_area(voice, area), categories=categories,
        time=f"{at:%H:%M}", language=template("language_itself", language),
    )  # fmt: skip
    return Reply(f"{text}\n{voice.say('reminder_stop_hint')}")
