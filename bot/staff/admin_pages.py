"""The /admin pages that are not a plain table: the home page, turning a resident's
unanswered question into an alias or an item, importing and exporting the item table, the
monthly figures, and issuing API tokens."""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqladmin import BaseView, expose
from sqladmin.flash import Flash
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.catalog.calendar import today_in_tokyo
from bot.catalog.formats import (
    ExportEncodingError,
    ItemFormat,
    csv_media_type,
    export_items,
    read_item_file,
)
from bot.catalog.importer import CatalogFileError, RowError
from bot.catalog.item_changes import ItemPreview, StalePreviewError, apply_items, preview_upload
from bot.catalog.loader import LiveCatalog
from bot.catalog.matcher import noun_phrase
from bot.catalog.models import Category, Item, UnansweredQuestion
from bot.i18n import JAPANESE, LANGUAGE_NAMES
from bot.japanese import get_analyzer, match_key
from bot.staff import alias_files, analytics
from bot.staff.accounts import AccountError, Role, create_token
from bot.staff.audit import current_actor
from bot.staff.operations import (
    OperationError,
    alias_from_unanswered,
    dismiss_unanswered,
    get_question,
    item_from_unanswered,
)
from bot.staff.web_auth import SESSION_HOURS, require

FORMAT_LABELS = {
    ItemFormat.NAKANO: "中野区オープンデータ（ごみの品目,インデックス,種別,説明）",
    ItemFormat.DIGITAL_AGENCY: "自治体標準オープンデータセット「ゴミの分別方法一覧」（現行）",
    ItemFormat.DIGITAL_AGENCY_OLD: "自治体標準オープンデータセット「ゴミの分別方法一覧」（旧）",
    ItemFormat.TARGET_5374: "5374.jp の target.csv",
}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（BOM付き、Excel向け）",
    "cp932": "Shift_JIS（cp932）",
}


class StaffPages(BaseView):
    """Shared plumbing; each page class below sets its menu entry."""

    sessions: sessionmaker[Session]
    catalog: LiveCatalog
    upload_dir: Path

    async def _page(
        self, request: Request, template: str, status_code: int = 200, **context: Any
    ) -> Response:
        return await self.templates.TemplateResponse(
            request, f"staff/{template}", context, status_code=status_code
        )

    def _forbidden(self, request: Request, role: Role) -> Response | None:
        if require(request, role):
            return None
        return Response("この操作の権限がありません。", status_code=403)


class ResolvePage(StaffPages):
    """One resident question, three ways out: an alias of an existing item, a new item,
    or dismissed. It leaves the unanswered list either way."""

    name = "質問から登録"
    identity = "resolve"

    def is_visible(self, request: Request) -> bool:
        return False

    @expose("/resolve/{question_id:int}", methods=["GET", "POST"], identity="resolve")
    async def resolve(self, request: Request) -> Response:
        question_id = int(request.path_params["question_id"])
        message = ""
        confirm: dict[str, Any] = {}
        if request.method == "POST":
            if refusal := self._forbidden(request, Role.EDITOR):
                return refusal
            form = await request.form()
            try:
                done = await run_in_threadpool(self._apply, question_id, dict(form))
                Flash.success(request, done)
                return RedirectResponse(
                    str(request.url_for("admin:list", identity="unanswered-question")),
                    status_code=303,
                )
            except UnconfirmedAliasError as exc:
                confirm = {**dict(form), "warnings": exc.warnings}
            except OperationError as exc:
                message = str(exc)
        found = await run_in_threadpool(self._load, question_id)
        if found is None:
            return Response("この質問はもうありません。", status_code=404)
        if confirm:
            found["phrase"] = confirm["alias_name"]
            found["warnings"] = confirm["warnings"]
        return await self._page(
            request,
            "resolve.html",
            status_code=400 if message else 200,
            message=message,
            confirm=confirm,
            **found,
        )

    def _load(self, question_id: int) -> dict[str, Any] | None:
        with self.sessions() as session:
            question = session.get(UnansweredQuestion, question_id)
            if question is None:
                return None
            # What the bot's own matcher finds closest: usually the item staff want, and
            # the phrase it looked for is usually the word to register.
            found = self.catalog.index().find(question.text)
            close = [c for m in found.mentions for c in m.candidates] + found.suggestions
            ids = list(dict.fromkeys(item.id for item in close))[:10]
            phrase = unknown_phrase(question.text, found.query)
            foreign = question.language not in (None, "", JAPANESE)
            return {
                "question": question,
                "language_name": LANGUAGE_NAMES.get(question.language) if foreign else "",
                "phrase": phrase,
                "warnings": alias_warnings(session, phrase),
                "suggestions": list(session.scalars(select(Item).where(Item.id.in_(ids)))),
                "item_names": list(session.scalars(select(Item.name).order_by(Item.reading))),
                "categories": list(session.scalars(select(Category).order_by(Category.name))),
            }

    def _apply(self, question_id: int, form: dict[str, Any]) -> str:
        with self.sessions() as session:
            action = form.get("action")
            question = get_question(session, question_id).text
            if action == "alias":
                item_id = _chosen_item(session, form)
                warnings = alias_warnings(session, str(form.get("alias_name", "")), item_id)
                if warnings and form.get("confirmed_alias") != form.get("alias_name"):
                    raise UnconfirmedAliasError(warnings)
                alias = alias_from_unanswered(
                    session, question_id, item_id, form.get("alias_name") or None
                )
                done = f"「{alias.name}」を品目「{alias.item.name}」の別名として登録しました。"
            elif action == "item":
                category_id = _int(form.get("category_id"), "種別を選んでください。")
                item = item_from_unanswered(
                    session,
                    question_id,
                    str(form.get("name", "")).strip(),
                    category_id,
                    notes=str(form.get("notes", "")),
                    reading=str(form.get("reading", "")),
                )
                done = f"品目「{item.name}」（{item.category.name}）を登録しました。"
            elif action == "dismiss":
                dismiss_unanswered(session, question_id)
                done = f"質問「{question}」を一覧から消しました。"
            else:
                raise OperationError("操作を選んでください。")
            session.commit()
            return done


class UnconfirmedAliasError(Exception):
    """An alias that could change other answers; the clerk is asked once more."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(*warnings)
        self.warnings = warnings


#: Parts of speech that may belong to a thing's name around the noun the matcher found:
#: 「ぐにょぐにょ棒」 is one name, though Sudachi reads 「ぐにょぐにょ」 as an adverb.
_NAME_BEFORE = {"名詞", "接頭辞", "形状詞", "副詞"}
_NAME_AFTER = {"名詞", "接尾辞"}


def unknown_phrase(text: str, core: str) -> str:
    """The whole name of the unknown thing in a resident's question: the noun phrase the
    matcher looked for (``core``, or the matcher's :func:`noun_phrase` of the text), with
    the words joined to it on either side. A fragment (「棒」 of 「ぐにょぐにょ棒」) made
    an alias catches every other name containing it."""
    morphemes = [m for m in get_analyzer().analyze(text) if not m.is_space]
    core = core or noun_phrase(morphemes, text)
    start = text.find(core) if core else -1
    if start < 0:
        return core or text.strip()
    end = start + len(core)
    inside = [i for i, m in enumerate(morphemes) if m.start >= start and m.end <= end]
    if not inside:
        return core
    first, last = inside[0], inside[-1]
    while first > 0 and morphemes[first - 1].pos[0] in _NAME_BEFORE:
        first -= 1
    while last + 1 < len(morphemes) and morphemes[last + 1].pos[0] in _NAME_AFTER:
        last += 1
    return text[morphemes[first].start : morphemes[last].end]


#: How many of the other names an alias is part of the warning lists.
_WARN_NAMES = 5


def alias_warnings(session: Session, alias: str, item_id: int | None = None) -> list[str]:
    """Why an alias could answer questions it was not meant for: one character, or part of
    other items' names (「棒」 and 物干し棒)."""
    alias = alias.strip()
    key = match_key(alias)
    if not key:
        return []
    warnings = []
    if len(key) == 1:
        warnings.append(
            f"「{alias}」は1文字です。1文字の別名は、この文字を含む多くの質問に当たります。"
        )
    others = [
        name
        for item, name in session.execute(select(Item.id, Item.name).order_by(Item.reading))
        if item != item_id and key in match_key(name) and key != match_key(name)
    ]
    if others:
        shown = "、".join(others[:_WARN_NAMES]) + ("ほか" if len(others) > _WARN_NAMES else "")
        warnings.append(
            f"「{alias}」は、ほかの品目名の一部でもあります（{shown}、{len(others)}件）。"
            "別名にすると、これらの質問に違う品目を答えることがあります。"
        )
    return warnings


def _chosen_item(session: Session, form: dict[str, Any]) -> int:
    """The item picked from the suggestions, or typed by name (from the list offered)."""
    name = str(form.get("item_name", "")).strip()
    if name:
        item_id = session.scalar(select(Item.id).where(Item.name == name))
        if item_id is None:
            raise OperationError(f"品目「{name}」は一覧にありません。候補から選んでください。")
        return item_id
    return _int(form.get("item_id"), "品目を選ぶか、品目名を入力してください。")


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'


def _int(value: Any, message: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise OperationError(message) from None


#: A preview that would delete more items than this asks for their number to be typed.
CONFIRM_REMOVALS_OVER = 5
#: Uploads never applied are removed after a login's lifetime, when none can be applied.
UPLOAD_KEEP_SECONDS = SESSION_HOURS * 3600
#: The item fields a preview names.
FIELD_LABELS = {"reading": "よみ", "category": "種別", "notes": "説明", "url": "参考URL"}


def _unknown_categories(preview: ItemPreview) -> list[RowError]:
    """A category the catalog does not have is a typo more often than a new category
    (「もえるごみ」), and would be answered to residents as written: one error for each,
    at its first line, unless the clerk asked for new categories."""
    lines: dict[str, list[int]] = {name: [] for name in preview.new_categories}
    for row in preview.added:
        if row.category in lines:
            lines[row.category].append(row.line)
    for change in preview.changed:
        for field in change.fields:
            if field.field == "category" and field.new in lines:
                lines[field.new].append(change.line)
    return [
        RowError(
            preview.file,
            min(found, default=1),
            f"種別「{name}」は種別の一覧にありません（{len(found)}行）。表記の誤りなら直してください。"
            "新しい種別として作るときは「ファイルにある新しい種別を作る」にチェックを入れて、"
            "もう一度確認してください。",
        )
        for name, found in lines.items()
    ]


class ImportExportPage(StaffPages):
    """Upload → preview (nothing written) → confirm (all or nothing).

    sqladmin names a page after its last route, so the page's own route comes last.
    """

    name = "取り込み・書き出し"
    icon = "fa-solid fa-file-csv"
    identity = "import-export"

    @expose("/import-export/export", methods=["GET"], identity="import-export-export")
    async def export(self, request: Request) -> Response:
        try:
            fmt = ItemFormat(request.query_params.get("format", ItemFormat.NAKANO.value))
        except ValueError:
            return await self._refused(request, "形式を一覧から選んでください。")
        encoding = request.query_params.get("encoding", "utf-8")
        if encoding not in ENCODINGS:
            return await self._refused(request, "文字コードを一覧から選んでください。")
        try:
            data = await run_in_threadpool(self._export, fmt, encoding)
        except ExportEncodingError as exc:
            return await self._refused(request, str(exc))
        name = f"nakano-items-{fmt.value}-{today_in_tokyo():%Y%m%d}.csv"
        return Response(
            data,
            media_type=csv_media_type(encoding),
            headers={"Content-Disposition": _attachment(name)},
        )

    def _export(self, fmt: ItemFormat, encoding: str) -> bytes:
        with self.sessions() as session:
            return export_items(session, fmt, encoding)

    @expose("/import-export/preview", methods=["POST"], identity="import-export-preview")
    async def preview(self, request: Request) -> Response:
        if refusal := self._forbidden(request, Role.EDITOR):
            return refusal
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._refused(request, "ファイルを選んでください。")
        data = await upload.read()
        fmt = str(form.get("format", "auto"))
        remove_missing = form.get("remove_missing") == "on"
        preview = await run_in_threadpool(self._preview, upload.filename, data, fmt, remove_missing)
        if preview.ok and preview.new_categories and form.get("create_categories") != "on":
            preview.errors = _unknown_categories(preview)
        await run_in_threadpool(self._discard_uploads, request.session.pop("upload", None))
        upload_id = ""
        if preview.ok and preview.has_changes:
            upload_id = secrets.token_urlsafe(16)
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            (self.upload_dir / upload_id).write_bytes(data)
            request.session["upload"] = {
                "id": upload_id,
                "file": upload.filename,
                "format": fmt,
                "remove_missing": remove_missing,
                "removed": len(preview.removed),
                "fingerprint": preview.fingerprint,
            }
        return await self._page(
            request,
            "import_preview.html",
            status_code=200 if preview.ok else 422,
            preview=preview,
            upload_id=upload_id,
            fields=FIELD_LABELS,
            confirm_removals=len(preview.removed) > CONFIRM_REMOVALS_OVER,
        )

    def _discard_uploads(self, pending: dict[str, Any] | None) -> None:
        """Remove the upload a new preview replaces, and every upload older than a login
        lasts: none of them can be applied any more."""
        if pending:
            (self.upload_dir / pending["id"]).unlink(missing_ok=True)
        if not self.upload_dir.is_dir():
            return
        cutoff = time.time() - UPLOAD_KEEP_SECONDS
        for path in self.upload_dir.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)

    def _preview(self, file: str, data: bytes, fmt: str, remove_missing: bool) -> Any:
        with self.sessions() as session:
            return preview_upload(session, file, data, fmt, remove_missing=remove_missing)

    @expose("/import-export/apply", methods=["POST"], identity="import-export-apply")
    async def apply(self, request: Request) -> Response:
        if refusal := self._forbidden(request, Role.EDITOR):
            return refusal
        pending = request.session.get("upload")
        form = await request.form()
        if not pending or form.get("upload_id") != pending["id"]:
            return PlainTextResponse(
                "取り込みの確認が見つかりません。もう一度アップロードしてください。", 409
            )
        removed = pending.get("removed", 0)
        typed = str(form.get("confirm_removed", "")).strip()
        if removed > CONFIRM_REMOVALS_OVER and typed != str(removed):
            return PlainTextResponse(
                f"削除する品目の数（{removed}）が入力されていないため、反映していません。"
                "ブラウザの「戻る」で確認の画面に戻り、削除する件数を入力してください。",
                422,
            )
        request.session.pop("upload", None)
        path = self.upload_dir / pending["id"]
        try:
            data = path.read_bytes()
            result = await run_in_threadpool(self._apply, pending, data)
        except StalePreviewError:
            return PlainTextResponse(
                "確認のあとに品目表が変わりました。もう一度アップロードしてください。", 409
            )
        except FileNotFoundError:
            return PlainTextResponse(
                "確認から時間がたったため、ファイルを消しました。もう一度アップロードしてください。",
                409,
            )
        except CatalogFileError as exc:
            return PlainTextResponse("\n".join(str(e) for e in exc.errors), 422)
        finally:
            path.unlink(missing_ok=True)
        return await self._page(request, "import_done.html", preview=result)

    def _apply(self, pending: dict[str, Any], data: bytes) -> Any:
        item_file = read_item_file(pending["file"], data, pending["format"])
        with self.sessions() as session:
            return apply_items(
                session,
                item_file,
                remove_missing=pending["remove_missing"],
                expected_fingerprint=pending["fingerprint"],
            )

    # --- aliases ---------------------------------------------------------------------------

    @expose("/import-export/aliases", methods=["GET"], identity="import-export-aliases")
    async def export_aliases(self, request: Request) -> Response:
        """Every alias with its language and tick (別名,品目,言語,確認済み)."""
        encoding = request.query_params.get("encoding", "utf-8-sig")
        if encoding not in alias_files.WRITE_ENCODINGS:
            return await self._refused(request, "文字コードを一覧から選んでください。")
        data = await run_in_threadpool(self._export_aliases, encoding)
        return Response(
            data,
            media_type=csv_media_type(encoding),
            headers={"Content-Disposition": _attachment(f"aliases-{today_in_tokyo():%Y%m%d}.csv")},
        )

    def _export_aliases(self, encoding: str) -> bytes:
        with self.sessions() as session:
            return alias_files.export_aliases(session, encoding)

    @expose(
        "/import-export/aliases/import", methods=["POST"], identity="import-export-aliases-import"
    )
    async def import_aliases(self, request: Request) -> Response:
        """All or nothing, at once: an alias file changes nothing but names (no deletions),
        so there is no preview step; a bad line refuses the whole file."""
        if refusal := self._forbidden(request, Role.EDITOR):
            return refusal
        form = await request.form()
        upload = form.get("alias_file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._refused(request, "別名のファイルを選んでください。")
        data = await upload.read()
        try:
            done = await run_in_threadpool(self._import_aliases, upload.filename, data)
        except CatalogFileError as exc:
            return await self._page(
                request, "import_export.html", status_code=422, formats=FORMAT_LABELS,
                encodings=ENCODINGS, alias_encodings=alias_files.WRITE_ENCODINGS,
                alias_errors=exc.errors,
            )  # fmt: skip
        return await self._page(request, "aliases_done.html", done=done, languages=LANGUAGE_NAMES)

    def _import_aliases(self, file: str, data: bytes) -> alias_files.AliasImport:
        with self.sessions() as session:
            done = alias_files.import_aliases(session, file, data)
            session.commit()
            return done

    async def _refused(self, request: Request, message: str) -> Response:
        """The import/export page again, with what was wrong."""
        return await self._page(
            request, "import_export.html", status_code=422, formats=FORMAT_LABELS,
            encodings=ENCODINGS, alias_encodings=alias_files.WRITE_ENCODINGS, message=message,
        )  # fmt: skip

    @expose("/import-export", methods=["GET"], identity="import-export")
    async def form(self, request: Request) -> Response:
        return await self._page(
            request, "import_export.html", formats=FORMAT_LABELS, encodings=ENCODINGS,
            alias_encodings=alias_files.WRITE_ENCODINGS,
        )  # fmt: skip


class AnalyticsPage(StaffPages):
    name = "利用状況"
    icon = "fa-solid fa-chart-column"
    identity = "analytics"

    @expose("/analytics", methods=["GET"], identity="analytics")
    async def analytics(self, request: Request) -> Response:
        year, month = _month(request)
        report = await run_in_threadpool(self._report, year, month)
        if request.query_params.get("download") == "csv":
            return Response(
                analytics.report_csv(report).encode("utf-8-sig"),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": _attachment(f"report-{year}-{month:02d}.csv")},
            )
        peak = max((count for _, count in report.per_day), default=0)
        return await self._page(
            request,
            "analytics.html",
            report=report,
            year=year,
            month=month,
            peak=peak,
            languages=LANGUAGE_NAMES,
        )

    def _report(self, year: int, month: int) -> Any:
        with self.sessions() as session:
            return analytics.monthly_report(session, year, month)


def _month(request: Request) -> tuple[int, int]:
    today = today_in_tokyo()
    try:
        year = int(request.query_params.get("year", today.year))
        month = int(request.query_params.get("month", today.month))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


class TokensPage(StaffPages):
    name = "APIトークンを発行"
    icon = "fa-solid fa-plus"
    identity = "tokens"

    @expose("/tokens/new", methods=["GET", "POST"], identity="tokens")
    async def new_token(self, request: Request) -> Response:
        token = ""
        message = ""
        if request.method == "POST":
            form = await request.form()
            name = str(form.get("name", "")).strip()
            try:
                role = Role(str(form.get("role", "")))
                if not name:
                    raise AccountError("名前を入力してください。")
                token = await run_in_threadpool(self._create, name, role)
            except (ValueError, AccountError) as exc:
                message = str(exc) if isinstance(exc, AccountError) else "役割を選んでください。"
        return await self._page(
            request, "token_new.html", roles=[r.value for r in Role], token=token, message=message
        )

    def _create(self, name: str, role: Role) -> str:
        with self.sessions() as session:
            value = create_token(session, name, role, created_by=current_actor())
            session.commit()
            return value


PAGES = [ResolvePage, ImportExportPage, AnalyticsPage, TokensPage]
