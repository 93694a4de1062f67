"""The pure scoring of a candidate: factor values in, a score in [0, 1] out; no store, no I/O.

Formula (weights from :mod:`koppel.queries.linkage.weights`)::

    base  = sum(w_f * f for f in demand, control, precedent, channel, positive, specific) / sum(w_f)
    score = base * (1 - w_risk * risk)

:func:`robustness` tells how often a candidate stays in the top 3 when every
weight moves by up to ±20 %.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from koppel.queries.linkage.weights import FACTORS, Weights

ROBUSTNESS_SAMPLES = 200
"""Random weightings drawn for :func:`robustness` (a fixed seed: the same answer every time)."""
ROBUSTNESS_SPREAD = 0.2
"""How far each weight moves in a perturbation: a factor of uniform(1 - spread, 1 + spread)."""
ROBUSTNESS_TOP = 3
"""The rank a candidate must keep (or beat) to count as stable in a perturbation."""


@dataclass(frozen=True)
class Factors:
    """The factor values of one candidate, each in [0, 1]."""

    demand: float
    control: float
    precedent: float
    channel: float
    positive: float
    risk: float
    specific: float = 1.0
    """1 for a candidate from the country's own landscape, 0 for one of the letter's generic instruments."""


def score(factors: Factors, weights: Weights) -> float:
    """The candidate's score in [0, 1] (the formula of the module docstring), rounded to 4 places."""
    total = math.fsum(weights.factors.values())
    base = math.fsum(weights.factors[f] * _unit(getattr(factors, f)) for f in FACTORS) / total
    value = base * (1.0 - weights.risk_weight * _unit(factors.risk))
    return round(min(1.0, max(0.0, value)), 4)


def precedent_value(outcomes: Iterable[str], weights: Weights) -> float:
    """Mean value of the outcomes, shrunk toward the prior by its pseudo-count."""
    values = [weights.outcomes.get(o, weights.outcomes.get("unknown", 0.4)) for o in outcomes]
    k = weights.precedent_pseudo_count
    return (math.fsum(values) + weights.precedent_prior * k) / (len(values) + k)


def robustness(ranked: Sequence[Factors], weights: Weights, *, samples: int = ROBUSTNESS_SAMPLES,
               spread: float = ROBUSTNESS_SPREAD, top: int = ROBUSTNESS_TOP, seed: int = 0) -> list[float]:
    """For each candidate of ``ranked`` (already in answer order), the share of perturbed weightings keeping it in the top ``top``.

    Each of ``samples`` weightings multiplies every factor weight and the risk
    weight by its own uniform(1 - spread, 1 + spread) draw (a seeded generator,
    so the figures are reproducible); the candidates are re-scored and
    re-ranked, ties keeping the answer's order. Returns shares in [0, 1], one
    per candidate, rounded to 2 places; an empty list for no candidates.
    """
    n = len(ranked)
    if n == 0:
        return []
    if n <= top:
        return [1.0] * n
    rng = random.Random(seed)
    rows = [([_unit(getattr(f, name)) for name in FACTORS], _unit(f.risk)) for f in ranked]
    base_w = [weights.factors[name] for name in FACTORS]
    lo, hi = 1 - spread, 1 + spread
    # Bounds of each score over the whole box of perturbed weights: a candidate whose best case is
    # below the third-best worst case never reaches the top, and is left out of the re-ranking.
    total = sum(base_w) or 1.0
    upper = [sum(b * v for b, v in zip(base_w, values)) * hi / (total * lo) * (1 - min(1.0, weights.risk_weight * lo) * risk) for values, risk in rows]
    lower = [sum(b * v for b, v in zip(base_w, values)) * lo / (total * hi) * (1 - min(1.0, weights.risk_weight * hi) * risk) for values, risk in rows]
    floor = sorted(lower, reverse=True)[top - 1]
    live = [i for i in range(n) if upper[i] >= floor - 1e-4]
    kept = [0] * n
    for _ in range(samples):
        w = [b * rng.uniform(lo, hi) for b in base_w]
        risk_w = min(1.0, weights.risk_weight * rng.uniform(lo, hi))
        total = sum(w) or 1.0
        scores = {i: round(sum(a * b for a, b in zip(w, rows[i][0])) / total * (1.0 - risk_w * rows[i][1]), 4) for i in live}
        for i in sorted(live, key=lambda i: (-scores[i], i))[:top]:
            kept[i] += 1
    return [round(k / samples, 2) for k in kept]


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
