"""Linkage recommendations: which dossiers could still be tied to a country's return cooperation, why, and how firmly.

:func:`linkages` reads one country's neighbourhood (:mod:`.reading`), builds
the candidates of each kind (:mod:`.candidates`, one function per kind),
scores them (:mod:`.scoring`, weights from :mod:`.weights`) and explains them
in English and Dutch (:mod:`.sentences`).

The answer (a JSON-ready dict, keys in this order)
--------------------------------------------------
* ``warnings``: what the graph lacks to judge the country well, first:
  ``[{"en": str, "nl": str}]`` (e.g. no fragility recorded, so risk counted
  as 0). ``missing`` repeats their English text (for older readers).
* ``country``, ``name``, ``as_of`` (ISO date or None), ``assessment``
  (``{level, trend, as_of, sources}`` of the latest assessment, or None).
* ``existing``: one row per Linkage concerning the country:
  ``{key, name, dossier (the first target), targets: [{key, name, domain,
  label}], direction, status, outcome, channel, date (ISO; the linkage's
  own, else the date of the first dated event about what it links), date_basis ({en, nl} or None), date_sources,
  returns (None, or the Dutch return figures of the country's nationals
  around that date: ``{reported_by, series: [{year, persons, sources}],
  before, after, years_before, years_after}``, means in persons per year,
  the linkage's own year in neither), sources}``.
* ``candidates``: ranked, each ``{key ("<target>@<direction>"), kind
  (dossier, treaty, eu_instrument, forum, coalition, generic),
  country_specific (bool), dossier ({key, name, domain, label}), direction
  (positive | negative), action ({en, nl}: offer, expand, cut, hold back,
  apply, ...), channel (bilateral | eu | forum | coalition), score (0..1),
  why ({en, nl}: one plain sentence), sources (the union of the reasons'
  locators), precedents (how many earlier cases the precedent factor rests
  on), factors ({demand, control, precedent, channel, positive, risk}),
  reasons ([{factor, weight, value, text, text_nl, path {nodes, edges},
  sources}] in the order of ``factors``), robustness (share of ±20 % weight
  perturbations keeping it in the top 3; None unless ``with_robustness``),
  inferred (None, or ``{en, nl}``: the basis when a factor rests on koppel's
  inference rather than a stated fact, e.g. a territory without an ISO code
  whose nationals the return figures and the visa list count under the state
  it broke away from; the ``why`` sentence says so too)}``.
* ``missing``: the English text of ``warnings``.

Candidates
----------
* **dossiers** held with the country (or its government) that we decide on
  (the Netherlands or the EU ``CONTROLS`` them) and that are not linked yet,
  in every direction that exists: a dossier in place can be expanded or cut,
  one the country asked for granted or held back, an open offer granted.
  What we ask ourselves (return, readmission, reception of minors, the
  return message) is never a candidate.
* **EU instruments**: a readmission agreement with visa facilitation, EU
  visa measures (the pressure side; only for nationalities that need a visa)
  and a mobility partnership, when no agreement of that type exists.
* **forums** the Netherlands shares with the country, not yet used.
* **coalitions** of like-minded states with the same return problem.
* **generic instruments** of the letter, when the country has nothing of
  their domain; the only kind not specific to the country.

Score (:func:`score`)::

    base  = sum(w_f * f for f in demand, control, precedent, channel, positive) / sum(w_f)
    score = base * (1 - w_risk * risk)

demand (1.0 the country asked for it, 0.6 held with it and open, else a
prior per domain), control (1.0 the Netherlands decides, 0.6 the EU, 0.3
nobody recorded), precedent (outcomes of the same kind of linkage elsewhere,
shrunk toward 0.5: ``(sum + 0.5) / (n + 1)``), channel (1.0 open, 0.6 EU not
yet used, 0.3 closed, plus 0.25 x other open channels / 4), positive (1 an
offer, 0 pressure: the letter's preference is a weight, not a filter), risk
(an offer: a quarter of the fragility; pressure: the fragility or 0.15 per
other Dutch dossier, whichever is higher).

Order (the tie-break, documented): score, highest first; then
country-specific before generic; then higher demand; then offers before
pressure; then lower risk; then the target's name; then the key.

``as_of``: facts whose ``valid_from`` (or ``date``, ``as_of``,
``date_signed``) is after that day, or whose ``valid_to`` is before it, are
ignored, so no score depends on a later fact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from koppel.graph.store import GraphStore
from koppel.queries.linkage import candidates as kinds
from koppel.queries.linkage import sentences as say
from koppel.queries.linkage.candidates import ASK_DOMAINS, EU_MOBILITY, EU_READMISSION, EU_VISA_MEASURES, KINDS, Reason
from koppel.queries.linkage.reading import PRECEDENT_TTL, Neighbourhood, brief, read, sources_of
from koppel.queries.linkage.scoring import Factors, precedent_value, robustness, score
from koppel.queries.linkage.sentences import Text
from koppel.queries.linkage.weights import FACTORS, Weights, load_weights
from koppel.queries.returns import before_after

__all__ = [
    "ASK_DOMAINS", "EU_MOBILITY", "EU_READMISSION", "EU_VISA_MEASURES", "FACTORS", "KINDS", "PRECEDENT_TTL",
    "Factors", "Reason", "Weights", "linkages", "load_weights", "precedent_value", "robustness", "score",
]


def linkages(store: GraphStore, iso3: str, *, as_of: dt.date | None = None, weights: Weights | None = None,
             with_robustness: bool = False, known_by: dt.date | None = None) -> dict[str, Any]:
    """Warnings, existing linkages and ranked, explained candidates for one country (shape in the module docstring).

    ``iso3``: an ISO 3166-1 alpha-3 code (any case) or a slug such as
    ``somaliland``. ``as_of``: judge with the facts valid on that day only.
    ``known_by``: only with what sources dated by then stated (one rule with the
    profile and the graph views: :class:`koppel.graph.validity.Timeline`).
    ``weights``: from :func:`load_weights` (default: ``queries/weights.yaml``).
    ``with_robustness``: compute each candidate's robustness (200 re-scorings
    of every candidate that can reach the top 3; it costs more than the rest
    of the answer on a large graph, so it is computed on request only, and
    left None otherwise). Raises :class:`~koppel.graph.errors.NotFound`
    when no Country has that key.
    """
    w = weights or load_weights()
    hood = read(store, iso3, as_of, w, known_by)
    covered = hood.covered()
    found: list[dict[str, Any]] = []
    if hood.is_origin_country():
        found += kinds.dossier_candidates(hood, w, covered)
        found += kinds.treaty_candidates(hood, w, covered)
        found += kinds.eu_candidates(hood, w, covered, visa_required=hood.visa["required"] if hood.visa else None)
        found += kinds.forum_candidates(hood, w, covered)
        found += kinds.coalition_candidates(hood, w, covered)
        if not any(c["kind"] == "coalition" for c in found):
            found += kinds.return_coalition_candidates(hood, w, covered)
        found += kinds.generic_candidates(hood, w, covered)
    found.sort(key=_order)
    factors = [c.pop("_factors") for c in found]
    if with_robustness:
        for c, share in zip(found, robustness(factors, w), strict=True):
            c["robustness"] = share
    warnings = _warnings(hood, found)
    latest = hood.assessments[-1] if hood.assessments else None
    return {
        "warnings": [t.as_dict() for t in warnings],
        "country": hood.key,
        "name": say.name_of(hood.country),
        "as_of": as_of.isoformat() if as_of else None,
        "known_by": known_by.isoformat() if known_by else None,
        "assessment": (
            {"level": latest["level"], "trend": latest["trend"], "as_of": latest.get("as_of"), "sources": sources_of(latest)}
            if latest else None
        ),
        "existing": _existing(hood, w),
        "candidates": found,
        "missing": [t.en for t in warnings],
    }


def _order(c: dict[str, Any]) -> tuple[Any, ...]:
    """The documented ranking: score, country-specific first, demand, offers first, lower risk, name, key."""
    f: Factors = c["_factors"]
    return (-c["score"], not c["country_specific"], -round(f.demand, 4), c["direction"] != "positive",
            round(f.risk, 4), (c["dossier"].get("name") or "").casefold(), c["key"])


def _existing(hood: Neighbourhood, w: Weights) -> list[dict[str, Any]]:
    out = []
    nl_points = hood.returns.get("nl", []) if hood.returns and not hood.returns.get("inferred") else []  # another state's figures: not shown as the country's
    for row in hood.existing:
        link = row["linkage"]
        targets = [brief(t["node"], t["label"]) for t in row["targets"]]
        dated = row["dated"]
        returns = None
        if dated and nl_points:
            around = before_after(nl_points, dated["date"][:10])
            returns = {
                "reported_by": hood.nl,
                "series": [{"year": p["year"], "persons": p["persons"], "sources": p["sources"]} for p in nl_points],
                "before": around["mean_before"],
                "after": around["mean_after"],
                "years_before": around["years_before"],
                "years_after": around["years_after"],
            }
        out.append({
            "key": link["key"],
            "name": say.name_of(link),
            "dossier": targets[0],
            "targets": targets,
            "direction": link.get("direction"),
            "status": link.get("status"),
            "outcome": link.get("outcome"),
            "channel": link.get("channel"),
            "date": dated["date"] if dated else None,
            "date_basis": (
                None if not dated else {"en": "the linkage's own date", "nl": "de datum van de koppeling"} if dated["basis"] == "linkage"
                else {"en": f"the date of {say.name_of(dated['event'])}", "nl": f"de datum van {say.name_of(dated['event'], 'nl')}"}
            ),
            "date_sources": dated["sources"] if dated else [],
            "undated": not dated,
            "first_reported": hood.timeline.first_reported(link) if hood.timeline and not dated else None,
            "returns": returns,
            "sources": sources_of(link, *(t["rel"] for t in row["targets"])),
        })
    return out


def _warnings(hood: Neighbourhood, found: list[dict[str, Any]]) -> list[Text]:
    """What is missing, most consequential first (fragility, since it silently zeroes risk)."""
    name = say.names(hood.country)
    out: list[Text] = []
    origin = hood.is_origin_country()
    if origin and not hood.fragility_factors:
        out.append(Text(f"No fragility recorded for {name.en}: risk is counted as 0, so pressure looks safer than it may be.",
                        f"Geen kwetsbaarheid vastgelegd voor {name.nl}: het risico telt als 0, dus druk lijkt veiliger dan hij misschien is."))
    basis = kinds.inferred_basis(hood)
    if basis and ((hood.visa or {}).get("inferred") or (hood.returns or {}).get("inferred")):
        parent = say.names(hood.counted_under["parent"])
        out.append(Text(f"Data of {parent.en} are used for {name.en} ({basis.en}).",
                        f"Gegevens van {parent.nl} worden gebruikt voor {name.nl} ({basis.nl})."))
    if not hood.assessments:
        out.append(Text(f"No assessment of {name.en}'s cooperation on return.", f"Geen beoordeling van de terugkeersamenwerking van {name.nl}."))
    if not hood.dossiers:
        out.append(Text(f"No dossiers recorded between {name.en} and the Netherlands or the EU.",
                        f"Geen dossiers vastgelegd tussen {name.nl} en Nederland of de EU."))
    if not origin:
        out.append(Text(f"Nothing marks {name.en} as a country of origin with return problems (no assessment, dossier or linkage), so no linkage is recommended.",
                        f"Niets wijst {name.nl} aan als herkomstland met terugkeerproblemen (geen beoordeling, dossier of koppeling), dus geen koppeling aanbevolen."))
        return out
    if "forum" not in hood.channels:
        out.append(Text(f"No forum or dialogue recorded that the Netherlands and {name.en} share.",
                        f"Geen forum of dialoog vastgelegd waar Nederland en {name.nl} beide aan deelnemen."))
    if not hood.like_minded:
        out.append(Text(f"No like-minded states recorded with the same return problem with {name.en}.",
                        f"Geen gelijkgezinde landen vastgelegd met hetzelfde terugkeerprobleem met {name.nl}."))
    for entry in hood.dossiers.values():
        if not entry["controls"] and entry["node"].get("domain") not in ASK_DOMAINS:
            d = say.names(entry["node"])
            out.append(Text(f"Nobody is recorded as deciding on the dossier {d.en}.", f"Niet vastgelegd wie beslist over het dossier {d.nl}."))
    if not found:
        out.append(Text(f"No candidate left for {name.en}: every known instrument is already linked or not ours to offer.",
                        f"Geen kandidaat over voor {name.nl}: elk bekend instrument is al gekoppeld of niet aan ons om aan te bieden."))
    return out
