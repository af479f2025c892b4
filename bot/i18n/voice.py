"""How the bot says things in the resident's language.

The sentences are templates in ``data/i18n/replies.yml``, one per language; what fills
them comes from the catalog and its translations (:mod:`bot.catalog.translations`). In
another language than Japanese, a category keeps its Japanese name beside the translation
(「Burnable waste (燃やすごみ)」), because that is what the ward's calendar and stickers
show; weekdays and dates are said the language's way. A text with no translation is said
in Japanese, after one line in the resident's language saying so. Traditional Chinese is
said in Simplified Chinese turned into Traditional characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import yaml

from bot.catalog.item_names import without_cross_reference
from bot.catalog.translations import CATEGORY, NOTICE, TEXT, Translations
from bot.i18n import DATA_DIR, ENGLISH, JAPANESE
from bot.i18n.detect import TRADITIONAL_CHINESE, base_language, to_traditional
from bot.i18n.pivot import phrases


@cache
def _templates() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "replies.yml").read_text(encoding="utf-8"))


def template(key: str, language: str) -> Any:
    """A sentence (or list) of ``replies.yml`` in ``language``; Japanese where it has none."""
    data = _templates()
    entry = data["replies"].get(key) or data["formats"][key]
    return entry.get(base_language(language), entry.get(JAPANESE))


@dataclass(frozen=True)
class Voice:
    """The bot's voice in one language (a code of :data:`bot.i18n.LANGUAGES`, or Traditional
    Chinese), with the catalog's translations."""

    language: str
    translations: Translations
    #: Each item's name in this language, by its Japanese name.
    item_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return base_language(self.language)

    @property
    def foreign(self) -> bool:
        return self.base != JAPANESE

    def say(self, key: str, **fields: Any) -> str:
        return self.finish(template(key, self.base).format(**fields))

    def words(self, key: str) -> list[str]:
        return [self.finish(w) for w in template(key, self.base)]

    def finish(self, text: str) -> str:
        """The text as the resident reads it: Traditional characters for Traditional
        Chinese, except in the Japanese names in brackets (「（拠点回収）」 is what the
        sticker says, not 「（拠點回収）」)."""
        if self.language != TRADITIONAL_CHINESE:
            return text
        return "".join(
            part if _is_japanese_aside(part) else to_traditional(part) for part in _bracketed(text)
        )

    # --- the catalog's names ------------------------------------------------------------

    def quote(self, text: str) -> str:
        return template("quote", self.base).format(text=text)

    def with_japanese(self, local: str | None, japanese: str) -> str:
        """「Burnable waste (燃やすごみ)」; the Japanese alone when there is no translation."""
        if not self.foreign or not local or local == japanese:
            return japanese
        return template("with_japanese", self.base).format(local=local, japanese=japanese)

    def category(self, name: str) -> str:
        """A category's name as this answer says it."""
        local = self.translations.get(CATEGORY, name, "name", self.base, name)
        return self.finish(self.with_japanese(local, name))

    def categories(self, names: list[str], *, quoted: bool = True) -> str:
        """Several categories: 「「燃やすごみ」・「資源プラスチック」」, or unquoted."""
        said = [self.category(n) for n in names]
        return template("and", self.base).join(self.quote(n) if quoted else n for n in said)

    def list(self, names: list[str]) -> str:
        """Names listed the language's way: 「、」, ", "."""
        return template("list", self.base).join(names)

    def item_title(self, name: str) -> str:
        """An item as a button or in a list: 「フライパン」, "Frying pan (フライパン)"."""
        japanese = without_cross_reference(name)
        return self.finish(self.with_japanese(self._local_name(name), japanese))

    def item_name(self, name: str) -> str:
        """An item in a sentence: 「フライパン」 (the Japanese sentence quotes it),
        "“Frying pan” (フライパン)"."""
        japanese = without_cross_reference(name)
        local = self._local_name(name)
        if not self.foreign:
            return japanese
        if not local:
            return self.quote(japanese)
        return self.finish(self.with_japanese(self.quote(local), japanese))

    def _local_name(self, name: str) -> str | None:
        local = self.item_names.get(name) or self.item_names.get(without_cross_reference(name))
        if local and self.base == ENGLISH:
            return local[0].upper() + local[1:]
        return local

    def category_description(self, name: str, japanese: str) -> str:
        return self.text_field(CATEGORY, name, "description", japanese)

    def text(self, key: str, japanese: str) -> str:
        """A ward text's body (greeting, rules, a knowledge entry's answer)."""
        return self.text_field(TEXT, key, "body", japanese)

    def notice_text(self, notice_id: int, japanese: str) -> str:
        """A staff notice's text (お知らせ)."""
        return self.text_field(NOTICE, str(notice_id), "text", japanese)

    def title(self, key: str, japanese: str) -> str:
        if not self.foreign or not japanese:
            return japanese
        return self.finish(
            self.translations.get(TEXT, key, "title", self.base, japanese) or japanese
        )

    def text_field(self, kind: str, key: str, field: str, japanese: str) -> str:
        if not self.foreign or not japanese.strip():
            return japanese
        local = self.translations.get(kind, key, field, self.base, japanese)
        if local is None:
            return f"{self.say('untranslated')}\n{japanese}"
        return self.finish(local)

    def note(self, japanese: str) -> str:
        """An item's notes."""
        if not self.foreign:
            return japanese
        local = self.translations.note(japanese, self.base)
        if local is None:
            return f"{self.say('untranslated')}\n{japanese}"
        return self.finish(local)

    # --- days, dates and places ---------------------------------------------------------

    def weekday_rule(self, weekdays: list[int], nth_weeks: list[int]) -> str:
        """「火曜日・金曜日」, "Tuesday and Friday"; 「第2・第4土曜日」, "the 2nd and 4th
        Saturday of the month"."""
        names = template("weekdays", self.base)
        joiner = template("and", self.base)
        days = joiner.join(names[d] for d in weekdays)
        if not nth_weeks:
            return self.finish(days)
        nth = template("nth", self.base)
        weeks = joiner.join(nth.format(n=n, ordinal=_ordinal(n)) for n in nth_weeks)
        if self.base == JAPANESE:
            weeks = "・".join(nth.format(n=n) for n in nth_weeks)
        return self.finish(template("nth_rule", self.base).format(weeks=weeks, day=days))

    def date(self, day: date) -> str:
        """「12月2日（火）」, "Tuesday, December 2"."""
        fields = {
            "month": day.month,
            "day": day.day,
            "weekday": template("weekdays", self.base)[day.weekday()],
            "weekday_short": template("weekday_short", JAPANESE)[day.weekday()],
            "month_name": (template("month_names", ENGLISH) or [""] * 12)[day.month - 1],
        }
        return self.finish(template("date", self.base).format(**fields))

    def area(self, town: str, chome: list[int], whole_town: bool) -> str:
        """「野方3丁目」, "Nogata 3-chome (野方3丁目)"."""
        numbers = "・".join(str(n) for n in chome)
        japanese = town if whole_town else f"{town}{numbers}丁目"
        if not self.foreign:
            return japanese
        local = self.town(town)
        key = "area_whole_town" if whole_town else "area"
        local_numbers = template("list", self.base).join(str(n) for n in chome)
        return self.finish(
            template(key, self.base).format(town=local, chome=local_numbers, japanese=japanese)
        )

    def town(self, town: str) -> str:
        """A town as residents of this language write it: the first of its names in the
        phrase table (「Nogata」, 「노가타」), or its kanji."""
        variants = [v for v, kanji in phrases(self.base).towns.items() if kanji == town]
        if not variants:
            return town
        if self.base == ENGLISH:
            hyphened = [v for v in variants if "-" in v]
            return (hyphened or variants)[0].title()
        return variants[0]


_OPENING, _CLOSING = "（(", "）)"
_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")


def _bracketed(text: str) -> list[str]:
    """``text`` cut into the parts outside brackets and the bracketed parts (with their
    brackets, nested ones inside)."""
    parts, start, depth = [], 0, 0
    for position, char in enumerate(text):
        if char in _OPENING:
            if depth == 0:
                parts.append(text[start:position])
                start = position
            depth += 1
        elif char in _CLOSING and depth:
            depth -= 1
            if depth == 0:
                parts.append(text[start : position + 1])
                start = position + 1
    parts.append(text[start:])
    return [part for part in parts if part]


def _is_japanese_aside(part: str) -> bool:
    """A bracketed Japanese name: kana in it, or only characters Japanese writes."""
    if part[0] not in _OPENING:
        return False
    if _KANA.search(part):
        return True
    try:
        part.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
