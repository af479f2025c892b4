"""What several operations check alike: the column lengths, a name, a link."""

from __future__ import annotations

import re

from bot.staff.operations._errors import OperationError

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


def clean_name(name: str, what: str = "品目名") -> str:
    name = (name or "").strip()
    if not name:
        raise OperationError(f"{what}を入力してください。")
    if len(name) > MAX_NAME:
        raise OperationError(f"{what}は{MAX_NAME}文字以内にしてください。")
    return name


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
