"""What an import did, counted per kind of row: added, updated, unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        table = getattr(self, outcome)
        table[kind] = table.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        kinds = sorted({*self.added, *self.updated, *self.unchanged})
        return ", ".join(
            f"{kind}: {self.added.get(kind, 0)} added, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        )
