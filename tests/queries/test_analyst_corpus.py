"""Analysts' Neo4j Cypher (tests/queries/analyst_corpus.yaml) on both stores: the same answers, or a named refusal.

An entry with ``refused`` is refused by the translation (construct, position, what to write); one with
``engine_error`` is translated but LadybugDB refuses to bind it (an error, not a different answer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from koppel.api.sandbox import plain
from koppel.graph.dialect import adhoc_for
from koppel.graph.errors import QueryError
from koppel.graph.store import open_store

from tests.conftest import _Neo4jState, open_test_store

CORPUS = yaml.safe_load((Path(__file__).parent / "analyst_corpus.yaml").read_text())


@pytest.fixture(scope="module")
def both_stores(request, _embedded_seed, seed_facts):
    """The seed graph in the embedded store and in Neo4j, both open for reading."""
    neo4j_env = request.getfixturevalue("neo4j_env")
    neo4j = open_test_store("neo4j", Path(), neo4j_env)
    if not _Neo4jState.seeded:
        neo4j.clear()
        neo4j.upsert(seed_facts.nodes, seed_facts.relationships)
        _Neo4jState.seeded = True
    embedded = open_store(f"embedded:{_embedded_seed}", read_only=True)
    yield {"neo4j": neo4j, "embedded": embedded}
    neo4j.close()
    embedded.close()


def _rows(store, cypher: str, entry: dict) -> list:
    result = store.run(adhoc_for(store.kind, cypher), {}, read_only=True)
    rows = [dict(zip(result.columns, plain(row), strict=True)) for row in result.rows]
    if entry.get("sort_lists"):
        rows = [{k: sorted(v) if isinstance(v, list) else v for k, v in row.items()} for row in rows]
    rows = json.loads(json.dumps(rows, sort_keys=True, default=str))
    return rows if entry.get("ordered") else sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def test_the_corpus_has_at_least_sixty_questions():
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("entry", CORPUS, ids=[f"q{i:02d}" for i in range(len(CORPUS))])
def test_both_stores_answer_alike_or_the_embedded_store_says_what_to_write(both_stores, entry):
    cypher = entry["q"]
    expected = _rows(both_stores["neo4j"], cypher, entry)
    if "engine_error" in entry:
        # translated, but LadybugDB cannot bind it: an error naming the cause, never a different answer
        with pytest.raises(QueryError, match=entry["engine_error"]):
            _rows(both_stores["embedded"], cypher, entry)
        return
    if "refused" in entry:
        with pytest.raises(QueryError, match="no equal on the embedded store") as caught:
            _rows(both_stores["embedded"], cypher, entry)
        message = str(caught.value)
        assert entry["refused"] in message and "line 1, column" in message
        return
    assert _rows(both_stores["embedded"], cypher, entry) == expected
