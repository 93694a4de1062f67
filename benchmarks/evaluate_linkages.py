"""Evaluation of the linkage recommendations on a loaded graph: distinctiveness and measured precedents.

Not a test and not a tuning target: evidence for the weights, printed as
markdown for BENCHMARKS.md. Run it on a store holding the seed and the data
layers (``koppel load`` without files loads them all)::

    koppel load --store embedded:/tmp/koppel-full
    python benchmarks/evaluate_linkages.py --store embedded:/tmp/koppel-full

1. **Distinctiveness**: for the countries of the letter's country sections,
   the top-5 candidate sets, their mean pairwise Jaccard overlap (target
   <= 0.3) and how many of each top 5 are specific to the country (target
   >= 3).
2. **Precedents**: for every linkage concerning a country, its date (its own,
   or the event's) and the Dutch return figures of that country's nationals
   before and after that year (Eurostat, persons per year, the linkage's own
   year in neither); where both sides have figures, whether the outcome the
   letter records (the value the precedent factor uses without figures:
   ``weights.outcomes``, >= 0.5 read as "worked") agrees with the measured
   change (a rise beyond ``returns.fall`` read as "worked").
"""

from __future__ import annotations

import argparse
import itertools
import platform
import shlex
import sys
from typing import Any

from koppel.graph.store import open_store
from koppel.queries.linkage import linkages, load_weights

LETTER_COUNTRIES = ("AFG", "GHA", "IND", "IRQ", "SOM", "somaliland", "MAR", "CHN")
"""The country sections of the letter of 25 February 2014 (Afghanistan ... China)."""


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def distinctiveness(store: Any, countries: tuple[str, ...], weights: Any, top: int = 5) -> tuple[list[str], float, list[str]]:
    """Markdown rows per country, the mean pairwise Jaccard of the top sets, and the countries under 3 specific options."""
    tops: dict[str, set[str]] = {}
    rows = ["| country | top-5 candidates (kind, score) | country-specific in top 5 |", "|---|---|---:|"]
    short = []
    for iso3 in countries:
        result = linkages(store, iso3, weights=weights, with_robustness=False)
        best = result["candidates"][:top]
        tops[iso3] = {c["key"] for c in best}
        specific = sum(c["country_specific"] for c in best)
        if specific < 3:
            short.append(iso3)
        listed = "; ".join(f"{c['action']['en']} {c['dossier']['name']} ({c['kind']}, {c['score']:.3f})" for c in best)
        rows.append(f"| {result['name']} ({iso3}) | {listed} | {specific} |")
    pairs = list(itertools.combinations(countries, 2))
    mean = sum(jaccard(tops[a], tops[b]) for a, b in pairs) / len(pairs) if pairs else 0.0
    return rows, mean, short


def precedents(store: Any, weights: Any) -> tuple[list[str], dict[str, int]]:
    """Markdown rows for every dated linkage, and counts (linkages, dated, with figures on both sides, agreeing)."""
    pairs = store.run("MATCH (l:Linkage)-[:CONCERNS]->(c:Country) RETURN DISTINCT c.key AS country ORDER BY country").rows
    rows = ["| linkage | country | date | outcome (letter) | Dutch returns before | after | change | agree |", "|---|---|---|---|---:|---:|---:|---|"]
    counts = {"linkages": 0, "dated": 0, "both_sides": 0, "agree": 0}
    seen: set[tuple[str, str]] = set()
    for (country,) in pairs:
        result = linkages(store, country, weights=weights, with_robustness=False)
        for e in result["existing"]:
            if (e["key"], country) in seen:
                continue
            seen.add((e["key"], country))
            counts["linkages"] += 1
            if not e["date"]:
                continue
            counts["dated"] += 1
            r = e["returns"] or {}
            before, after = r.get("before"), r.get("after")
            change = agree = ""
            if before is not None and after is not None:
                counts["both_sides"] += 1
                pct = None if before == 0 else (after - before) / before
                rose = pct is not None and pct > weights.returns_band
                worked = weights.outcomes.get(e["outcome"] or "unknown", 0.4) >= 0.5
                ok = rose == worked
                counts["agree"] += ok
                change = "n/a" if pct is None else f"{pct * 100:+.1f} %"
                agree = "yes" if ok else "no"
            years = f"{r.get('years_before', 0)} y / {r.get('years_after', 0)} y" if r else "no figures"
            rows.append(
                f"| {e['key']} | {country} | {e['date']} | {e['outcome']} | "
                f"{'' if before is None else before} | {'' if after is None else after} ({years}) | {change} | {agree} |"
            )
    return rows, counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="embedded:PATH or a Neo4j URI of a store with the seed and the data layers")
    parser.add_argument("--weights", help="a weights file (default: queries/weights.yaml)")
    args = parser.parse_args(argv)
    weights = load_weights(args.weights)
    with open_store(args.store, read_only=True) as store:
        rows, mean, short = distinctiveness(store, LETTER_COUNTRIES, weights)
        print("### Distinctiveness of the top 5 (countries of the letter)\n")
        print("\n".join(rows))
        print(f"\nmean pairwise Jaccard of the top-5 sets: **{mean:.3f}** (target <= 0.3)")
        print(f"countries with fewer than 3 country-specific candidates in the top 5: {', '.join(short) or 'none'}\n")
        rows, counts = precedents(store, weights)
        print("### Precedents: Dutch return figures before and after each dated linkage\n")
        print("\n".join(rows))
        print(
            f"\n{counts['linkages']} linkage(s) concerning a country, {counts['dated']} dated, "
            f"{counts['both_sides']} with figures on both sides, {counts['agree']} of those agreeing with the letter's outcome"
        )
    command = "python benchmarks/evaluate_linkages.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    print(f"\ncommand: `{command}`")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}")


if __name__ == "__main__":
    main()
