"""Shared fixtures: real stores (embedded LadybugDB and a real Neo4j server), seeded and empty.

The Neo4j half never skips. `.ci/run` starts the server with `scripts/neo4j`
and exports NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD; run by hand without them, the
session starts the server itself with the same script and stops it at the end.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from koppel.graph.settings import Settings
from koppel.graph.store import GraphStore, open_store
from koppel.loaders import seed_files
from koppel.loaders.facts import parse_facts

ROOT = Path(__file__).resolve().parent.parent
SHARED_SOURCES = ROOT.parent / "shared" / "sources"
STORE_KINDS = ["embedded", "neo4j"]

# Saved views (POST /api/views) go to a file of this test session, never to the user's own
# views.json in the user data folder (the schemathesis run and in-process apps post views too).
os.environ.setdefault("KOPPEL_VIEWS_FILE", str(Path(tempfile.mkdtemp(prefix="koppel-views-")) / "views.json"))


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    assert SHARED_SOURCES.is_dir(), f"the shared sources folder is missing at {SHARED_SOURCES}"
    return SHARED_SOURCES


@pytest.fixture(scope="session")
def neo4j_env() -> Iterator[dict[str, str]]:
    """Connection settings of the real Neo4j server (started here if the caller did not)."""
    if os.environ.get("NEO4J_URI"):
        yield {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD") if k in os.environ}
        return
    started = subprocess.run([str(ROOT / "scripts" / "neo4j"), "start"], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"could not start Neo4j with scripts/neo4j:\n{started.stderr[-3000:]}")
    env = {}
    for line in started.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'\"")
    os.environ.update(env)
    yield env
    subprocess.run([str(ROOT / "scripts" / "neo4j"), "stop"], capture_output=True)


def _settings(env: dict[str, str]) -> Settings:
    return Settings(NEO4J_USER=env.get("NEO4J_USER", "neo4j"), NEO4J_PASSWORD=env.get("NEO4J_PASSWORD"))


class _Neo4jState:
    """Whether the shared Neo4j database currently holds exactly the seed graph."""

    seeded = False


def load_default(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    """A store of the kind ``request.param`` holding the default load, made by ``koppel load`` as a user would; its spec.

    Embedded: a new folder (``name``); Neo4j: the shared database, cleared first (so it no longer holds the seed).
    """
    import sys

    if request.param == "embedded":
        spec = f"embedded:{tmp_path_factory.mktemp(name) / 'store'}"
    else:
        env = request.getfixturevalue("neo4j_env")
        with open_test_store("neo4j", Path(), env) as store:
            store.clear()
        _Neo4jState.seeded = False  # the shared database no longer holds exactly the seed
        spec = env["NEO4J_URI"]
    done = subprocess.run([sys.executable, "-m", "koppel.api.cli", "load", "--store", spec], capture_output=True, text=True, timeout=900, env=os.environ.copy())
    assert done.returncode == 0, done.stderr[-2000:]
    return spec


def open_test_store(kind: str, folder: Path, neo4j_env: dict[str, str] | None, *, read_only: bool = False) -> GraphStore:
    if kind == "embedded":
        return open_store(f"embedded:{folder}", read_only=read_only)
    assert neo4j_env is not None
    return open_store(neo4j_env["NEO4J_URI"], read_only=read_only, settings=_settings(neo4j_env))


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_store(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A writable store with no nodes, of each kind."""
    env = request.getfixturevalue("neo4j_env") if store_kind == "neo4j" else None
    store = open_test_store(store_kind, tmp_path / "store", env)
    if store_kind == "neo4j":
        store.clear()
        _Neo4jState.seeded = False
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def seed_facts():
    return parse_facts(seed_files())


@pytest.fixture(scope="session")
def _embedded_seed(tmp_path_factory: pytest.TempPathFactory, seed_facts) -> Path:
    folder = tmp_path_factory.mktemp("seed") / "store"
    with open_store(f"embedded:{folder}") as store:
        store.upsert(seed_facts.nodes, seed_facts.relationships)
    return folder


@pytest.fixture
def seeded_store(store_kind: str, request: pytest.FixtureRequest, seed_facts) -> Iterator[GraphStore]:
    """A store of each kind holding exactly the seed graph (for reading)."""
    if store_kind == "embedded":
        folder = request.getfixturevalue("_embedded_seed")
        store = open_store(f"embedded:{folder}", read_only=True)
    else:
        env = request.getfixturevalue("neo4j_env")
        store = open_test_store("neo4j", Path(), env)
        if not _Neo4jState.seeded:
            store.clear()
            store.upsert(seed_facts.nodes, seed_facts.relationships)
            _Neo4jState.seeded = True
    try:
        yield store
    finally:
        store.close()


# -- a real `koppel serve` process -------------------------------------------------------------

API_TOKEN = "test-token-0123456789"


@pytest.fixture(scope="session")
def api_token() -> str:
    return API_TOKEN


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(store_spec: str, env: dict[str, str] | None = None, *, workers: int = 1) -> Iterator[str]:
    """Run `koppel serve` on a free port until the block ends; yields its base URL."""
    import sys
    import time
    import urllib.request

    port = _free_port()
    full_env = {**os.environ, "KOPPEL_API_TOKENS": API_TOKEN, "KOPPEL_SOURCES": str(SHARED_SOURCES), **(env or {})}
    # stderr goes to a file: an unread pipe fills up under a long test and blocks the server.
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "koppel.api.cli", "serve", "--store", store_spec, "--port", str(port), "--workers", str(workers)],
        env=full_env, stdout=subprocess.DEVNULL, stderr=log, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"koppel serve exited: {log.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("koppel serve did not become ready within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def live_server(_embedded_seed: Path) -> Iterator[str]:
    """Base URL of a real `koppel serve` on the seed graph (embedded store)."""
    with serve(f"embedded:{_embedded_seed}") as base:
        yield base
