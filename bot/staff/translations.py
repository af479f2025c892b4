"""Translations as the admin shows them: what each one translates, in the clerk's words, and
whether the bot uses it.

A translation is used only while its ``source`` is the Japanese as it is now
(:mod:`bot.catalog.translations`). The admin lists the others as 未使用 so a clerk can see
which translations a change of the Japanese has left behind, and saving a translation makes
its ``source`` the Japanese the clerk saw beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Category, Item, Notice, Translation, WardText
from bot.catalog.notices import notice_label
from bot.catalog.translations import CATEGORY, FIELDS, NOTE, NOTICE, TEXT, translates
from bot.i18n import FOREIGN, LANGUAGE_NAMES
from bot.staff.audit import TRANSLATION_FIELDS, TRANSLATION_KINDS

#: The kinds of text, as a clerk calls them.
KIND_NAMES = TRANSLATION_KINDS
#: The fields of each kind, labelled as the admin labels them where the Japanese is edited.
FIELD_NAMES = TRANSLATION_FIELDS
#: The languages a translation can be in, by their Japanese names.
FOREIGN_NAMES = {code: LANGUAGE_NAMES[code] for code in FOREIGN}

IN_USE = "使用中"
JAPANESE_CHANGED = "日本語が変更されています（未使用）"
JAPANESE_GONE = "元の日本語がありません（未使用）"
EMPTY = "訳文が空です（未使用）"
#: How long a target is shown before it is cut with 「…」 (item notes are the key of theirs).
TARGET_LENGTH = 40

Target = tuple[str, str, str]


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def shorten(text: str, limit: int = TARGET_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def state(source: str, body: str, japanese: str | None) -> str:
    """Whether the bot uses a translation, by the rule of
    :meth:`bot.catalog.translations.Translations.get`, and why not."""
    if japanese is None:
        return JAPANESE_GONE
    if not translates(source, japanese):
        return JAPANESE_CHANGED
    if not body.strip():
        return EMPTY
    return IN_USE


@dataclass(frozen=True)
class Original:
    """The Japanese a translation stands for, as it is now."""

    #: ``None`` when the text, category or item notes are gone (renamed, deleted, edited).
    japanese: str | None
    #: The target in words: a text by its title, a category by its name, notes shortened.
    target: str


class JapaneseNow:
    """The current Japanese of every translatable field, read once: what a list of
    translations is compared against."""

    def __init__(self, session: Session, keys: Iterable[Target] | None = None) -> None:
        wanted = None if keys is None else {(kind, key) for kind, key, _ in keys}

        def needed(kind: str) -> list[str] | None:
            return None if wanted is None else [key for k, key in wanted if k == kind]

        self.texts: dict[str, WardText] = {}
        self.categories: dict[str, Category] = {}
        self.notes: set[str] = set()
        self.notices: dict[str, Notice] = {}
        if (text_keys := needed(TEXT)) is None or text_keys:
            query = select(WardText)
            if text_keys is not None:
                query = query.where(WardText.key.in_(text_keys))
            self.texts = {t.key: t for t in session.scalars(query)}
        if (names := needed(CATEGORY)) is None or names:
            query = select(Category)
            if names is not None:
                query = query.where(Category.name.in_(names))
            self.categories = {c.name: c for c in session.scalars(query)}
        if (ids := needed(NOTICE)) is None or ids:
            query = select(Notice)
            if ids is not None:
                query = query.where(Notice.id.in_([int(i) for i in ids if i.isdigit()]))
            self.notices = {str(n.id): n for n in session.scalars(query)}
        if needed(NOTE) != []:
            # All of them: a few hundred short texts, and notes saved from a form may carry
            # spaces around them, which a translation's key (stripped) does not.
            self.notes = {
                n.strip() for n in session.scalars(select(Item.notes).distinct()) if n and n.strip()
            }

    def original(self, kind: str, key: str, field: str) -> Original:
        if kind == TEXT:
            text = self.texts.get(key)
            if text is None or field not in FIELDS[TEXT]:
                return Original(None, key)
            return Original(getattr(text, field) or "", f"{text.title}（{key}）")
        if kind == CATEGORY:
            category = self.categories.get(key)
            if category is None or field not in FIELDS[CATEGORY]:
                return Original(None, key)
            return Original(category.name if field == "name" else category.description, key)
        if kind == NOTE:
            return Original(key if key.strip() in self.notes else None, shorten(key))
        if kind == NOTICE:
            notice = self.notices.get(key)
            if notice is None or field not in FIELDS[NOTICE]:
                return Original(None, key)
            label = notice_label(notice)
            return Original(notice.text, label)
        return Original(None, key)

    def targets(self) -> list[tuple[Target, str]]:
        """Every field there is to translate, with its label, in the order a clerk looks
        for it: texts by title, categories by name, item notes, notices by their days."""
        found: list[tuple[Target, str]] = []
        for text in sorted(self.texts.values(), key=lambda t: t.title):
            for field in FIELDS[TEXT]:
                if (getattr(text, field) or "").strip():
                    label = f"案内文：{text.title}（{text.key}）— {FIELD_NAMES[TEXT, field]}"
                    found.append(((TEXT, text.key, field), label))
        for name in sorted(self.categories):
            for field in FIELDS[CATEGORY]:
                japanese = name if field == "name" else self.categories[name].description
                if (japanese or "").strip():
                    label = f"種別：{name} — {FIELD_NAMES[CATEGORY, field]}"
                    found.append(((CATEGORY, name, field), label))
        for note in sorted(self.notes):
            found.append(((NOTE, note, "note"), f"品目の説明：{shorten(note)}"))
        for key, notice in sorted(self.notices.items(), key=lambda pair: pair[1].starts_on):
            if notice.text.strip():
                label = notice_label(notice)
                found.append(((NOTICE, key, "text"), f"お知らせ：{label} — {shorten(notice.text)}"))
        return found


def unused_ids(session: Session) -> list[int]:
    """The translations the bot does not use now (:func:`state` other than 使用中)."""
    now = JapaneseNow(session)
    rows = session.execute(
        select(
            Translation.id,
            Translation.kind,
            Translation.key,
            Translation.field,
            Translation.source,
            Translation.body,
        )
    ).tuples()
    return [
        id_
        for id_, kind, key, field, source, body in rows
        if state(source, body, now.original(kind, key, field).japanese) != IN_USE
    ]


def target_id(target: Target) -> str:
    """A target as one form value: item notes, the key of theirs, are long and hold line
    breaks a browser would send back changed, so the key goes by its digest."""
    kind, key, field = target
    return f"{kind}:{field}:{hashlib.sha256(key.encode()).hexdigest()[:20]}"
