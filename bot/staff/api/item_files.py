"""``/api/staff/export`` and ``/api/staff/import``: the whole item table as a file, in the
ward's format or the Digital Agency's or 5374's; an import is previewed, then applied."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from bot.catalog.formats import (
    AUTO,
    ExportEncoding,
    ExportEncodingError,
    ImportFormat,
    ItemFormat,
    csv_media_type,
    export_items,
    read_item_file,
)
from bot.catalog.importer import CatalogFileError
from bot.catalog.item_changes import StalePreviewError, apply_items, preview_upload
from bot.staff.api.deps import Editor, Viewer, reading, sessions
from bot.staff.api.schemas import BAD_LINES, ErrorOut, ImportPreviewOut
from bot.staff.api.uploads import bad_file, read_upload
from bot.staff.audit import acting_as

router = APIRouter()

_AUTO_FORMAT = ImportFormat(AUTO)
_UTF8 = ExportEncoding("utf-8")


@router.get(
    "/export",
    summary="Download the item table",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The item table as a CSV file"},
        422: {"model": ErrorOut, "description": "Some item cannot be written in the encoding"},
    },
)
def export(
    request: Request,
    _caller: Viewer,
    fmt: Annotated[
        ItemFormat,
        Query(
            alias="format",
            description="nakano: the ward's open data; digital-agency(-old): 自治体標準"
            "オープンデータセット「ゴミの分別方法一覧」; 5374: 5374.jp's target.csv",
        ),
    ] = ItemFormat.NAKANO,
    encoding: Annotated[ExportEncoding, Query(description="utf-8-sig or cp932 for Excel")] = _UTF8,
) -> Response:
    with reading(request) as session:
        try:
            data = export_items(session, fmt, encoding.value)
        except ExportEncodingError as exc:
            raise HTTPException(
                422,
                detail=f"{exc.encoding} では書けない文字があります（utf-8-sig を選んでください）: "
                + "; ".join(exc.problems),
            ) from exc
    filename = "target.csv" if fmt is ItemFormat.TARGET_5374 else f"items-{fmt.value}.csv"
    return Response(
        content=data,
        media_type=csv_media_type(encoding.value),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_FILE = Annotated[UploadFile, File(description="The item-table CSV file")]
_FORMAT = Annotated[
    ImportFormat,
    Form(alias="format", description="File format; auto tells it from the header row"),
]
_REMOVE = Annotated[
    bool, Form(description="Remove items the file lacks (false for a file of some rows only)")
]


@router.post(
    "/import",
    response_model=ImportPreviewOut,
    summary="Preview importing an item-table file",
    responses=BAD_LINES,
)
def preview_import(
    request: Request,
    _caller: Editor,
    file: _FILE,
    fmt: _FORMAT = _AUTO_FORMAT,
    remove_missing: _REMOVE = True,
) -> dict[str, Any]:
    """What importing the file would add, change and remove; writes nothing. Send the
    same file with the returned `fingerprint` to `/import/apply` to apply it."""
    name, data = read_upload(file)
    with reading(request) as session:
        preview = preview_upload(session, name, data, fmt.value, remove_missing=remove_missing)
    if not preview.ok:
        raise bad_file(preview.errors)
    return preview.to_dict()


@router.post(
    "/import/apply",
    response_model=ImportPreviewOut,
    summary="Apply an item-table file that was previewed",
    responses={
        **BAD_LINES,
        409: {"model": ErrorOut, "description": "The catalog changed since the preview"},
    },
)
def apply_import(
    request: Request,
    caller: Editor,
    file: _FILE,
    fingerprint: Annotated[
        str, Form(min_length=1, description="The `fingerprint` of the preview confirmed")
    ],
    fmt: _FORMAT = _AUTO_FORMAT,
    remove_missing: _REMOVE = True,
) -> dict[str, Any]:
    """All or nothing: either the whole file is applied or nothing is written. Refused with
    409 if the catalog changed since the preview (preview again)."""
    name, data = read_upload(file)
    try:
        item_file = read_item_file(name, data, fmt.value)
    except CatalogFileError as exc:
        raise bad_file(exc.errors) from exc
    with sessions(request)() as session, acting_as(caller.actor):
        try:
            done = apply_items(
                session,
                item_file,
                remove_missing=remove_missing,
                expected_fingerprint=fingerprint,
            )
        except StalePreviewError as exc:
            raise HTTPException(
                409,
                detail="プレビューの後に品目が変更されました。もう一度プレビューしてください。",
            ) from exc
    return done.to_dict()
