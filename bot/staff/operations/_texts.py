"""The ward's texts, and the knowledge entries (よくある質問) among them: a text with
example questions.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from bot.catalog.models import WardText
from bot.staff.operations._checks import MAX_TEXT_KEY, MAX_TITLE, check_url
from bot.staff.operations._errors import ConflictError, OperationError, existing

_TEXT_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def get_text(session: Session, key: str) -> WardText:
    return existing(session, WardText, key, f"文章「{key}」は見つかりません。")


def create_text(
    session: Session, key: str, title: str, body: str, examples: str = "", url: str | None = None
) -> WardText:
    """A new text; with example questions it is a knowledge entry (よくある質問)."""
    key = key.strip()
    if not _TEXT_KEY.match(key) or len(key) > MAX_TEXT_KEY:
        raise OperationError(
            "キーは半角の英小文字で始まる英小文字・数字・_ にしてください"
            f"（{MAX_TEXT_KEY}文字以内）。"
        )
    if session.get(WardText, key) is not None:
        raise ConflictError(f"キー「{key}」の文章はすでにあります。")
    text = WardText(key=key, title="", body="", examples="")
    session.add(text)
    return update_text(session, key, title=title, body=body, examples=examples, url=url)


def update_text(session: Session, key: str, **changes: Any) -> WardText:
    """Change a text's ``title``, ``body``, ``examples`` (one question per line) or
    ``url``; the bot says it from the next message on."""
    text = get_text(session, key)
    if "title" in changes:
        text.title = _required(changes["title"], "題名", MAX_TITLE)
    if "body" in changes:
        text.body = _required(changes["body"], "本文", None)
    if "examples" in changes:
        text.examples = with_example(changes["examples"] or "", "")
    if "url" in changes:
        text.url = check_url(changes["url"])
    session.flush()
    return text


def _required(value: str | None, what: str, limit: int | None) -> str:
    value = (value or "").strip()
    if not value:
        raise OperationError(f"{what}を入力してください。")
    if limit is not None and len(value) > limit:
        raise OperationError(f"{what}は{limit}文字以内にしてください。")
    return value


def with_example(examples: str, question: str) -> str:
    """``examples`` (one per line) with ``question`` added, blank lines and repeats
    dropped."""
    lines = [line.strip() for line in [*examples.splitlines(), question]]
    return "\n".join(dict.fromkeys(line for line in lines if line))
