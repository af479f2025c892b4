"""The audit trail, and the live bot's reload signal, for every staff write.

Staff write through the admin UI, the staff API and the CLI. Rather than each of them
remembering to log, sessions from :func:`staff_sessionmaker` watch their own flushes: every
created, changed or deleted row of an audited table gets an :class:`AuditLog` row with the
old and new values, in the same transaction as the change, and a change to the catalog
bumps its revision so the bot answers from the new data on the next message.

Who is acting comes from :func:`acting_as` (a context variable), set by the admin's login,
the API's token check or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.db import bump_revision, get_engine
from bot.catalog.models import (
    Alias,
    Area,
    AuditLog,
    Category,
    Item,
    Notice,
    ReminderSettings,
    Schedule,
    StaffToken,
    StaffUser,
    Translation,
    UnansweredQuestion,
    WardText,
)
from bot.catalog.notices import notice_label
from bot.catalog.schedule import area_label, weekday_rule
from bot.catalog.translations import CATEGORY, NOTE, NOTICE, TEXT
from bot.i18n import LANGUAGE_NAMES

#: Tables whose rows the bot answers from: a change to one of them reloads the bot.
CATALOG = (Category, Item, Alias, Area, Schedule, WardText, Translation, Notice)
AUDITED = (*CATALOG, StaffUser, StaffToken, UnansweredQuestion, ReminderSettings)
#: Columns whose values never go into the audit log.
SECRET_COLUMNS = {"password_hash", "token_hash"}
#: Bookkeeping columns that change on their own; logging them would drown the real edits.
NOISE_COLUMNS = {"updated_at", "last_login", "last_used", "failed_logins", "locked_until"}

_actor: ContextVar[str] = ContextVar("staff_actor", default="system")
_PENDING = "audit_pending"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Attribute the writes made inside the block to ``actor``."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    return _actor.get()


def set_actor(actor: str) -> None:
    """For request middleware, where the context ends with the request anyway."""
    _actor.set(actor)


def staff_sessionmaker(url: str) -> sessionmaker[Session]:
    """Sessions whose writes are audited and reload the live bot."""
    sessions = sessionmaker(get_engine(url), expire_on_commit=False)
    event.listen(sessions, "after_flush", _collect)
    event.listen(sessions, "after_flush_postexec", _write)
    return sessions


def _collect(session: Session, _context: object) -> None:
    """Read the changes while the history is still there (it is reset after the flush);
    new rows already have their ids here."""
    pending: list[AuditLog] = session.info.setdefault(_PENDING, [])
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, AUDITED):
                entry = _entry(action, obj)
                if entry is not None:
                    pending.append(entry)


def _write(session: Session, _context: object) -> None:
    pending: list[AuditLog] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.add_all(pending)
    catalog_tables = {model.__tablename__ for model in CATALOG}
    if any(entry.table in catalog_tables for entry in pending):
        bump_revision(session)


def _entry(action: str, obj: Any) -> AuditLog | None:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in NOISE_COLUMNS:
            continue
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        elif action == "create":
            old, new = None, state.dict.get(key)
        else:
            old, new = state.dict.get(key), None
        if key in SECRET_COLUMNS:
            old, new = (old and "***"), (new and "***")
        if action != "update" and old is None and new is None:
            continue
        changes[key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if rel.secondary is not None:  # the rows a row names (a notice's areas)
            listed = _listed(action, state.attrs[rel.key].history)
            if listed is not None:
                changes[rel.key] = listed
            continue
        if rel.uselist or action != "update":
            continue
        history = state.attrs[rel.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[rel.key] = [label(old), label(new)]
    if action == "update" and not changes:
        return None
    return AuditLog(
        actor=current_actor()[:100],
        action=action,
        table=obj.__tablename__,
        row_id=",".join(str(v) for v in state.mapper.primary_key_from_instance(obj)),
        summary=(label(obj) or "")[:300],
        changes=changes,
    )


def _listed(action: str, history: Any) -> list[Any] | None:
    """The rows a many-to-many list named before and after, by :func:`label`; ``None``
    when it did not change (or, on a creation or deletion, is empty)."""
    before = [*history.unchanged, *history.deleted]
    after = [*history.unchanged, *history.added]
    if action == "update":
        return [_labels(before), _labels(after)] if history.has_changes() else None
    rows = after if action == "create" else before
    if not rows:
        return None
    return [None, _labels(rows)] if action == "create" else [_labels(rows), None]


def _labels(rows: list[Any]) -> list[str | None]:
    return sorted((label(row) for row in rows), key=str)


def label(obj: Any) -> str | None:
    """What staff call a row: an item's or category's name, an area as 「野方3丁目」, a
    collection day as its area and category, a text by its title. The audit summary and
    every place the admin shows a row (lists, pickers, exports) use it."""
    if obj is None:
        return None
    if isinstance(obj, Area):
        return area_label(obj)
    if isinstance(obj, Translation):
        return translation_label(obj.kind, obj.key, obj.field, obj.language)
    if isinstance(obj, Notice):
        return notice_label(obj)
    if isinstance(obj, Schedule):
        rule = f"{label(obj.category)}：{weekday_rule(obj.weekdays, obj.nth_weeks)}"
        area = inspect(obj).dict.get("area")  # not loaded in a list of one area's days
        return f"{area_label(area)}の{rule}" if area is not None else rule
    for name in ("name", "username", "title", "text", "key"):
        value = getattr(obj, name, None)
        if isinstance(value, str):
            return value
    return str(obj)


#: The words of :func:`translation_label` (the admin's view of translations has the same).
TRANSLATION_KINDS = {TEXT: "案内文", CATEGORY: "種別", NOTE: "品目の説明", NOTICE: "お知らせ"}
TRANSLATION_FIELDS = {
    (TEXT, "title"): "内容（題名）",
    (TEXT, "body"): "本文",
    (TEXT, "examples"): "質問の例",
    (CATEGORY, "name"): "種別名",
    (CATEGORY, "description"): "説明",
    (NOTE, "note"): "説明",
    (NOTICE, "text"): "本文",
}


def translation_label(kind: str, key: str, field: str, language: str) -> str:
    """「案内文「greet」の本文（英語）」: a translation named by what it translates."""
    what = TRANSLATION_KINDS.get(kind, kind)
    key = " ".join(key.split())
    key = key if len(key) <= 30 else key[:29] + "…"
    field_name = TRANSLATION_FIELDS.get((kind, field), field)
    suffix = "" if kind == NOTE else f"の{field_name}"
    return f"{what}「{key}」{suffix}（{LANGUAGE_NAMES.get(language, language)}）"


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a column value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)
