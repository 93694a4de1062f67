"""Fixtures of the query tests: checking that both stores give identical answers.

The stores themselves come from ``tests/conftest.py`` (``seeded_store`` and
``empty_store``, parametrized over the embedded store and Neo4j). A test that
wants "identical on both stores" records its result with :func:`agree`; pytest
runs the two parametrizations of a test one after the other, so the second
run compares its result with the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

_RESULTS: dict[str, dict[str, str]] = {}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@pytest.fixture
def agree(request: pytest.FixtureRequest) -> Callable[[Any, str, Any], None]:
    """``agree(store, name, value)``: assert ``value`` equals what the other store kind gave for ``name``."""
    test_id = request.node.originalname

    def check(store: Any, name: str, value: Any) -> None:
        key = f"{request.node.module.__name__}::{test_id}::{name}"
        seen = _RESULTS.setdefault(key, {})
        seen[store.kind] = _canonical(value)
        others = {kind: text for kind, text in seen.items() if kind != store.kind}
        for kind, text in others.items():
            assert seen[store.kind] == text, f"{name}: {store.kind} and {kind} give different results"

    return check
