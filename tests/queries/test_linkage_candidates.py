"""The candidate functions are pure: a hand-built Neighbourhood in, candidates out, no store."""

from __future__ import annotations

from koppel.queries.linkage import candidates as kinds
from koppel.queries.linkage import load_weights
from koppel.queries.linkage.reading import Neighbourhood

DOC = ["test-layers#L1"]


def neighbourhood(**changes) -> Neighbourhood:
    """Ghana-like: Dutch aid in place (NLD decides), a requested aviation dossier Ghana wants, visa required."""
    aid = {"key": "aid", "name": "Dutch aid", "name_nl": "Nederlandse hulp", "domain": "development_aid", "status": "in_place", "sources": DOC}
    air = {"key": "air", "name": "Air rights", "domain": "aviation", "status": "requested", "sources": DOC}
    hood = Neighbourhood(
        store=None, country={"key": "GHA", "name": "Ghana", "sources": DOC}, as_of=None, nl="NLD", eu="europese-unie",
        partner_side={"NLD": "netherlands", "europese-unie": "eu"}, nl_in_eu=True,
        dossiers={
            "aid": {"node": aid, "between": [("GHA", {"sources": DOC})], "wants": [], "controls": [("NLD", {"sources": DOC})]},
            "air": {"node": air, "between": [("GHA", {"sources": DOC})], "wants": [("GHA", {"sources": ["test-layers#L2"]})], "controls": [("NLD", {"sources": DOC})]},
        },
        channels={"bilateral": {"nodes": ["aid", "GHA"], "edges": ["aid|BETWEEN|GHA"], "sources": DOC},
                  "eu": {"nodes": ["NLD", "europese-unie"], "edges": ["NLD|MEMBER_OF|europese-unie"], "sources": DOC}},
        visa={"required": True, "requirement": "visa_required", "as_of": "2025-01-01", "sources": ["test-layers#L3"], "edge": "GHA|VISA_REQUIREMENT|NLD"},
    )
    for name, value in changes.items():
        setattr(hood, name, value)
    return hood


def covered(hood: Neighbourhood) -> dict:
    return hood.covered()


def test_a_lever_that_exists_both_ways_appears_both_ways_with_its_own_score_and_risk():
    w = load_weights()
    hood = neighbourhood(fragility=0.8, fragility_factors=["weak_government"])
    found = {c["key"]: c for c in kinds.dossier_candidates(hood, w, covered(hood))}
    assert set(found) == {"aid@positive", "aid@negative", "air@positive", "air@negative"}
    assert (found["aid@positive"]["action"]["en"], found["aid@negative"]["action"]["en"]) == ("expand", "cut")
    assert (found["air@positive"]["action"]["en"], found["air@negative"]["action"]["en"]) == ("offer", "hold back")
    for key in ("aid", "air"):
        offer, pressure = found[f"{key}@positive"], found[f"{key}@negative"]
        assert pressure["factors"]["risk"] > offer["factors"]["risk"] and pressure["score"] < offer["score"]
    assert found["air@positive"]["factors"]["demand"] == w.demand_wants and "test-layers#L2" in found["air@positive"]["sources"]


def test_visa_levers_follow_the_visa_requirement():
    w = load_weights()
    required = neighbourhood()
    keys = {c["key"] for c in kinds.eu_candidates(required, w, covered(required), visa_required=True)}
    assert {f"{kinds.EU_READMISSION}@positive", f"{kinds.EU_VISA_MEASURES}@negative"} <= keys
    free = neighbourhood()
    keys = {c["key"] for c in kinds.eu_candidates(free, w, covered(free), visa_required=False)}
    assert not {k for k in keys if k.startswith((kinds.EU_READMISSION, kinds.EU_VISA_MEASURES))}
    unknown = neighbourhood(visa=None)
    keys = {c["key"] for c in kinds.eu_candidates(unknown, w, covered(unknown), visa_required=None)}
    assert f"{kinds.EU_READMISSION}@positive" in keys and f"{kinds.EU_VISA_MEASURES}@negative" not in keys


def test_the_return_figures_choose_the_channel():
    w = load_weights()

    def points(values, state):
        return [{"year": 2019 + i, "persons": v, "sources": [f"test-layers#L{10 + i}"], "key": f"returns-gha-{state}-{2019 + i}"} for i, v in enumerate(values)]

    dutch_only = neighbourhood(returns={"nl": points([200, 150, 100], "nld"), "europe": points([400, 400, 410], "eu"), "states": {}, "names": {}})
    europe_wide = neighbourhood(returns={"nl": points([200, 150, 100], "nld"), "europe": points([400, 300, 200], "eu"), "states": {}, "names": {}})
    for hood, favoured in ((dutch_only, "bilateral"), (europe_wide, "eu")):
        bilateral, _ = kinds.channel_part(hood, w, "bilateral")
        eu, _ = kinds.channel_part(hood, w, "eu")
        assert (bilateral.value > eu.value) == (favoured == "bilateral")
        assert "test-layers#L10" in (bilateral.sources if favoured == "bilateral" else eu.sources)
