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
2. **Precedents**: every Linkage, with its date (its own, or the event's)
   and the Dutch return figures of its country's nationals before and after
   that year (Eurostat, persons per year, the linkage's own year in neither);
   where both sides have figures, whether the outcome the letter records (the
   value the precedent factor uses without figures: ``weights.outcomes``,
   >= 0.5 read as "worked") agrees with the measured change (a rise beyond
   ``returns.fall`` read as "worked"); otherwise why it is left out (no single
   country, undated, no year before or after). Then the linkage-like facts
   dated after the first return year (agreements signed, events), and why
   none of them is a linkage that could be checked instead.
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


FIRST_RETURN_YEAR_QUERY = "MATCH (o:ReturnObservation) RETURN min(o.year) AS first, max(o.year) AS last"
LINKAGES_QUERY = (
    "MATCH (l:Linkage) OPTIONAL MATCH (l)-[:CONCERNS]->(c:Country) "
    "RETURN l.key AS linkage, l.outcome AS outcome, collect(c.key) AS countries ORDER BY linkage"
)
# Facts dated after the return series begins that look like linkages (an agreement signed, an event), for the
# question whether any could stand in for a dated linkage: printed with the reason each is not one.
LATER_AGREEMENTS_QUERY = (
    "MATCH (a:Agreement) WHERE a.date_signed > date($day) "
    "RETURN a.key AS key, a.name_en AS name, a.domain AS domain, a.agreement_type AS type, a.date_signed AS date ORDER BY date, key"
)
LATER_EVENTS_QUERY = "MATCH (e:Event) WHERE e.date > date($day) RETURN e.key AS key, e.name_en AS name, e.kind AS kind, e.date AS date ORDER BY date, key"
LATER_LINKAGES_QUERY = "MATCH (l:Linkage) WHERE l.date > date($day) RETURN l.key AS key ORDER BY key"


def precedents(store: Any, weights: Any) -> tuple[list[str], dict[str, int], list[str]]:
    """For every Linkage: its date and the Dutch return figures of its country's nationals before and after, or why it is left out.

    Returns markdown rows (one per linkage and country), the counts (linkages
    examined, left out per reason, compared, agreeing) and lines on the
    linkage-like facts dated after the first return year (agreements, events)
    with why none of them is a linkage the precedent factor could be checked on.
    """
    first, last = store.run(FIRST_RETURN_YEAR_QUERY).rows[0]
    rows = ["| linkage | country | date | outcome (letter) | Dutch returns before | after | change | agree / left out because |",
            "|---|---|---|---|---:|---:|---:|---|"]
    counts = {"linkages": 0, "no_country": 0, "undated": 0, "no_year_before": 0, "no_year_after": 0, "both_sides": 0, "agree": 0}
    answers: dict[str, dict[str, Any]] = {}
    for linkage, outcome, countries in store.run(LINKAGES_QUERY).rows:
        counts["linkages"] += 1
        if not countries:
            counts["no_country"] += 1
            rows.append(f"| {linkage} | — | — | {outcome} | | | | left out: concerns a group of countries, no single country's return series |")
            continue
        verdicts = []
        for country in sorted(countries):
            if country not in answers:
                answers[country] = linkages(store, country, weights=weights, with_robustness=False)
            e = next(x for x in answers[country]["existing"] if x["key"] == linkage)
            r = e["returns"] or {}
            before, after = r.get("before"), r.get("after")
            change = note = ""
            if not e["date"]:
                verdict = "undated"
                note = "left out: undated (no date of its own, no dated event about what it links)"
            elif before is None:
                verdict = "no_year_before"
                note = f"left out: no Dutch figure for a year before {e['date'][:4]} (the return series runs {first}-{last})"
            elif after is None:
                verdict = "no_year_after"
                note = f"left out: no Dutch figure for a year after {e['date'][:4]}"
            else:
                verdict = "both_sides"
                pct = None if before == 0 else (after - before) / before
                rose = pct is not None and pct > weights.returns_band
                worked = weights.outcomes.get(outcome or "unknown", 0.4) >= 0.5
                counts["agree"] += rose == worked
                change = "n/a" if pct is None else f"{pct * 100:+.1f} %"
                note = "agrees" if rose == worked else "disagrees"
            verdicts.append(verdict)
            years = f" ({r.get('years_before', 0)} y / {r.get('years_after', 0)} y)" if r else ""
            rows.append(
                f"| {linkage} | {country} | {e['date'] or '—'} | {outcome} | "
                f"{'' if before is None else before} | {'' if after is None else after}{years} | {change} | {note} |"
            )
        # a linkage counts once, by its best case (compared if any of its countries could be)
        order = ("both_sides", "no_year_after", "no_year_before", "undated")
        counts[min(verdicts, key=order.index)] += 1
    day = f"{first}-12-31"
    later = [f"Linkage-like facts dated after {day} (the first return year {first} is the only possible 'before'):"]
    dated_links = store.run(LATER_LINKAGES_QUERY, {"day": day}).rows
    later.append(f"- linkages dated after {day}: {len(dated_links)}")
    agreements = store.run(LATER_AGREEMENTS_QUERY, {"day": day}).records()
    by_domain: dict[str, int] = {}
    for a in agreements:
        by_domain[a["domain"] or "none"] = by_domain.get(a["domain"] or "none", 0) + 1
    listed = ", ".join(f"{d} {n}" for d, n in sorted(by_domain.items()))
    later.append(f"- agreements signed after {day}: {len(agreements)} ({listed or 'none'}); left out: no source ties any of them to return "
                 "cooperation, so none is a linkage, and the precedent factor never reads them")
    for a in agreements:
        if a["domain"] in ("readmission", "visa"):
            later.append(f"  - {a['key']} ({a['date']}, {a['domain']}): {a['name']} — the return cooperation itself, not a dossier tied to it")
    events = store.run(LATER_EVENTS_QUERY, {"day": day}).records()
    later.append(f"- events dated after {day}: {len(events)}" + (": " + "; ".join(f"{e['key']} ({e['date']}, {e['kind']})" for e in events) if events else ""))
    return rows, counts, later


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
        rows, counts, later = precedents(store, weights)
        print("### Precedents: Dutch return figures before and after each linkage\n")
        print("\n".join(rows))
        print(
            f"\n{counts['linkages']} linkage(s) examined: {counts['no_country']} concern no single country, "
            f"{counts['undated']} undated, {counts['no_year_before']} dated but without a return figure for a year before their own, "
            f"{counts['no_year_after']} without a year after; {counts['both_sides']} with Dutch figures on both sides, "
            f"{counts['agree']} of those agreeing with the letter's outcome"
        )
        if not counts["both_sides"]:
            print("no linkage can be checked against the return figures: the precedent factor rests on the letter's outcomes alone")
        print()
        print("\n".join(later))
    command = "python benchmarks/evaluate_linkages.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    print(f"\ncommand: `{command}`")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}")


if __name__ == "__main__":
    main()
