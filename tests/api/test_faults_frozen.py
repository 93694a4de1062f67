"""Short freezes (SIGSTOP, about 15-20 s) of a Neo4j server of the test's own (issue 17).

Ad-hoc Cypher on a frozen server answers 503 with ``Retry-After`` (not the
query timeout's 504) in bounded time; a load into a frozen server gives up in
bounded time with exit 3 and one clear line, and a load frozen between two of
its batches commits nothing. ``/readyz`` names neither a path nor an address.
The server is always resumed (SIGCONT) in ``finally`` and stopped by the
``own_neo4j`` fixture (shared with :mod:`tests.api.test_faults_outage`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from koppel.graph.errors import StoreUnavailable
from koppel.graph.settings import Settings
from koppel.graph.store import open_store
from tests.api.test_faults_outage import own_neo4j, request  # noqa: F401  (the fixture, reused)
from koppel.loaders import seed_files
from tests.conftest import ROOT, serve

# Probe interval 4 s + handshake timeout 3 s, plus a worker or driver start on a loaded 2-core machine.
BOUND_SECONDS = 20


def _settings(own: dict) -> Settings:
    return Settings(NEO4J_USER=own["env"].get("NEO4J_USER", "neo4j"), NEO4J_PASSWORD=own["env"]["NEO4J_PASSWORD"])


def _count(own: dict, cypher: str) -> int:
    with open_store(own["uri"], settings=_settings(own)) as store:
        return store.run(cypher).rows[0][0]


def _wait_until_answering(own: dict) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            _count(own, "RETURN 1")
            return
        except StoreUnavailable:
            assert time.monotonic() < deadline, "Neo4j did not answer within 60 s of SIGCONT"
            time.sleep(1)


@pytest.mark.timeout(600)
def test_cypher_on_frozen_neo4j_is_503_and_readyz_hides_the_address(own_neo4j) -> None:
    env = {"NEO4J_USER": own_neo4j["env"].get("NEO4J_USER", "neo4j"), "NEO4J_PASSWORD": own_neo4j["env"]["NEO4J_PASSWORD"], "KOPPEL_QUERY_TIMEOUT": "30"}
    with serve(own_neo4j["uri"], env, workers=1) as base:
        status, _, ready, _ = request(base, "GET", "/readyz")
        assert status == 200 and ready["store"] == "neo4j"
        assert "127.0.0.1" not in json.dumps(ready) and "bolt" not in json.dumps(ready).lower() and "localhost" not in json.dumps(ready)
        assert request(base, "POST", "/api/cypher", {"cypher": "RETURN 1 AS one", "params": {}}, token=True)[0] == 200

        os.kill(own_neo4j["pid"], signal.SIGSTOP)
        try:
            status, headers, body, seconds = request(base, "POST", "/api/cypher", {"cypher": "MATCH (c:Country) RETURN count(c) AS n", "params": {}}, token=True)
        finally:
            os.kill(own_neo4j["pid"], signal.SIGCONT)
        # The query's own timeout is 30 s: only the liveness probe can answer this soon, and it says 503.
        assert status == 503 and headers.get("retry-after") and body["title"] == "Store unavailable", (status, body)
        assert seconds < BOUND_SECONDS, seconds
        assert "127.0.0.1" not in json.dumps(body) and "bolt://" not in json.dumps(body)

        deadline = time.monotonic() + 60
        while request(base, "POST", "/api/cypher", {"cypher": "RETURN 2 AS two", "params": {}}, token=True)[0] != 200:
            assert time.monotonic() < deadline, "ad-hoc Cypher did not recover within 60 s of SIGCONT"
            time.sleep(1)


@pytest.mark.timeout(600)
def test_load_into_frozen_neo4j_exits_3_in_bounded_time(own_neo4j, tmp_path) -> None:
    _wait_until_answering(own_neo4j)
    before = _count(own_neo4j, "MATCH (n) RETURN count(n)")
    files = seed_files()[:1]
    env = {**os.environ, **{k: v for k, v in own_neo4j["env"].items() if k.startswith("NEO4J")}}
    os.kill(own_neo4j["pid"], signal.SIGSTOP)
    try:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "koppel.api.cli", "load", str(files[0]), "--store", own_neo4j["uri"]],
            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        seconds = time.monotonic() - started
    finally:
        os.kill(own_neo4j["pid"], signal.SIGCONT)
    assert done.returncode == 3, (done.returncode, done.stderr[-2000:])
    assert seconds < BOUND_SECONDS + 10, seconds  # the interpreter's own start included
    assert "Traceback" not in done.stderr and "koppel: error:" in done.stderr, done.stderr
    _wait_until_answering(own_neo4j)
    assert _count(own_neo4j, "MATCH (n) RETURN count(n)") == before


@pytest.mark.timeout(600)
def test_load_frozen_between_batches_commits_nothing(own_neo4j, seed_facts) -> None:
    from koppel.graph.neo4j_store import BATCH_SIZE

    _wait_until_answering(own_neo4j)
    template = next(n for n in seed_facts.nodes if n.label == "Country")
    nodes = [dataclasses.replace(template, key=f"frozen-{i}", properties=dict(template.properties)) for i in range(BATCH_SIZE + 500)]
    before = _count(own_neo4j, "MATCH (c:Country) RETURN count(c)")
    frozen: list[float] = []

    def freeze_after_first_batch(stage: str, done: int) -> None:
        if not frozen:
            os.kill(own_neo4j["pid"], signal.SIGSTOP)
            frozen.append(time.monotonic())

    with open_store(own_neo4j["uri"], settings=_settings(own_neo4j)) as store:
        try:
            with pytest.raises(StoreUnavailable, match="not committed"):
                store.upsert(nodes, progress=freeze_after_first_batch)
            assert frozen and time.monotonic() - frozen[0] < BOUND_SECONDS
            time.sleep(3)  # still frozen: the server wakes after the load gave up
        finally:
            os.kill(own_neo4j["pid"], signal.SIGCONT)
    _wait_until_answering(own_neo4j)
    time.sleep(2)  # the abandoned load thread sees its cancellation and rolls back
    assert _count(own_neo4j, "MATCH (c:Country) RETURN count(c)") == before
    assert _count(own_neo4j, "MATCH (c:Country) WHERE c.key STARTS WITH 'frozen-' RETURN count(c)") == 0
