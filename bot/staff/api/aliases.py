"""``/api/staff/aliases``: other names of items, one by one or as a CSV file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from bot.catalog.formats import csv_media_type
from bot.catalog.importer import CatalogFileError
from bot.catalog.models import Alias
from bot.japanese import match_key
from bot.staff import alias_files
from bot.staff import operations as ops
from bot.staff.api.deps import Editor, Paging, RowId, Viewer, reading, where_given, writing
from bot.staff.api.deps import sessions as staff_sessions
from bot.staff.api.schemas import (
    BAD_LINES,
    CONFLICT,
    INVALID,
    MAX_ID,
    NOT_FOUND,
    AliasCreate,
    AliasEncoding,
    AliasImportOut,
    AliasOut,
    AliasPage,
    AliasPatch,
    LanguageCode,
)
from bot.staff.api.uploads import bad_file, read_upload
from bot.staff.audit import acting_as

router = APIRouter()

_BOM = AliasEncoding("utf-8-sig")


@router.get("/aliases", response_model=AliasPage, summary="List aliases")
def list_aliases(
    request: Request,
    _caller: Viewer,
    paging: Paging,
    item_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only aliases of this item")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in the alias, in any script")
    ] = None,
    language: Annotated[
        LanguageCode | None, Query(description="Only aliases in this language")
    ] = None,
    reviewed: Annotated[
        bool | None, Query(description="Only those checked (true) or not yet (false)")
    ] = None,
) -> AliasPage:
    query = where_given(
        select(Alias).order_by(Alias.id),
        (Alias.item_id, item_id),
        (Alias.language, language.value if language is not None else None),
        (Alias.reviewed, reviewed),
    )
    with reading(request) as session:
        aliases = list(session.scalars(query))
        key = match_key(q or "")
        if key:
            aliases = [a for a in aliases if key in match_key(a.name)]
        return paging.page(AliasPage, aliases, AliasOut.from_row)


@router.post(
    "/aliases",
    response_model=AliasOut,
    status_code=201,
    summary="Add an alias to an item",
    responses={**NOT_FOUND, **CONFLICT, **INVALID},
)
def create_alias(request: Request, caller: Editor, body: AliasCreate) -> AliasOut:
    """Residents asking by this name (in its language) get the item's answer from the
    next message on."""
    with writing(request, caller) as session:
        alias = ops.add_alias(
            session, body.item_id, body.name, body.language.value, reviewed=body.reviewed
        )
        return AliasOut.from_row(alias)


@router.get(
    "/aliases/export",
    summary="Download every alias as CSV (別名,品目,言語,確認済み)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The alias table"}},
)
def export_aliases(
    request: Request,
    _caller: Viewer,
    encoding: Annotated[
        AliasEncoding, Query(description="utf-8-sig for Excel (no cp932: it has no Hangul)")
    ] = _BOM,
) -> Response:
    with reading(request) as session:
        data = alias_files.export_aliases(session, encoding.value)
    return Response(
        content=data,
        media_type=csv_media_type(encoding.value),
        headers={"Content-Disposition": 'attachment; filename="aliases.csv"'},
    )


@router.post(
    "/aliases/import",
    response_model=AliasImportOut,
    summary="Import an alias CSV: add new aliases, set language and tick of listed ones",
    responses=BAD_LINES,
)
def import_aliases(
    request: Request,
    caller: Editor,
    file: Annotated[UploadFile, File(description="別名,品目[,言語][,確認済み]")],
) -> dict[str, Any]:
    """All or nothing: a bad line (an unknown item or 言語, an empty name …) refuses the
    whole file with every bad line listed. Aliases the file does not list are kept."""
    name, data = read_upload(file)
    with staff_sessions(request)() as session, acting_as(caller.actor):
        try:
            done = alias_files.import_aliases(session, name, data)
        except CatalogFileError as exc:
            session.rollback()
            raise bad_file(exc.errors) from exc
        session.commit()
    return done.to_dict()


@router.patch(
    "/aliases/{alias_id}",
    response_model=AliasOut,
    summary="Change an alias's language or mark it checked",
    responses={**NOT_FOUND, **INVALID},
)
def update_alias(request: Request, caller: Editor, alias_id: RowId, body: AliasPatch) -> AliasOut:
    with writing(request, caller) as session:
        alias = ops.update_alias(
            session,
            alias_id,
            language=body.language.value if body.language is not None else None,
            reviewed=body.reviewed,
        )
        return AliasOut.from_row(alias)


@router.delete(
    "/aliases/{alias_id}", status_code=204, summary="Delete an alias", responses=NOT_FOUND
)
def delete_alias(request: Request, caller: Editor, alias_id: RowId) -> None:
    with writing(request, caller) as session:
        ops.delete_alias(session, alias_id)
