"""Precision and recall of the treaty extractors against a hand-annotated sample.

The sample (``tests/loaders/treaty_sample.yaml``) maps BWB ids to the values a
reader found in the text: parties, domain, instrument, signed_on,
signed_place, amends, not_in_force. :func:`evaluate` runs the extractors on
those texts and counts, per field, the values given (``predicted``), the
values right among them (``correct``) and the values in the annotation
(``expected``): precision = correct / predicted, recall = correct / expected.
Only candidates at or above ``min_confidence`` count, so the figures describe
what ``--accept-all-above`` would accept. ``wrong`` lists every wrong value;
``missed`` every annotated value not given at that confidence (with the
extractor's confidence for it when it gave one below the bar, and the reason it
recorded when it left the value out), so that misses can be read by kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from koppel.loaders.documents import document_path, read_document

from .countries import plain
from .treaties import extract

FIELDS = ("parties", "domain", "instrument", "signed_on", "signed_place", "amends", "not_in_force")


def _predicted(candidates: Iterable[Any], min_confidence: float, below: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"parties": set(), "amends": False, "not_in_force": False}
    for c in candidates:
        if c.confidence < min_confidence:
            if below is not None:
                key = c.value["key"] if c.field == "party" else c.field
                below[key] = c.confidence
            continue
        if c.field == "party":
            out["parties"].add(c.value["key"])
        elif c.field == "agreement" and c.value.get("instrument"):
            out["instrument"] = c.value["instrument"]
        elif c.field == "domain":
            out["domain"] = c.value
        elif c.field == "signed_on":
            out["signed_on"] = c.value["date"]
        elif c.field == "signed_place":
            out["signed_place"] = c.value
        elif c.field == "amends":
            out["amends"] = True
        elif c.field == "not_in_force":
            out["not_in_force"] = True
    return out


def evaluate(sample: Path, sources: Path, *, min_confidence: float = 0.9) -> dict[str, Any]:
    """Per field ``{predicted, correct, expected, precision, recall}``, and lists of ``wrong`` and ``missed`` values."""
    annotations = yaml.safe_load(Path(sample).read_text(encoding="utf-8"))
    counts = {f: {"predicted": 0, "correct": 0, "expected": 0} for f in FIELDS}
    wrong: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    for doc_id, gold in sorted(annotations.items()):
        extraction = extract(read_document(document_path(sources, doc_id)))
        below: dict[str, Any] = {}
        got = _predicted(extraction.candidates, min_confidence, below)
        reasons = {issue["field"]: issue["reason"] for issue in extraction.issues}

        def miss(name: str, expected: Any, key: str | None = None) -> None:
            row = {"document": doc_id, "field": name, "expected": expected}
            if (key or name) in below:
                row["confidence"] = below[key or name]
            reason = reasons.get("party" if name == "parties" else name)
            if reason:
                row["reason"] = reason
            missed.append(row)

        # parties: set comparison, item by item
        gold_parties = set(gold["parties"])
        counts["parties"]["expected"] += len(gold_parties)
        counts["parties"]["predicted"] += len(got["parties"])
        counts["parties"]["correct"] += len(got["parties"] & gold_parties)
        for extra in sorted(got["parties"] - gold_parties):
            wrong.append({"document": doc_id, "field": "parties", "got": extra, "expected": sorted(gold_parties)})
        for absent in sorted(gold_parties - got["parties"]):
            if not absent.startswith("other:"):
                miss("parties", absent, absent)
        for name in ("domain", "instrument", "signed_on", "signed_place"):
            expected = gold.get(name)
            if isinstance(expected, dt.date):
                expected = expected.isoformat()
            value = got.get(name)
            present = expected not in (None, [])
            counts[name]["expected"] += int(present)
            if value is None:
                if present:
                    miss(name, expected)
                continue
            counts[name]["predicted"] += 1
            if name == "signed_place":
                right = plain(value) in {plain(v) for v in expected or []}
            else:
                right = value == expected
            counts[name]["correct"] += int(right)
            if not right:
                wrong.append({"document": doc_id, "field": name, "got": value, "expected": expected})
        for name in ("amends", "not_in_force"):
            expected, value = bool(gold.get(name)), bool(got.get(name))
            counts[name]["expected"] += int(expected)
            counts[name]["predicted"] += int(value)
            counts[name]["correct"] += int(expected and value)
            if expected and not value:
                miss(name, expected)
            if value and not expected:
                wrong.append({"document": doc_id, "field": name, "got": value, "expected": expected})
    for c in counts.values():
        c["precision"] = round(c["correct"] / c["predicted"], 3) if c["predicted"] else None
        c["recall"] = round(c["correct"] / c["expected"], 3) if c["expected"] else None
    return {"treaties": len(annotations), "min_confidence": min_confidence, "fields": counts, "wrong": wrong, "missed": missed}
