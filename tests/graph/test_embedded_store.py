"""What only the embedded store has to prove: ownership, crash safety, and loads that do not slow down."""

import gc
from dataclasses import replace
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from koppel.graph.embedded_store import STAGING_FILE, EmbeddedStore
from koppel.graph.errors import NotFound, StoreLocked
from koppel.graph.models import NodeRecord
from koppel.graph.store import open_store
from koppel.loaders.facts import parse_facts

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


def test_a_second_writer_gets_a_clear_message(tmp_path):
    with open_store(f"embedded:{tmp_path}"):
        with pytest.raises(StoreLocked, match="one process writes an embedded store at a time"):
            open_store(f"embedded:{tmp_path}")


def test_a_second_writer_in_another_process_gets_a_message_not_a_crash(tmp_path):
    with open_store(f"embedded:{tmp_path}"):
        result = subprocess.run(
            [sys.executable, "-m", "koppel.api.cli", "load", str(SMALL), "--store", f"embedded:{tmp_path}"],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode != 0
    assert result.stderr.startswith("koppel: error: the embedded store") and "in use by process" in result.stderr
    assert "Traceback" not in result.stderr


def test_readers_wait_for_no_writer_and_share(tmp_path):
    with open_store(f"embedded:{tmp_path}") as store:
        store.ensure_schema()
    first = open_store(f"embedded:{tmp_path}", read_only=True)
    second = open_store(f"embedded:{tmp_path}", read_only=True)
    with pytest.raises(StoreLocked):
        open_store(f"embedded:{tmp_path}")
    first.close()
    second.close()


def test_reading_a_store_that_does_not_exist_says_how_to_create_it(tmp_path):
    with pytest.raises(NotFound, match="koppel load"):
        open_store(f"embedded:{tmp_path / 'none'}", read_only=True)


KILL_SCRIPT = """
import sys, time
from koppel.graph.models import NodeRecord
from koppel.graph.store import open_store
store = open_store("embedded:" + sys.argv[1])
nodes = [NodeRecord("Forum", f"forum-{i}", {"name": f"F{i}", "kind": "dialogue", "sources": ["d#L1"]}) for i in range(50000)]
def hang(stage, done):
    print("midway", flush=True)
    time.sleep(600)
store.upsert(nodes, [], progress=hang)
"""


def kill_midway(script: str, folder) -> None:
    """Run a load ``script`` on ``folder`` in another process and SIGKILL it once it prints "midway"."""
    process = subprocess.Popen([sys.executable, "-c", script, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "midway"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_load_killed_midway_leaves_the_previous_content(tmp_path):
    small = parse_facts([SMALL])
    with open_store(f"embedded:{tmp_path}") as store:
        store.upsert(small.nodes, small.relationships)
        before = (store.all_nodes(), store.all_relationships())
    kill_midway(KILL_SCRIPT, tmp_path)
    with open_store(f"embedded:{tmp_path}", read_only=True) as store:
        assert (store.all_nodes(), store.all_relationships()) == before
    with open_store(f"embedded:{tmp_path}") as store:  # and it is writable again
        store.upsert(small.nodes[:1], [])


def _events(batch: int, size: int) -> list[NodeRecord]:
    return [
        NodeRecord("Event", f"event-{batch + 1}-{i}", {"name": f"E{i}", "kind": "meeting", "sources": ["d#L1"]})
        for i in range(size)
    ]


def test_the_last_batch_of_a_large_load_is_at_most_twice_as_slow_as_the_first(tmp_path):
    """Each batch first splits new keys from existing ones; a batch must not slow down as the table grows.

    The machine is shared and noisy, so each end is the fastest of three tries:
    the first batch of three fresh stores, the last three batches of one
    growing store. Into an empty table the store skips the look-up of existing
    keys altogether, so "the first batch" is the first one that takes the whole
    path: the one after a small first write.
    """
    size, batches = 25_000, 10

    def timed_upsert(store, nodes) -> float:
        started = time.perf_counter()
        store.upsert(nodes, [])
        return time.perf_counter() - started

    first = []
    for attempt in range(3):
        with open_store(f"embedded:{tmp_path / f'fresh-{attempt}'}") as store:
            store.upsert(_events(-1, 10), [])
            first.append(timed_upsert(store, _events(0, size)))
    with open_store(f"embedded:{tmp_path / 'growing'}") as store:
        store.ensure_schema()
        durations = [timed_upsert(store, _events(b, size)) for b in range(batches)]
        assert store.run("MATCH (e:Event) RETURN count(e)").value() == size * batches
    assert min(durations[-3:]) <= 2 * min(first), (first, durations)



def test_a_load_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    """The store pauses the cyclic collector while it loads, and switches it back on even when the load fails."""
    small = parse_facts([SMALL])

    def fail(stage, done):
        raise RuntimeError("simulated failure")

    with open_store(f"embedded:{tmp_path}") as store:
        store.upsert(small.nodes, small.relationships)
        assert gc.isenabled()
        changed = [replace(node, properties={**node.properties, "description": "changed"}) for node in small.nodes]
        with pytest.raises(RuntimeError, match="simulated"):  # a reload that changes something, so it writes
            store.upsert(changed, small.relationships, progress=fail)
        assert gc.isenabled()
        gc.disable()
        try:
            store.upsert(small.nodes, small.relationships)
            assert not gc.isenabled()
        finally:
            gc.enable()


# -- large loads: staged in a copy of the database file ------------------------------------------

@pytest.fixture
def always_staged(monkeypatch):
    """Every load takes the staged path, however small (it is chosen for large loads only)."""
    monkeypatch.setattr(EmbeddedStore, "_staging_pays", lambda self, new_relationships: True)


def _store_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_staged_load_writes_and_reports_like_one_transaction(tmp_path, monkeypatch):
    small = parse_facts([SMALL])
    results = []
    for staged in (False, True):
        monkeypatch.setattr(EmbeddedStore, "_staging_pays", lambda self, new_relationships, staged=staged: staged)
        with open_store(f"embedded:{tmp_path / str(staged)}") as store:
            first = store.upsert(small.nodes, small.relationships).as_dict()
            again = store.upsert(small.nodes, small.relationships).as_dict()
            results.append((first, again, store.all_nodes(), store.all_relationships()))
        assert _store_files(tmp_path / str(staged)) == ["checksum.blake2b", "graph.lbdb", "koppel.lock", "schema.fingerprint"]
    assert results[0] == results[1]
    assert results[1][0]["relationships_created"] == 10 and results[1][1]["relationships_unchanged"] == 10


def test_a_staged_load_failing_midway_leaves_the_store_unchanged(tmp_path, always_staged):
    small = parse_facts([SMALL])
    with open_store(f"embedded:{tmp_path}") as store:
        store.upsert([n for n in small.nodes if n.label == "Country"], [])
        before = (store.all_nodes(), store.all_relationships())

        def fail_after_nodes(stage, done):
            if stage == "relationships":
                raise RuntimeError("simulated failure midway")

        with pytest.raises(RuntimeError, match="midway"):
            store.upsert(small.nodes, small.relationships, progress=fail_after_nodes)
        assert (store.all_nodes(), store.all_relationships()) == before
    assert STAGING_FILE not in _store_files(tmp_path)


KILL_STAGED_SCRIPT = """
import sys, time
from koppel.graph.embedded_store import EmbeddedStore
from koppel.graph.models import NodeRecord, RelRecord
from koppel.graph.store import open_store
EmbeddedStore._staging_pays = lambda self, new_relationships: True
store = open_store("embedded:" + sys.argv[1])
forums = [NodeRecord("Forum", f"forum-{i}", {"name": f"F{i}", "kind": "dialogue", "sources": ["d#L1"]}) for i in range(5000)]
links = [RelRecord("MEMBER_OF", "silk-route", f.key, "CountryGroup", "Forum", {"sources": ["d#L1"]}) for f in forums]
def hang(stage, done):
    if stage == "relationships":
        print("midway", flush=True)
        time.sleep(600)
store.upsert(forums, links, progress=hang)
"""


def test_a_staged_load_killed_midway_leaves_the_previous_content(tmp_path, always_staged):
    small = parse_facts([SMALL])
    with open_store(f"embedded:{tmp_path}") as store:
        store.upsert(small.nodes, small.relationships)
        before = (store.all_nodes(), store.all_relationships())
    kill_midway(KILL_STAGED_SCRIPT, tmp_path)
    assert STAGING_FILE in _store_files(tmp_path)  # killed with the copy half written
    with open_store(f"embedded:{tmp_path}", read_only=True) as store:
        assert (store.all_nodes(), store.all_relationships()) == before
    assert STAGING_FILE in _store_files(tmp_path)  # a reader leaves it alone
    with open_store(f"embedded:{tmp_path}") as store:  # the next writer clears the leftover, and its load succeeds
        assert STAGING_FILE not in _store_files(tmp_path)
        store.upsert(small.nodes, small.relationships)
        assert (store.all_nodes(), store.all_relationships()) == before
    assert _store_files(tmp_path) == ["checksum.blake2b", "graph.lbdb", "koppel.lock", "schema.fingerprint"]
