"""Staff notices (お知らせ): collection cancelled or moved on some days, or something to
know, for all areas or some. Every answer that gives a date, the calendar feed and the
reminders apply them from the next message on (:mod:`bot.catalog.notices`)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from wtforms import SelectField
from wtforms.validators import Optional

from bot.catalog.models import Notice
from bot.catalog.notices import NOTICE_KIND_NAMES, NoticeKind, staff_date
from bot.staff import operations as ops
from bot.staff.admin_views.shared import AREAS, StaffView, shortened
from bot.staff.audit import label


def _date(model: Any, attribute: Any) -> str:
    value = getattr(model, attribute.key if hasattr(attribute, "key") else attribute)
    return staff_date(value) if value else ""


def _where(notice: Notice) -> str:
    """Its areas in words: 「全地域」, or 「野方3丁目、江原町」."""
    return "全地域" if notice.all_areas else "、".join(label(a) or "" for a in notice.areas)


def _which(notice: Notice) -> str:
    """Its categories in words: 「すべての種別」 when it names none."""
    return "、".join(c.name for c in notice.categories) or "すべての種別"


#: Columns made of the notice's rows in words, not links to them.
_IN_WORDS = {"where": _where, "which": _which}


class NoticeAdmin(StaffView, model=Notice):
    """A notice names its days, its areas (or all), its categories (or all when none is
    chosen), what happens and the text residents read under the answers."""

    name, name_plural, icon, category = (
        "お知らせ",
        "お知らせ（収集日の変更）",
        "fa-solid fa-bullhorn",
        AREAS,
    )
    column_list = [
        Notice.id,
        Notice.kind,
        Notice.starts_on,
        Notice.ends_on,
        Notice.moved_to,
        "where",
        "which",
        Notice.text,
    ]
    column_details_list = [*column_list, Notice.updated_at]
    column_export_list = column_details_list
    column_labels = {
        "where": "対象の地域",
        "which": "対象の種別",
        Notice.kind: "種類",
        Notice.starts_on: "開始日",
        Notice.ends_on: "終了日",
        Notice.moved_to: "振替先の日",
        Notice.all_areas: "全地域",
        Notice.areas: "対象の地域",
        Notice.categories: "対象の種別",
        Notice.text: "本文（住民に表示）",
        Notice.updated_at: "更新日時",
    }
    column_formatters = {
        Notice.kind: lambda m, a: NOTICE_KIND_NAMES.get(m.kind, m.kind),
        Notice.starts_on: _date,
        Notice.ends_on: _date,
        Notice.moved_to: _date,
        "where": lambda m, a: _where(m),
        "which": lambda m, a: _which(m),
        Notice.text: shortened(40),
    }
    column_formatters_detail = {**column_formatters, Notice.text: lambda m, a: m.text}
    form_columns = [
        Notice.kind,
        Notice.starts_on,
        Notice.ends_on,
        Notice.moved_to,
        Notice.all_areas,
        Notice.areas,
        Notice.categories,
        Notice.text,
    ]
    form_overrides = {"kind": SelectField}
    form_args = {
        "kind": {
            "choices": [(kind.value, name) for kind, name in NOTICE_KIND_NAMES.items()],
            "description": "収集なし：期間中の収集をやめます。別の日に振替：期間中の収集を"
            "振替先の日に行います。お知らせのみ：収集はいつもどおりで、本文を伝えます。",
            "render_kw": {"class": "form-select"},
        },
        "starts_on": {"description": "例：2026-12-25"},
        "ends_on": {"description": "1日だけなら開始日と同じ日。"},
        "moved_to": {
            "description": "種類が「別の日に振替」のときだけ入力します。",
            "validators": [Optional()],
        },
        "all_areas": {"description": "チェックすると区内のすべての地域が対象です。"},
        "areas": {"description": "全地域でないときに、対象の地域を選びます（複数可）。"},
        "categories": {"description": "選ばなければ、すべての種別が対象です。"},
        "text": {
            "description": "回答とカレンダーに添えて住民に表示します。理由や問い合わせ先など。"
            "変えると、この本文の外国語訳は使われなくなります（「翻訳」で訳し直せます）。"
        },
    }
    form_widget_args = {"text": {"rows": 5}}
    form_ajax_refs = {
        "areas": {"fields": ("town", "town_reading"), "order_by": "town"},
        "categories": {"fields": ("name",), "order_by": "name"},
    }
    column_searchable_list = [Notice.text]
    column_sortable_list = [Notice.id, Notice.starts_on, Notice.ends_on, Notice.kind]
    column_default_sort = [(Notice.starts_on, True)]
    page_size = 25

    async def get_prop_value(self, obj: Any, prop: str) -> Any:
        if prop in _IN_WORDS:
            return _IN_WORDS[prop](obj)
        return await super().get_prop_value(obj, prop)

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        """The rules the staff API and the CLI check (:func:`ops.check_notice`); a moved-to
        day only for a move, no areas listed beside 「全地域」."""
        all_areas = bool(data.get("all_areas"))
        data["text"] = (data.get("text") or "").strip()
        if all_areas:
            data["areas"] = []
        if data.get("kind") != NoticeKind.MOVED:
            data["moved_to"] = None
        ops.check_notice(
            str(data.get("kind") or ""),
            data.get("starts_on"),
            data.get("ends_on"),
            data.get("moved_to"),
            all_areas,
            len(data.get("areas") or []),
            data["text"],
        )

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Deleted with its translations, as the staff API and the CLI delete it."""
        notice = await run_in_threadpool(self._delete, int(pk))
        await self.after_model_delete(notice, request)

    def _delete(self, notice_id: int) -> Notice:
        with self.session_maker() as session:
            notice = ops.get_notice(session, notice_id)
            ops.delete_notice(session, notice_id)
            session.commit()
            return notice
