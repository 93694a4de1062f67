"""Search quality on a fixed test set of 130 queries (tests/data/search_queries.yaml), on both stores.

At the default cut-off, a returned result is *right* when it is one of the
query's expected keys, or when the name it matched holds every word of the
query, whole (a literal hit such as "Terugkeerboodschap aan Irak" for "Irak");
anything else, and any result for a negative query, is *wrong*.

* precision = right results / all results returned;
* recall = expected keys returned / expected keys;
* top-1 = queries with expected keys whose first result is one of them.

``python -m pytest tests/queries/test_search_quality.py -s`` prints the figures
per kind (BENCHMARKS.md quotes them).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from koppel.queries.search import DEFAULT_CUTOFF, SearchIndex, fold

QUERIES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]


def right(query: str, expect: list[str], hit: dict[str, Any]) -> bool:
    if hit["key"] in expect:
        return True
    if not expect:
        return False
    return f" {fold(query)} " in f" {fold(hit['matched'])} "


def evaluate(index: SearchIndex) -> dict[str, dict[str, float]]:
    """Precision, recall and top-1 per kind and overall, at the default cut-off and limit."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    for item in QUERIES:
        hits = index.search(item["q"])
        for bucket in (counts[item["kind"]], counts["all"]):
            bucket["queries"] += 1
            bucket["returned"] += len(hits)
            bucket["right"] += sum(right(item["q"], item["expect"], h) for h in hits)
            bucket["expected"] += len(item["expect"])
            bucket["found"] += len(set(item["expect"]) & {h["key"] for h in hits})
            if item["expect"]:
                bucket["with_expectation"] += 1
                bucket["top1"] += bool(hits) and hits[0]["key"] in item["expect"]
        wrong = [h["key"] for h in hits if not right(item["q"], item["expect"], h)]
        lost = set(item["expect"]) - {h["key"] for h in hits}
        if wrong or lost:
            misses.append(f"{item['q']!r}: wrong {wrong}, missed {sorted(lost)}")
    figures = {
        kind: {
            "queries": c["queries"],
            "precision": c["right"] / c["returned"] if c["returned"] else 1.0,
            "recall": c["found"] / c["expected"] if c["expected"] else 1.0,
            "top1": c["top1"] / c["with_expectation"] if c["with_expectation"] else 1.0,
        }
        for kind, c in counts.items()
    }
    figures["misses"] = misses  # type: ignore[assignment]
    return figures


def test_the_set_is_large_and_varied() -> None:
    kinds = {item["kind"] for item in QUERIES}
    assert len(QUERIES) >= 100
    assert kinds >= {"name", "english", "alias", "short", "typo", "translit", "former", "negative"}


def test_expected_keys_exist(seeded_store) -> None:
    index = SearchIndex.build(seeded_store)
    known = {e["key"] for e in index.entries}
    assert [k for item in QUERIES for k in item["expect"] if k not in known] == []


def test_precision_and_recall_at_the_default_cutoff(seeded_store) -> None:
    figures = evaluate(SearchIndex.build(seeded_store))
    overall = figures["all"]
    print(f"\ncut-off {DEFAULT_CUTOFF}:")
    for kind, f in sorted(figures.items()):
        if kind != "misses":
            print(f"  {kind:9} {f['queries']:4} queries  precision {f['precision']:.3f}  recall {f['recall']:.3f}  top-1 {f['top1']:.3f}")
    for miss in figures["misses"]:
        print("  ", miss)
    assert overall["precision"] >= 0.95 and overall["recall"] >= 0.95 and overall["top1"] >= 0.95, figures["misses"]
    assert figures["negative"]["queries"] > 0 and figures["negative"]["precision"] == 1.0


@pytest.mark.parametrize(
    ("query", "first"),
    [("Turkey", "TUR"), ("Türkiye", "TUR"), ("Holland", "NLD"), ("OS", "ontwikkelingssamenwerking"), ("Afganistan", "AFG")],
)
def test_reported_cases_rank_the_right_entity_first(seeded_store, query: str, first: str) -> None:
    assert SearchIndex.build(seeded_store).search(query)[0]["key"] == first


@pytest.mark.parametrize("query", ["kosovo", "Republic of Guinea", "Nigeria", "os budget planning", "bosnia"])
def test_a_short_alias_never_matches_inside_a_word_and_lookalikes_do_not_match(seeded_store, query: str) -> None:
    keys = [h["key"] for h in SearchIndex.build(seeded_store).search(query)]
    assert "ontwikkelingssamenwerking" not in keys and "GHA" not in keys and "DZA" not in keys and "IND" not in keys


def test_letters_outside_latin_1_fold() -> None:
    assert fold("Søderkøping") == "soderkoping"
    assert [fold(c) for c in "øłđæœı"] == ["o", "l", "d", "ae", "oe", "i"]
    assert fold("Côte d’Ivoire") == "cote d ivoire"


def test_empty_and_long_queries_are_refused(seeded_store) -> None:
    from koppel.graph.errors import ValidationError

    index = SearchIndex.build(seeded_store)
    with pytest.raises(ValidationError, match="empty"):
        index.search(" -–- ")
    with pytest.raises(ValidationError, match="longer than 200"):
        index.search("a" * 201)
