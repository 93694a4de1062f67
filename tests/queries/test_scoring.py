"""Property tests of the scoring: bounded, deterministic, monotone, and blind to unrelated parts of the graph."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import parse_facts
from koppel.loaders import seed_files
from koppel.queries.linkage import FACTORS, Factors, Weights, linkages, load_weights, precedent_value, robustness, score

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
factors = st.builds(Factors, demand=unit, control=unit, precedent=unit, channel=unit, positive=st.sampled_from([0.0, 1.0]), risk=unit,
                    specific=st.sampled_from([0.0, 1.0]))
DEFAULT = load_weights()


@st.composite
def weightings(draw) -> Weights:
    values = {f: draw(unit) for f in FACTORS}
    if sum(values.values()) == 0:
        values["demand"] = 1.0
    return replace(DEFAULT, factors=values, risk_weight=draw(unit))


@settings(deadline=None)  # timing on a busy machine is not what these test
@given(factors, weightings())
def test_scores_stay_in_the_unit_interval(f, w):
    assert 0.0 <= score(f, w) <= 1.0


@settings(deadline=None)  # timing on a busy machine is not what these test
@given(factors, weightings())
def test_scoring_is_deterministic(f, w):
    assert score(f, w) == score(Factors(**vars(f)), replace(w))


@settings(deadline=None)  # timing on a busy machine is not what these test
@given(factors, st.sampled_from(["demand", "control", "precedent", "channel", "specific"]), unit)
def test_more_of_a_good_factor_never_lowers_the_score(f, name, extra):
    better = replace(f, **{name: min(1.0, getattr(f, name) + extra)})
    assert score(better, DEFAULT) >= score(f, DEFAULT)


@settings(deadline=None)  # timing on a busy machine is not what these test
@given(factors, unit)
def test_more_risk_never_raises_the_score(f, extra):
    assert score(replace(f, risk=min(1.0, f.risk + extra)), DEFAULT) <= score(f, DEFAULT)


@settings(deadline=None)  # timing on a busy machine is not what these test
@given(factors)
def test_with_default_weights_an_offer_beats_the_same_cut(f):
    assert score(replace(f, positive=1.0), DEFAULT) >= score(replace(f, positive=0.0), DEFAULT)


@settings(deadline=None)
@given(st.lists(st.sampled_from(["effective", "partial", "pending", "unknown", "no_result"]), max_size=20))
def test_precedent_values_stay_in_the_unit_interval_and_ignore_order(outcomes):
    value = precedent_value(outcomes, DEFAULT)
    assert 0.0 <= value <= 1.0
    assert value == precedent_value(list(reversed(outcomes)), DEFAULT)
    if not outcomes:
        assert value == DEFAULT.precedent_prior


def _unrelated() -> tuple[list[NodeRecord], list[RelRecord]]:
    """A country far from Iraq with a dossier, an event and a project; no linkage, no shared group or forum."""
    doc = ["test-doc#L1"]
    nodes = [
        NodeRecord("Country", "FJI", {"name": "Fiji", "has_iso_code": True, "sources": doc}),
        NodeRecord("Dossier", "fji-aid", {"name": "Aid to Fiji", "domain": "development_aid", "status": "in_place", "sources": doc}),
        NodeRecord("Event", "fji-visit", {"name": "Visit", "kind": "visit", "date": dt.date(2013, 5, 1), "sources": doc}),
        NodeRecord("Project", "fji-project", {"name": "Project", "status": "funded", "sources": doc}),
    ]
    rels = [
        RelRecord("BETWEEN", "fji-aid", "FJI", "Dossier", "Country", {"sources": doc}),
        RelRecord("BETWEEN", "fji-aid", "NLD", "Dossier", "Country", {"sources": doc}),
        RelRecord("TARGETS", "fji-visit", "FJI", "Event", "Country", {"sources": doc}),
        RelRecord("BENEFITS", "fji-project", "FJI", "Project", "Country", {"sources": doc}),
    ]
    return nodes, rels


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.just(None))
def test_unrelated_parts_of_the_graph_do_not_change_a_country_s_answer(empty_store, _):
    facts = parse_facts(seed_files())
    empty_store.upsert(facts.nodes, facts.relationships)
    before = linkages(empty_store, "IRQ")
    empty_store.upsert(*_unrelated())
    after = linkages(empty_store, "IRQ")
    assert after == before
    assert linkages(empty_store, "FJI")["country"] == "FJI"


@settings(deadline=None)
@given(st.lists(factors, min_size=1, max_size=12), weightings())
def test_robustness_is_a_share_and_three_candidates_hold_the_top_three_in_every_perturbation(ranked, w):
    shares = robustness(ranked, w, samples=50)
    assert len(shares) == len(ranked) and all(0.0 <= s <= 1.0 for s in shares)
    if len(ranked) > 3:
        assert abs(sum(shares) - 3.0) < 0.05  # each perturbation puts exactly three in the top three
    assert shares == robustness(ranked, w, samples=50)  # a fixed seed: the same figures every time


def test_a_clear_leader_is_robust_and_a_clear_laggard_is_not():
    best = Factors(1.0, 1.0, 1.0, 1.0, 1.0, 0.0)
    middle = Factors(0.5, 0.5, 0.5, 0.5, 1.0, 0.0)
    worst = Factors(0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    # equal candidates keep the answer's order (the tie-break), whatever the weights
    assert robustness([best, middle, middle, middle, worst], DEFAULT) == [1.0, 1.0, 1.0, 0.0, 0.0]
    # third place between a wanted dossier nobody controls and an unwanted one the Netherlands controls is a judgment call
    wanted = Factors(1.0, 0.0, 0.5, 0.5, 1.0, 0.0)
    controlled = Factors(0.0, 1.0, 0.5, 0.5, 1.0, 0.0)
    shares = robustness([best, best, wanted, controlled, worst], DEFAULT)
    assert shares[:2] == [1.0, 1.0] and shares[-1] == 0.0
    assert 0.5 < shares[2] < 1.0 and 0.0 < shares[3] < 0.5


@settings(deadline=None)
@given(factors)
def test_with_default_weights_a_generic_instrument_never_beats_the_same_country_specific_option(f):
    assert score(replace(f, specific=1.0), DEFAULT) >= score(replace(f, specific=0.0), DEFAULT)
