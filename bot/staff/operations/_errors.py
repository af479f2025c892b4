"""The errors of a staff request that cannot be done, each with a Japanese message that
can be shown to staff as it is; the admin, the staff API and the CLI turn them into
their own answers (a form error, 404, 409).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

Row = TypeVar("Row")


class OperationError(ValueError):
    """A staff request that cannot be done; the message says why, in Japanese."""


class NotFoundError(OperationError):
    """A row the request names does not exist."""


class ConflictError(OperationError):
    """The request would duplicate a row that exists."""


def existing(session: Session, model: type[Row], key: Any, missing: str) -> Row:
    """The row of ``model`` with primary key ``key``; :class:`NotFoundError` with the
    message ``missing`` when there is none."""
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(missing)
    return row
