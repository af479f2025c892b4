"""Staff notices (お知らせ): days without collection, collection moved to another day, or
a word for residents, for some areas and categories or all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Area, Category, Notice, Translation
from bot.catalog.notices import NoticeKind
from bot.catalog.schedule import AreaDirectory, chome_choices
from bot.catalog.translations import NOTICE
from bot.staff.operations._checks import MAX_NOTICE_TEXT
from bot.staff.operations._errors import NotFoundError, OperationError, existing

#: The years a notice's days may be in: a typo (20266) must not reach the answers, which
#: count days from them.
NOTICE_YEARS = range(2000, 2100)


def get_notice(session: Session, notice_id: int) -> Notice:
    return existing(session, Notice, notice_id, f"お知らせ {notice_id} はありません。")


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
