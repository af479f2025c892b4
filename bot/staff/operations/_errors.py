"""The errors of a staff request that cannot be done, each with a Japanese message that
can be shown to staff as it is; the admin, the staff API and the CLI turn them into
their own answers (a form error, 404, 409).
"""

from __future__ import annotations


class OperationError(ValueError):
    """A staff request that cannot be done; the message says why, in Japanese."""


class NotFoundError(OperationError):
    """A row the request names does not exist."""


class ConflictError(OperationError):
    """The request would duplicate a row that exists."""
