"""Find entities by Dutch or English name or alias, tolerant of accents and small typos.

Names are folded (accents stripped, lower case) and matched with rapidfuzz:
an exact or prefix hit ranks first, then fuzzy matches above a threshold.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from koppel.graph.errors import ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore

SEARCHABLE_LABELS = tuple(SCHEMA.searchable_labels)
"""Labels name search indexes: those ``graph/schema.yaml`` marks ``searchable``."""


def fold(text: str) -> str:
    """Lower case without accents: ``Somalië`` and ``somalie`` fold alike.

    >>> fold("Somalië")
    'somalie'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass
class SearchIndex:
    names: list[str]
    entries: list[dict[str, Any]]

    @classmethod
    def build(cls, store: GraphStore) -> SearchIndex:
        names: list[str] = []
        entries: list[dict[str, Any]] = []
        for label in SEARCHABLE_LABELS:
            rows = store.run(
                f"MATCH (n:{label}) RETURN n.key AS key, n.name AS name, n.name_nl AS name_nl, n.name_en AS name_en, n.aliases AS aliases"
            ).records()
            for row in rows:
                entry = {"key": row["key"], "label": label, "name": row["name"], "name_en": row["name_en"]}
                for name in {row["key"], row["name"], row["name_nl"], row["name_en"], *(row["aliases"] or [])}:
                    if name:
                        names.append(fold(name))
                        entries.append({**entry, "matched": name})
        return cls(names, entries)

    def search(self, text: str, *, limit: int = 20, cutoff: float = 75) -> list[dict[str, Any]]:
        query = fold(text)
        if not query:
            raise ValidationError("search text is empty")
        if len(query) > 200:
            raise ValidationError("search text is longer than 200 characters")
        best: dict[str, dict[str, Any]] = {}
        for name, entry in zip(self.names, self.entries, strict=True):
            if name == query:
                score = 100.0
            elif name.startswith(query) or f" {query}" in f" {name}":
                score = 95.0 - min(len(name) - len(query), 20) * 0.1
            else:
                continue
            _keep(best, entry, score)
        for name, score, index in process.extract(query, self.names, scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=cutoff):
            _keep(best, self.entries[index], min(float(score), 94.0))
        ranked = sorted(best.values(), key=lambda e: (-e["score"], e["label"] != "Country", e["name"] or ""))
        return ranked[:limit]


def _keep(best: dict[str, dict[str, Any]], entry: dict[str, Any], score: float) -> None:
    current = best.get(entry["key"])
    if current is None or score > current["score"]:
        best[entry["key"]] = {**entry, "score": round(score, 1)}


def search(store: GraphStore, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Entities whose name or alias matches ``text``, best first."""
    return SearchIndex.build(store).search(text, limit=limit)
