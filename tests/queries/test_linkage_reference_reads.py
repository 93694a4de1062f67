"""The reference reads of a linkage answer (precedents, generic instruments, the partner side) kept for an unchanged store.

``queries/linkage/reading.py`` keeps them in ``$XDG_CACHE_HOME/koppel/reads``
under the store's content version: the embedded store opened read-only vouches
for its content (the digest of its database file), Neo4j and writable opens do
not. Real stores throughout; every answer is compared with one computed with
no cache at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from koppel.graph.store import open_store
from koppel.queries.linkage import linkages, load_weights
from koppel.queries.linkage import reading

SEED = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "loaders" / "seed").glob("*.yaml"))
SMALL = Path(__file__).resolve().parents[1] / "data" / "small.yaml"
"""Adds the Netherlands' participation in the Budapest Process: a partner-side fact, one of the reference reads."""


def entries(cache: Path) -> list[Path]:
    folder = cache / "koppel" / "reads"
    return sorted(folder.glob("linkage-reference-*.json")) if folder.exists() else []


def answer(spec: str, iso3: str) -> dict:
    with open_store(spec, read_only=True) as store:
        return linkages(store, iso3, weights=load_weights(None))


@pytest.fixture
def seed_store(tmp_path: Path) -> str:
    spec = f"embedded:{tmp_path / 'store'}"
    done = subprocess.run([sys.executable, "-m", "koppel.api.cli", "load", *SEED, "--store", spec], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return spec


def test_an_unchanged_embedded_store_keeps_its_reference_reads_and_answers_alike(seed_store, tmp_path, monkeypatch):
    blocked = tmp_path / "no-cache"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    without = {key: answer(seed_store, key) for key in ("AFG", "GHA", "IRQ")}  # nothing can be kept: read every time
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    reading._GLOBAL.clear()  # a new process: nothing kept in memory
    assert answer(seed_store, "AFG") == without["AFG"]
    [entry] = entries(cache)
    kept = json.loads(entry.read_text())
    assert kept.keys() == reading._REFERENCE_READS.keys() and kept["links"], kept.keys()
    with open_store(seed_store, read_only=True) as store:
        assert store.content_version() in (Path(seed_store.removeprefix("embedded:")) / "checksum.blake2b").read_text()
    for key, expected in without.items():
        reading._GLOBAL.clear()
        assert answer(seed_store, key) == expected
    assert entries(cache) == [entry]  # read, not written again


def test_a_changed_store_is_read_again_never_from_the_old_entry(seed_store, tmp_path, monkeypatch):
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    before = answer(seed_store, "IRQ")
    [old] = entries(cache)
    assert "budapest-process" not in old.read_text()
    done = subprocess.run([sys.executable, "-m", "koppel.api.cli", "load", str(SMALL), "--store", seed_store], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reading._GLOBAL.clear()
    after = answer(seed_store, "IRQ")
    assert after != before
    [new] = [e for e in entries(cache) if e != old]  # the new content has its own entry, with the new partner fact
    assert "budapest-process" in json.dumps(json.loads(new.read_text())["partner"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty"))
    reading._GLOBAL.clear()
    assert answer(seed_store, "IRQ") == after  # the same as read with no cache


def test_a_damaged_entry_is_read_past(seed_store, tmp_path, monkeypatch):
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    expected = answer(seed_store, "IRQ")
    [entry] = entries(cache)
    for damage in ("{not json", json.dumps({"links": []}), "[]"):
        entry.write_text(damage)
        reading._GLOBAL.clear()
        assert answer(seed_store, "IRQ") == expected, damage


def test_writable_opens_and_neo4j_do_not_vouch_for_their_content(seed_store, store_kind, seeded_store):
    with open_store(seed_store) as writable:
        assert writable.content_version() is None
    if store_kind == "neo4j":
        assert seeded_store.content_version() is None  # others may write a server at any time
    else:
        assert seeded_store.content_version()


def test_a_cli_command_in_a_new_process_uses_the_kept_reads(seed_store, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "KOPPEL_STORE": seed_store}
    first = subprocess.run([sys.executable, "-m", "koppel.api.cli", "linkages", "AFG", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    [entry] = entries(tmp_path / "xdg")
    written = entry.stat().st_mtime_ns
    second = subprocess.run([sys.executable, "-m", "koppel.api.cli", "linkages", "AFG", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert second.stdout == first.stdout and entry.stat().st_mtime_ns == written
