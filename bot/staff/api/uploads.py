"""Files staff upload (item tables, alias lists): read within a size limit, and refused
with every bad line listed."""

from __future__ import annotations

from fastapi import HTTPException, UploadFile

from bot.catalog.importer import RowError

#: The largest file accepted (the ward's whole item table is about 200 KB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def read_upload(upload: UploadFile) -> tuple[str, bytes]:
    """The file's name and contents; 413 when it is larger than :data:`MAX_UPLOAD_BYTES`."""
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail="ファイルが大きすぎます（10 MB まで）。")
    return upload.filename or "upload.csv", data


def bad_file(errors: list[RowError]) -> HTTPException:
    """The 422 refusing a file, with the lines that are wrong (``ImportErrorOut``)."""
    return HTTPException(
        422,
        detail={
            "message": "このファイルは取り込めません。何も変更していません。",
            "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in errors],
        },
    )
