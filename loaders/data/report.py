"""What a data-layer loader read, made and skipped, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Skipped:
    """Rows left out for one source label, with the reason and their lines."""

    name: str
    reason: str
    lines: list[int] = field(default_factory=list)


@dataclass
class LayerReport:
    """One dataset's load: rows read, facts made, and every skipped label by name with its reason and lines."""

    dataset: str
    rows: int = 0
    nodes: int = 0
    relationships: int = 0
    skipped: dict[str, Skipped] = field(default_factory=dict)

    def skip(self, name: str, reason: str, line: int) -> None:
        self.skipped.setdefault(name, Skipped(name, reason)).lines.append(line)

    @property
    def rows_skipped(self) -> int:
        return sum(len(s.lines) for s in self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "rows_skipped": self.rows_skipped,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "skipped": [{"name": s.name, "reason": s.reason, "rows": len(s.lines), "first_line": s.lines[0]} for s in self.skipped.values()],
        }

    def lines(self) -> list[str]:
        """One line per skipped label, for people."""
        return [
            f"{self.dataset}: skipped {len(s.lines)} row(s) of {s.name!r} ({s.reason}; first at line {s.lines[0]})"
            for s in self.skipped.values()
        ]
