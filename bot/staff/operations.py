"""What staff do to the catalog, shared by the admin UI, the staff API and the CLI.

Each function changes rows in the session it is given and leaves committing to the caller,
so a caller can do several in one transaction. Give it a session from
:func:`bot.staff.audit.staff_sessionmaker`: the audit rows and the catalog revision bump
(which makes the bot answer from the new data on the next message) then come with the
commit, inside :func:`bot.staff.audit.acting_as` for who did it.

A request that cannot be done raises :class:`OperationError` (or :class:`NotFoundError`,
:class:`ConflictError`) with a Japanese message that can be shown to staff as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.importer import WEEKDAYS, ItemRow, parse_schedule_rule
from bot.catalog.models import (
    Alias,
    Area,
    Category,
    Item,
    Notice,
    Schedule,
    StaffToken,
    StaffUser,
    Translation,
    UnansweredQuestion,
    WardText,
)
from bot.catalog.notices import NoticeKind
from bot.catalog.schedule import AreaDirectory, chome_choices
from bot.catalog.translations import NOTICE
from bot.i18n import JAPANESE, LANGUAGE_NAMES, LANGUAGES
from bot.japanese import fold_kana, get_analyzer, match_key
from bot.staff.accounts import Role, create_token, create_user
from bot.staff.audit import acting_as

#: Column lengths of the catalog tables, checked here so that PostgreSQL, which enforces
#: them, and SQLite, which does not, refuse the same input with the same message.
MAX_NAME = 200
MAX_CATEGORY_NAME = 100
MAX_READING = 300
MAX_URL = 500
MAX_TOKEN_NAME = 100
MAX_TEXT_KEY = 50
MAX_TITLE = 200
MAX_NOTICE_TEXT = 2000
#: The years a notice's days may be in: a typo (20266) must not reach the answers, which
#: count days from them.
NOTICE_YEARS = range(2000, 2100)
_TEXT_KEY = re.compile(r"^[a-z][a-z0-9_]*$")

_KANA_READING = re.compile(r"^[ぁ-ゖー]+$")
#: Sudachi parts of speech whose surface a catalog reading keeps as it is (「（」, 「／」).
_KEPT_AS_WRITTEN = ("補助記号", "空白")


class OperationError(ValueError):
    """A staff request that cannot be done; the message says why, in Japanese."""


class NotFoundError(OperationError):
    """A row the request names does not exist."""


class ConflictError(OperationError):
    """The request would duplicate a row that exists."""


# --- readings ----------------------------------------------------------------------------


def suggest_reading(name: str) -> str:
    """A hiragana reading of ``name`` in the catalog's style (「ざる（木製）」 →
    「ざる（もくせい）」), from Sudachi's readings; empty when Sudachi has no kana reading
    for some word of it (Latin letters, a word it does not know), since no reading is better
    than a wrong one: the matcher then reads the name with Sudachi itself."""
    parts: list[str] = []
    for morpheme in get_analyzer().analyze(name, keep_spaces=True):
        if morpheme.pos[0] in _KEPT_AS_WRITTEN:
            parts.append(morpheme.text)
            continue
        reading = fold_kana(morpheme.reading)
        if not _KANA_READING.match(reading):
            return ""
        parts.append(reading)
    return "".join(parts).strip()


def _clean_reading(reading: str | None, name: str) -> str:
    reading = fold_kana((reading or "").strip())
    if not reading:
        reading = suggest_reading(name)
    if len(reading) > MAX_READING:
        raise OperationError(f"読みは{MAX_READING}文字以内にしてください。")
    return reading


def _clean_name(name: str, what: str = "品目名") -> str:
    name = (name or "").strip()
    if not name:
        raise OperationError(f"{what}を入力してください。")
    if len(name) > MAX_NAME:
        raise OperationError(f"{what}は{MAX_NAME}文字以内にしてください。")
    return name


# --- rows by id --------------------------------------------------------------------------


def get_item(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"品目 {item_id} はありません。")
    return item


def get_category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise NotFoundError(f"種別 {category_id} はありません。")
    return category


def get_question(session: Session, question_id: int) -> UnansweredQuestion:
    question = session.get(UnansweredQuestion, question_id)
    if question is None:
        raise NotFoundError(f"未回答の質問 {question_id} はありません（処理済みかもしれません）。")
    return question


# --- items and aliases -------------------------------------------------------------------


def _url_of(notes: str) -> str | None:
    # The same rule as the importer's: the first link in the notes is the item's link.
    return ItemRow(0, "", "", "", notes).url


def check_url(url: str | None) -> str | None:
    """The link as stored (``None`` for none), or :class:`OperationError`: only http(s)
    links, since the bot sends them to residents and the admin shows them as links (a
    ``javascript:`` one would run in a clerk's browser). The staff API and the admin's
    form both check with this."""
    url = (url or "").strip() or None
    if url is not None:
        if not re.match(r"^https?://\S+$", url):
            raise OperationError("リンクは http:// か https:// で始まるURLにしてください。")
        if len(url) > MAX_URL:
            raise OperationError(f"リンクは{MAX_URL}文字以内にしてください。")
    return url


def _check_unique_name(session: Session, name: str, except_id: int | None = None) -> None:
    query = select(Item.id).where(Item.name == name)
    if except_id is not None:
        query = query.where(Item.id != except_id)
    if session.scalar(query) is not None:
        raise ConflictError(f"品目「{name}」はすでにあります。")


def create_item(
    session: Session,
    name: str,
    category_id: int,
    notes: str = "",
    reading: str = "",
    url: str | None = None,
) -> Item:
    """A new item. Without ``reading`` one is suggested (:func:`suggest_reading`); without
    ``url`` the first link in ``notes`` is taken, as the importer does."""
    name = _clean_name(name)
    _check_unique_name(session, name)
    category = get_category(session, category_id)
    notes = (notes or "").strip()
    item = Item(
        name=name,
        reading=_clean_reading(reading, name),
        category=category,
        notes=notes,
        url=check_url(url) if url else _url_of(notes),
    )
    session.add(item)
    session.flush()
    return item


#: The fields :func:`update_item` changes.
ITEM_FIELDS = ("name", "reading", "category_id", "notes", "url")


def update_item(session: Session, item_id: int, **changes: Any) -> Item:
    """Change the given fields of an item (any of :data:`ITEM_FIELDS`).

    New ``notes`` without a ``url`` take their link as the item's, as on import.
    """
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise OperationError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    item = get_item(session, item_id)
    if "name" in changes:
        name = _clean_name(changes["name"])
        _check_unique_name(session, name, except_id=item.id)
        item.name = name
    if "reading" in changes:
        reading = fold_kana((changes["reading"] or "").strip())
        if len(reading) > MAX_READING:
            raise OperationError(f"読みは{MAX_READING}文字以内にしてください。")
        item.reading = reading
    if "category_id" in changes:
        item.category = get_category(session, changes["category_id"])
    if "notes" in changes:
        item.notes = (changes["notes"] or "").strip()
        if "url" not in changes:
            item.url = _url_of(item.notes)
    if "url" in changes:
        item.url = check_url(changes["url"])
    session.flush()
    return item


def delete_item(session: Session, item_id: int) -> None:
    """Delete an item; its aliases go with it."""
    session.delete(get_item(session, item_id))
    session.flush()


def check_language(language: str) -> str:
    """One of :data:`bot.i18n.LANGUAGES`, or :class:`OperationError`."""
    if language not in LANGUAGES:
        names = "・".join(f"{code}（{name}）" for code, name in LANGUAGE_NAMES.items())
        raise OperationError(f"言語「{language}」は {names} のどれかにしてください。")
    return language


def add_alias(
    session: Session,
    item_id: int,
    name: str,
    language: str = JAPANESE,
    reviewed: bool = True,
) -> Alias:
    """Another name for an item, in ``language`` (a Japanese name is matched in Japanese
    messages, an English one in English messages …). Refused when the item already has
    it, or is called or read so, compared as the matcher compares (「ﾙﾝﾊﾞ」 = 「ルンバ」).
    A name staff add is checked by them (``reviewed``) unless they say otherwise."""
    item = get_item(session, item_id)
    name = _clean_name(name, "別名")
    language = check_language(language)
    key = match_key(name)
    if not key:
        raise OperationError(f"別名「{name}」には文字がありません。")
    if key in (match_key(item.name), match_key(item.reading)):
        raise ConflictError(
            f"「{name}」は品目「{item.name}」の名前か読みと同じです（別名がなくても答えられます）。"
        )
    for alias in item.aliases:
        if match_key(alias.name) == key:
            raise ConflictError(f"品目「{item.name}」には別名「{alias.name}」がすでにあります。")
    alias = Alias(name=name, item=item, language=language, reviewed=reviewed)
    session.add(alias)
    session.flush()
    return alias


def get_alias(session: Session, alias_id: int) -> Alias:
    alias = session.get(Alias, alias_id)
    if alias is None:
        raise NotFoundError(f"別名 {alias_id} はありません。")
    return alias


def update_alias(
    session: Session, alias_id: int, *, language: str | None = None, reviewed: bool | None = None
) -> Alias:
    """Set an alias's language or the clerk's tick; the bot matches it in its language
    from the next message on."""
    alias = get_alias(session, alias_id)
    if language is not None:
        alias.language = check_language(language)
    if reviewed is not None:
        alias.reviewed = reviewed
    session.flush()
    return alias


def mark_aliases_reviewed(session: Session, alias_ids: Iterable[int]) -> list[Alias]:
    """Tick the aliases as checked by a clerk; those ticked already are left as they are."""
    ids = sorted(set(alias_ids))
    aliases = list(session.scalars(select(Alias).where(Alias.id.in_(ids)))) if ids else []
    if len(aliases) != len(ids):
        missing = sorted(set(ids) - {a.id for a in aliases})
        raise NotFoundError(f"別名 {'、'.join(map(str, missing))} はありません。")
    for alias in aliases:
        alias.reviewed = True
    session.flush()
    return aliases


def delete_alias(session: Session, alias_id: int) -> None:
    session.delete(get_alias(session, alias_id))
    session.flush()


# --- unanswered questions ----------------------------------------------------------------


def alias_from_unanswered(
    session: Session, question_id: int, item_id: int, alias_name: str | None = None
) -> Alias:
    """Make an unanswered question an alias of an existing item and take it off the list.

    The alias is ``alias_name`` (usually just the item word staff picked out of the
    question) or else the question's text, in the language the question was asked in.
    """
    question = get_question(session, question_id)
    name = alias_name if alias_name is not None else question.text
    alias = add_alias(session, item_id, name, language=question.language or JAPANESE)
    session.delete(question)
    session.flush()
    return alias


def item_from_unanswered(
    session: Session,
    question_id: int,
    name: str,
    category_id: int,
    notes: str = "",
    reading: str = "",
) -> Item:
    """Make an unanswered question a new item and take it off the list."""
    question = get_question(session, question_id)
    item = create_item(session, name, category_id, notes=notes, reading=reading)
    session.delete(question)
    session.flush()
    return item


def dismiss_unanswered(session: Session, question_id: int) -> None:
    """Take a question off the list without changing the catalog (spam, nonsense)."""
    session.delete(get_question(session, question_id))
    session.flush()


def example_from_unanswered(session: Session, question_id: int, key: str) -> WardText:
    """Make an unanswered question an example question of a knowledge entry (or of any
    text, which it makes a knowledge entry) and take it off the list. The next message
    like it is answered with that text."""
    question = get_question(session, question_id)
    text = get_text(session, key)
    text.examples = _with_example(text.examples, question.text)
    session.delete(question)
    session.flush()
    return text


# --- texts and knowledge entries ---------------------------------------------------------


def get_text(session: Session, key: str) -> WardText:
    text = session.get(WardText, key)
    if text is None:
        raise NotFoundError(f"文章「{key}」は見つかりません。")
    return text


def create_text(
    session: Session, key: str, title: str, body: str, examples: str = "", url: str | None = None
) -> WardText:
    """A new text; with example questions it is a knowledge entry (よくある質問)."""
    key = key.strip()
    if not _TEXT_KEY.match(key) or len(key) > MAX_TEXT_KEY:
        raise OperationError(
            "キーは半角の英小文字で始まる英小文字・数字・_ にしてください"
            f"（{MAX_TEXT_KEY}文字以内）。"
        )
    if session.get(WardText, key) is not None:
        raise ConflictError(f"キー「{key}」の文章はすでにあります。")
    text = WardText(key=key, title="", body="", examples="")
    session.add(text)
    return update_text(session, key, title=title, body=body, examples=examples, url=url)


def update_text(session: Session, key: str, **changes: Any) -> WardText:
    """Change a text's ``title``, ``body``, ``examples`` (one question per line) or
    ``url``; the bot says it from the next message on."""
    text = get_text(session, key)
    if "title" in changes:
        text.title = _required(changes["title"], "題名", MAX_TITLE)
    if "body" in changes:
        text.body = _required(changes["body"], "本文", None)
    if "examples" in changes:
        text.examples = _with_example(changes["examples"] or "", "")
    if "url" in changes:
        text.url = check_url(changes["url"])
    session.flush()
    return text


def _required(value: str | None, what: str, limit: int | None) -> str:
    value = (value or "").strip()
    if not value:
        raise OperationError(f"{what}を入力してください。")
    if limit is not None and len(value) > limit:
        raise OperationError(f"{what}は{limit}文字以内にしてください。")
    return value


def _with_example(examples: str, question: str) -> str:
    """``examples`` (one per line) with ``question`` added, blank lines and repeats
    dropped."""
    lines = [line.strip() for line in [*examples.splitlines(), question]]
    return "\n".join(dict.fromkeys(line for line in lines if line))


# --- categories and collection days ------------------------------------------------------

#: The fields :func:`update_category` changes.
CATEGORY_FIELDS = ("name", "sort_order", "description", "resource")
#: The largest order a category may be given (orders are small numbers: 1, 2, 3 …).
MAX_SORT_ORDER = 10_000


def update_category(session: Session, category_id: int, **changes: Any) -> Category:
    """Change the given fields of a category (any of :data:`CATEGORY_FIELDS`). Its name is
    said in answers as it is; its order places it when several are listed; ``resource``
    makes 「資源」 name it. Whether it is collected on set days is given by the collection
    days (:func:`set_schedules`), not here."""
    unknown = set(changes) - set(CATEGORY_FIELDS)
    if unknown:
        raise OperationError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    category = get_category(session, category_id)
    if "name" in changes:
        name = _clean_name(changes["name"], "種別名")
        if len(name) > MAX_CATEGORY_NAME:
            raise OperationError(f"種別名は{MAX_CATEGORY_NAME}文字以内にしてください。")
        taken = select(Category.id).where(Category.name == name, Category.id != category.id)
        if session.scalar(taken) is not None:
            raise ConflictError(f"種別「{name}」はすでにあります。")
        category.name = name
    if "sort_order" in changes:
        order = changes["sort_order"]
        if isinstance(order, bool) or not isinstance(order, int):
            raise OperationError("並び順は整数で指定してください。")
        if not 0 <= order <= MAX_SORT_ORDER:
            raise OperationError(f"並び順は 0 から {MAX_SORT_ORDER} で指定してください。")
        category.sort_order = order
    if "description" in changes:
        category.description = (changes["description"] or "").strip()
    if "resource" in changes:
        if not isinstance(changes["resource"], bool):
            raise OperationError("資源かどうかは true か false で指定してください。")
        category.resource = changes["resource"]
    session.flush()
    return category


@dataclass(frozen=True)
class ScheduleChange:
    """The new rule for one category in one area; no ``weekdays`` removes it."""

    category_id: int
    weekdays: tuple[int, ...] = ()
    #: Week numbers (1–5) for rules like 第2・第4土曜日; empty is every week.
    nth_weeks: tuple[int, ...] = ()


def schedule_text(weekdays: Iterable[int], nth_weeks: Iterable[int] = ()) -> str:
    """A rule in the ward's notation: 「火曜日;金曜日」, 「第2;第4土曜日」."""
    days = ";".join(f"{WEEKDAYS[d]}曜日" for d in weekdays)
    weeks = ";".join(f"第{w}" for w in nth_weeks)
    return weeks + days


def set_schedules(session: Session, area_id: int, changes: Iterable[ScheduleChange]) -> Area:
    """Set the collection days of some categories in one area; other categories are kept."""
    area = session.get(Area, area_id)
    if area is None:
        raise NotFoundError(f"地域 {area_id} はありません。")
    current = {s.category_id: s for s in area.schedules}
    for change in changes:
        category = get_category(session, change.category_id)
        days = sorted(set(change.weekdays))
        weeks = sorted(set(change.nth_weeks))
        if any(not 0 <= d <= 6 for d in days):
            raise OperationError("曜日は 0（月曜日）から 6（日曜日）で指定してください。")
        if any(not 1 <= w <= 5 for w in weeks):
            raise OperationError("第何週かは 1 から 5 で指定してください。")
        schedule = current.get(category.id)
        if not days:
            if weeks:
                raise OperationError(f"「{category.name}」の曜日を指定してください。")
            if schedule is not None:
                area.schedules.remove(schedule)
            continue
        text = schedule_text(days, weeks)
        parse_schedule_rule(text)  # the notation the importer reads back
        if schedule is None:
            area.schedules.append(
                Schedule(category=category, weekdays=days, nth_weeks=weeks, source_text=text)
            )
        elif (schedule.weekdays, schedule.nth_weeks) != (days, weeks):
            schedule.weekdays, schedule.nth_weeks, schedule.source_text = days, weeks, text
    session.flush()
    return area


# --- notices (お知らせ) ---------------------------------------------------------------------


def get_notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFoundError(f"お知らせ {notice_id} はありません。")
    return notice


def check_notice(
    kind: str,
    starts_on: date | None,
    ends_on: date | None,
    moved_to: date | None,
    all_areas: bool,
    area_count: int,
    text: str,
) -> NoticeKind:
    """The notice's kind, or :class:`OperationError` saying what is missing or wrong. The
    admin's form, the staff API and the CLI all check with this."""
    if kind not in set(NoticeKind):
        raise OperationError(
            "種類は cancelled（収集なし）・moved（別の日に振替）・info（お知らせのみ）"
            "のどれかにしてください。"
        )
    if starts_on is None or ends_on is None:
        raise OperationError("期間（開始日と終了日）を入力してください。")
    if any(day.year not in NOTICE_YEARS for day in (starts_on, ends_on, moved_to) if day):
        raise OperationError(
            f"日付は{NOTICE_YEARS.start}年から{NOTICE_YEARS.stop - 1}年の間にしてください。"
        )
    if ends_on < starts_on:
        raise OperationError("終了日は開始日と同じ日か、そのあとにしてください。")
    if kind == NoticeKind.MOVED:
        if moved_to is None:
            raise OperationError("振替の場合は、振替先の日を入力してください。")
        if starts_on <= moved_to <= ends_on:
            raise OperationError("振替先の日は、期間の外の日にしてください。")
    elif moved_to is not None:
        raise OperationError("振替先の日は、種類が「別の日に振替」のときだけ入力してください。")
    if not all_areas and not area_count:
        raise OperationError("対象の地域を選ぶか、「全地域」にしてください。")
    if kind == NoticeKind.INFO and not text.strip():
        raise OperationError("お知らせのみの場合は、本文を入力してください。")
    if len(text) > MAX_NOTICE_TEXT:
        raise OperationError(f"本文は{MAX_NOTICE_TEXT}文字以内にしてください。")
    return NoticeKind(kind)


def areas_named(session: Session, names: Iterable[str]) -> list[Area]:
    """The area rows of places written as residents write them (「野方3丁目」, 「江原町」),
    or :class:`OperationError` naming the first that is no one row."""
    directory = AreaDirectory.load(session)
    found: list[Area] = []
    for name in names:
        lookup = directory.lookup(name)
        if lookup.area is None:
            if lookup.town is None:
                raise OperationError(f"地域「{name}」は収集日の表にありません。")
            choices = "、".join(chome_choices(lookup.town, lookup.options))
            raise OperationError(f"「{name}」は丁目まで指定してください：{choices}")
        if lookup.area not in found:
            found.append(lookup.area)
    return found


def categories_named(session: Session, names: Iterable[str]) -> list[Category]:
    """The categories of these names (as in the ward's table), or :class:`OperationError`
    naming the first that is none."""
    known = {c.name: c for c in session.scalars(select(Category))}
    found = []
    for name in names:
        category = known.get(name.strip())
        if category is None:
            raise OperationError(
                f"種別「{name}」はありません。{'、'.join(sorted(known))} のどれかです。"
            )
        found.append(category)
    return found


def _rows(session: Session, model: Any, ids: Iterable[int], what: str) -> list[Any]:
    wanted = sorted(set(ids))
    rows = list(session.scalars(select(model).where(model.id.in_(wanted)))) if wanted else []
    missing = sorted(set(wanted) - {row.id for row in rows})
    if missing:
        raise NotFoundError(f"{what} {'、'.join(map(str, missing))} はありません。")
    return rows


#: The fields :func:`update_notice` changes.
NOTICE_FIELDS = (
    "kind", "starts_on", "ends_on", "moved_to", "all_areas", "area_ids", "category_ids", "text",
)  # fmt: skip


def create_notice(
    session: Session,
    kind: str,
    starts_on: date,
    ends_on: date,
    text: str = "",
    *,
    moved_to: date | None = None,
    all_areas: bool = False,
    area_ids: Sequence[int] = (),
    category_ids: Sequence[int] = (),
) -> Notice:
    """A new notice; every answer, the calendar feed and the reminders apply it from the
    next message on. No categories: every category of its areas."""
    notice = Notice(kind=kind, starts_on=starts_on, ends_on=ends_on, text="")
    session.add(notice)
    return update_notice(
        session,
        notice,
        moved_to=moved_to,
        all_areas=all_areas,
        area_ids=area_ids,
        category_ids=category_ids,
        text=text,
    )


def update_notice(session: Session, notice: Notice | int, **changes: Any) -> Notice:
    """Change the given fields of a notice (any of :data:`NOTICE_FIELDS`); the result is
    checked whole (:func:`check_notice`) and written in one flush, so that the audit log
    has one row for the change."""
    unknown = set(changes) - set(NOTICE_FIELDS)
    if unknown:
        raise OperationError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    with session.no_autoflush:
        if isinstance(notice, int):
            notice = get_notice(session, notice)
        for name in ("kind", "starts_on", "ends_on", "moved_to", "all_areas"):
            if name in changes:
                setattr(notice, name, changes[name])
        if "text" in changes:
            notice.text = (changes["text"] or "").strip()
        if "area_ids" in changes:
            notice.areas = _rows(session, Area, changes["area_ids"] or (), "地域")
        if "category_ids" in changes:
            notice.categories = _rows(session, Category, changes["category_ids"] or (), "種別")
        if notice.all_areas:
            notice.areas = []
        if notice.kind != NoticeKind.MOVED and "moved_to" not in changes:
            notice.moved_to = None  # no longer a move: its day goes with it
        check_notice(
            notice.kind,
            notice.starts_on,
            notice.ends_on,
            notice.moved_to,
            notice.all_areas,
            len(notice.areas),
            notice.text,
        )
    session.flush()
    return notice


def delete_notice(session: Session, notice_id: int) -> None:
    """Delete a notice, and its translations (they translate nothing any more)."""
    notice = get_notice(session, notice_id)
    for translation in session.scalars(
        select(Translation).where(Translation.kind == NOTICE, Translation.key == str(notice.id))
    ):
        session.delete(translation)
    session.delete(notice)
    session.flush()


# --- accounts and tokens -----------------------------------------------------------------


def issue_token(session: Session, name: str, role: Role, created_by: str) -> tuple[StaffToken, str]:
    """A new API token row and its plain value (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise OperationError("トークンの名前を入力してください。")
    if len(name) > MAX_TOKEN_NAME:
        raise OperationError(f"トークンの名前は{MAX_TOKEN_NAME}文字以内にしてください。")
    value = create_token(session, name, role, created_by)
    (row,) = (obj for obj in session.new if isinstance(obj, StaffToken))
    session.flush()
    return row, value


def ensure_first_admin(
    sessions: sessionmaker[Session],
    settings: object | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
) -> StaffUser | None:
    """Create the first admin from the settings (``NAKANO_BOT_ADMIN_USERNAME`` and
    ``NAKANO_BOT_ADMIN_PASSWORD``) or the arguments, if there is no staff user at all yet.

    Returns the new user, or None when there are users already or nothing is configured.
    Commits. A password shorter than the minimum raises
    :class:`~bot.staff.accounts.AccountError`: better a start-up that says so than an
    admin nobody can log in as.
    """
    username = username or getattr(settings, "admin_username", None)
    if password is None:
        secret = getattr(settings, "admin_password", None)
        password = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    if not username or not password:
        return None
    with sessions() as session, acting_as("system:first-admin"):
        if session.scalar(select(func.count()).select_from(StaffUser)):
            return None
        user = create_user(session, username, password, Role.ADMIN)
        try:
            session.commit()
        except IntegrityError:
            # Another process (a second replica starting) created it first.
            session.rollback()
            return None
        return user
