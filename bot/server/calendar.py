"""``GET /api/calendar.ics``: an area's collection days as a calendar residents subscribe to.

Residents like being told in time more than asking; a calendar app that subscribes to this
feed shows 「燃やすごみ」 on each Tuesday and Friday of 野方3丁目 without anyone asking. The
dates come from the same function as the bot's answers
(:func:`bot.catalog.notices.collections_with_notices`: the weekday rules, no collection from
12/31 to 1/3, 第2・第4 week numbers, and the staff notices: a cancelled day is not there, a
moved one is on its new day), the area is read as the bot reads a place in a message, and
the words are the bot's own (:class:`~bot.i18n.voice.Voice`).

Calendar apps fetch a subscribed feed again and again, so a repeat is cheap: the answer
carries an ``ETag`` of its bytes (``304`` on ``If-None-Match``), ``Last-Modified`` and a
``Cache-Control`` of a few hours. Nothing in the body changes between two fetches unless the
catalog or the day does: every UID is made from the area, date and category, and DTSTAMP is
the catalog's last revision.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from icalendar import Calendar, Event, vDuration, vText
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.calendar import TOKYO, today_in_tokyo
from bot.catalog.models import Area, CatalogRevision, WardText
from bot.catalog.notices import Collection, collections_with_notices, load_notices
from bot.catalog.schedule import AreaDirectory, AreaLookup, chome_choices
from bot.catalog.translations import Translations
from bot.i18n import FOREIGN
from bot.i18n.pivot import Pivot, phrases
from bot.i18n.voice import Voice

router = APIRouter(tags=["calendar"])

MEDIA_TYPE = "text/calendar; charset=utf-8"
DEFAULT_MONTHS = 3
MAX_MONTHS = 12
#: How long a fetched feed may be used before asking again (``Cache-Control``) and how
#: often the feed asks calendar apps to refresh it (``REFRESH-INTERVAL``): the dates change
#: once a day at most, when the first one drops off, or when staff edit the catalog.
FEED_REFRESH = timedelta(hours=6)
PRODID = "-//Nakano ward garbage-sorting chatbot//nakano-gomi-bot//JA"
#: The right-hand side of every UID: names this feed, not a host, so that the same event
#: keeps its UID whichever host name a resident subscribed through.
UID_DOMAIN = "nakano-gomi-bot"
#: CC BY 4.0 asks for the source wherever the data is passed on.
ATTRIBUTION = "出典：中野区オープンデータ（資源とごみの収集曜日一覧）"
#: The ward texts each event's description is made of: the put-out rule, and for an area
#: that excludes the daily-collection streets, which ones those are.
RULES_TEXT = "collection_rules"
DAILY_COLLECTION_TEXT = "daily_collection"
FeedLanguage = Literal["ja", "en", "zh", "ko"]


def feed_today(request: Request) -> date:
    """Today in Tokyo, where the feed starts; frozen by ``fixed_today``, and a dependency
    so that a test can set the day without touching the clock."""
    return today_in_tokyo(request.app.state.settings.fixed_today)


Today = Annotated[date, Depends(feed_today)]


@router.get(
    "/api/calendar.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "The area's collection days"},
        304: {"description": "Unchanged since the ETag in If-None-Match"},
        404: {"description": "No area of Nakano by that name"},
        422: {
            "description": "A town whose 丁目 differ, without its 丁目 (``detail`` lists the "
            "choices); or months out of range"
        },
    },
)
def calendar_feed(
    request: Request,
    today: Today,
    area: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="The area as a resident writes it: 野方3丁目, 野方三丁目, "
            "Nogata 3-chome, 江原町",
        ),
    ],
    months: Annotated[int, Query(ge=1, le=MAX_MONTHS, description="Months from today")] = (
        DEFAULT_MONTHS
    ),
    lang: Annotated[FeedLanguage, Query(description="The language of the words")] = "ja",
) -> Response:
    """The collection days of one area, from today (Asia/Tokyo) for ``months`` months: one
    all-day event per date and category, for a calendar app to subscribe to."""
    body, modified = _feed(request.app.state.sessions, area, today, months, lang)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": f"public, max-age={int(FEED_REFRESH.total_seconds())}",
    }
    if _unchanged(request, etag, modified):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="nakano-gomi.ics"'
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def _feed(
    sessions: sessionmaker[Session], text: str, today: date, months: int, lang: str
) -> tuple[bytes, datetime]:
    """The feed's bytes and when what it says last changed; 404 or 422 for an area that
    names no one row."""
    with sessions() as session:
        area = _area(AreaDirectory.load(session), text)
        revised = _revised(session)
        voice = Voice(lang, Translations.load(session))
        texts = dict(session.execute(select(WardText.key, WardText.body)).tuples().all())
        # The schedule answer's notes: the daily-collection streets where the row excludes them.
        keys = [RULES_TEXT, DAILY_COLLECTION_TEXT] if area.remark else [RULES_TEXT]
        description = "\n".join(voice.text(key, texts[key]) for key in keys if texts.get(key))
        end = months_after(today, months)
        days = collections_with_notices(area, today, end, load_notices(session))
        feed = calendar(area, voice, days, description, stamp=revised)
    # The window moves at midnight: the feed changed then, even when the catalog did not.
    # (Derived from ``today`` alone, not the clock, so a frozen day gives a fixed header.)
    midnight = datetime.combine(today, time(), TOKYO).astimezone(timezone.utc)
    modified = max(revised, midnight).replace(microsecond=0)
    return feed.to_ical(), modified


def _area(directory: AreaDirectory, text: str) -> Area:
    """The one area row ``text`` names, or the HTTP error that says why there is none."""
    found = read_area(directory, text)
    if found.area is not None:
        return found.area
    if found.town is None:
        raise HTTPException(
            404,
            detail=f"「{text}」は中野区の収集日の表にない地域です。"
            "町名と丁目で指定してください（例：野方3丁目）。",
        )
    choices = chome_choices(found.town, found.options)
    message = (
        f"{found.town}は丁目によって収集日が違います。何丁目かを指定してください。"
        if found.chome is None
        else f"{found.town}{found.chome}丁目は収集日の表にありません。次から選んでください。"
    )
    raise HTTPException(
        422,
        detail=[
            {
                "type": "chome_missing" if found.chome is None else "chome_unknown",
                "loc": ["query", "area"],
                "msg": f"{message}{'、'.join(choices)}",
                "input": text,
                "choices": choices,
            }
        ],
    )


def read_area(directory: AreaDirectory, text: str) -> AreaLookup:
    """The area ``text`` names, read as the bot reads a place in a message: in Japanese
    (「野方3丁目」「野方三丁目」「のがた3ちょうめ」), else rendered through each language's
    town names (「Nogata 3-chome」「노가타 3초메」, :mod:`bot.i18n.pivot`)."""
    found = directory.lookup(text)
    for pivot in _place_pivots():
        if found.town is not None:
            break
        found = directory.lookup(pivot.render(text).japanese)
    return found


@cache
def _place_pivots() -> tuple[Pivot, ...]:
    """Each foreign language's renderer with its phrase table alone: a place is made of
    town names and 丁目 words, never of the item names the bot's renderers also carry."""
    return tuple(Pivot(language, (), phrases(language)) for language in FOREIGN)


def calendar(
    area: Area,
    voice: Voice,
    days: Iterable[Collection],
    description: str,
    *,
    stamp: datetime,
) -> Calendar:
    """The iCalendar document (RFC 5545): one all-day event per collection (date and
    category), named in ``voice``'s language with the Japanese name the ward's stickers
    show beside it. A collection a notice moved or told something about says so first in
    its description."""
    name = voice.finish(
        voice.say("calendar_name", area=voice.area(area.town, area.chome, area.whole_town))
    )
    feed = Calendar.new(
        prodid=PRODID, uid=_uid(f"{_area_key(area)}|{voice.language}"), calscale="GREGORIAN"
    )
    # Text properties through vText: icalendar 7.3's ``Calendar.new(name=, description=)``
    # writes X-WR-CALNAME and X-WR-CALDESC unescaped, and a newline in them breaks the file.
    for key in ("NAME", "X-WR-CALNAME"):
        feed.add(key, vText(name))
    for key in ("DESCRIPTION", "X-WR-CALDESC"):
        feed.add(key, vText(f"{name}\n{ATTRIBUTION}"))
    feed.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    feed.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    feed.add("X-WR-TIMEZONE", str(TOKYO))
    for collection in days:
        day, category = collection.day, collection.category
        told = [voice.notice_text(n.id, n.text) for n in collection.notices if n.text.strip()]
        if collection.moved_from is not None:
            told.insert(0, voice.say("calendar_moved", date=voice.date(collection.moved_from)))
        feed.add_component(
            Event.new(
                uid=_uid(f"{_area_key(area)}|{day.isoformat()}|{category}", day),
                summary=voice.category(category),
                description="\n".join(filter(None, [*told, description])) or None,
                start=day,
                end=day + timedelta(days=1),
                stamp=stamp,
                transparency="TRANSPARENT",
            )
        )
    return feed


def _area_key(area: Area) -> str:
    """The area as the ward's table names it (town and 丁目 cell, unique together): the
    same row keeps its key when the table is imported again and the ids change."""
    return f"{area.town}|{area.chome_text}"


def _uid(key: str, day: date | None = None) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"{day:%Y%m%d}-{digest}@{UID_DOMAIN}" if day else f"{digest}@{UID_DOMAIN}"


def _revised(session: Session) -> datetime:
    """When the catalog last changed (UTC), which is when the feed's events last did."""
    row = session.get(CatalogRevision, 1)
    if row is None or row.updated_at is None:
        return datetime(2000, 1, 1, tzinfo=timezone.utc)
    stamp = row.updated_at
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` months later, or that month's last day (1/31 → 2/28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _unchanged(request: Request, etag: str, modified: datetime) -> bool:
    """Whether the caller already has this feed: its ``If-None-Match`` names the ETag (weak
    comparison, RFC 9110 §13.1.2), or without one, ``If-Modified-Since`` is not older."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and modified <= when
