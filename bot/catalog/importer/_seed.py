"""The seed the repository ships (``catalog_seed.yml``: the texts and knowledge entries,
each category's order, description and guidance text, the towns' readings), and each
language's translations of it (``<lang>/texts.yml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.importer._files import CatalogFileError, RowError


@dataclass(frozen=True)
class Seed:
    #: Each text's ``title``, ``body`` and, for a knowledge entry, ``examples`` and ``url``.
    texts: dict[str, dict[str, Any]]
    category_guidance: dict[str, str]
    town_readings: dict[str, str]
    #: Each category's ``order`` and ``description``.
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_seed(path: Path) -> Seed:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        seed = Seed(
            raw["texts"],
            raw.get("category_guidance", {}),
            raw.get("town_readings", {}),
            raw.get("categories", {}),
        )
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise CatalogFileError([RowError(path.name, 1, f"not a valid seed file: {exc}")]) from exc
    unknown = set(seed.category_guidance.values()) - set(seed.texts)
    if unknown:
        raise CatalogFileError(
            [RowError(path.name, 1, f"category_guidance names unknown texts: {sorted(unknown)}")]
        )
    return seed


def read_translations(path: Path) -> dict[str, Any]:
    """A language's ``texts.yml``: ``texts``, ``categories`` and ``notes``."""
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogFileError([RowError(path.name, 1, f"not a valid YAML file: {exc}")]) from exc
    return raw
