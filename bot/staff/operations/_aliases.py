"""Other names residents use for an item, each in its language, ticked by a clerk."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Alias
from bot.i18n import JAPANESE, LANGUAGE_NAMES, LANGUAGES
from bot.japanese import match_key
from bot.staff.operations._checks import clean_name
from bot.staff.operations._errors import ConflictError, NotFoundError, OperationError, existing
from bot.staff.operations._items import get_item


def check_language(language: str) -> str:
    """One of :data:`bot.i18n.LANGUAGES`, or :class:`OperationError`."""
    if language not in LANGUAGES:
        names = "・".join(f"{code}（{name}）" for code, name in LANGUAGE_NAMES.items())
        raise OperationError(f"言語「{language}」は {names} のどれかにしてください。")
    return language


def add_alias(
    session: Session,
    item_id: int,
    name: str,
    language: str = JAPANESE,
    reviewed: bool = True,
) -> Alias:
    """Another name for an item, in ``language`` (a Japanese name is matched in Japanese
    messages, an English one in English messages …). Refused when the item already has
    it, or is called or read so, compared as the matcher compares (「ﾙﾝﾊﾞ」 = 「ルンバ」).
    A name staff add is checked by them (``reviewed``) unless they say otherwise."""
    item = get_item(session, item_id)
    name = clean_name(name, "別名")
    language = check_language(language)
    key = match_key(name)
    if not key:
        raise OperationError(f"別名「{name}」には文字がありません。")
    if key in (match_key(item.name), match_key(item.reading)):
        raise ConflictError(
            f"「{name}」は品目「{item.name}」の名前か読みと同じです（別名がなくても答えられます）。"
        )
    for alias in item.aliases:
        if match_key(alias.name) == key:
            raise ConflictError(f"品目「{item.name}」には別名「{alias.name}」がすでにあります。")
    alias = Alias(name=name, item=item, language=language, reviewed=reviewed)
    session.add(alias)
    session.flush()
    return alias


def get_alias(session: Session, alias_id: int) -> Alias:
    return existing(session, Alias, alias_id, f"別名 {alias_id} はありません。")


def update_alias(
    session: Session, alias_id: int, *, language: str | None = None, reviewed: bool | None = None
) -> Alias:
    """Set an alias's language or the clerk's tick; the bot matches it in its language
    from the next message on."""
    alias = get_alias(session, alias_id)
    if language is not None:
        alias.language = check_language(language)
    if reviewed is not None:
        alias.reviewed = reviewed
    session.flush()
    return alias


def mark_aliases_reviewed(session: Session, alias_ids: Iterable[int]) -> list[Alias]:
    """Tick the aliases as checked by a clerk; those ticked already are left as they are."""
    ids = sorted(set(alias_ids))
    aliases = list(session.scalars(select(Alias).where(Alias.id.in_(ids)))) if ids else []
    if len(aliases) != len(ids):
        missing = sorted(set(ids) - {a.id for a in aliases})
        raise NotFoundError(f"別名 {'、'.join(map(str, missing))} はありません。")
    for alias in aliases:
        alias.reviewed = True
    session.flush()
    return aliases


def delete_alias(session: Session, alias_id: int) -> None:
    session.delete(get_alias(session, alias_id))
    session.flush()
