"""A damaged embedded store is detected when it is opened (issue 17), by the real ``koppel`` executable.

Embedded only: what is damaged here is the embedded store's database file
(Neo4j keeps and checks its own files). Each case copies a freshly loaded
store, damages the copy the way the fault sweep did, and expects one line,
exit 7 (store damaged) within seconds, from reading commands and from
``koppel serve``, which refuses to start.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

KOPPEL = [sys.executable, "-m", "koppel.api.cli"]
SMALL = Path(__file__).resolve().parents[1] / "data" / "small.yaml"


def koppel(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*KOPPEL, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("good") / "store"
    done = koppel("load", str(SMALL), "--store", f"embedded:{folder}")
    assert done.returncode == 0, done.stderr
    assert (folder / "checksum.blake2b").is_file()  # written by the writer's clean close
    return folder


def copy_of(loaded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    subprocess.run(["cp", "-r", str(loaded), str(target)], check=True)
    return target


def zero_length(db: Path) -> None:
    db.write_bytes(b"")


def foreign_header(db: Path) -> None:
    with open(db, "r+b") as handle:
        handle.write(b"\0" * 16)


def random_middle(db: Path) -> None:
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(random.Random(17).randbytes(min(65536, size // 4)))


DAMAGE = {"zero-length": (zero_length, "is empty (0 bytes)"), "header": (foreign_header, "does not start with the engine's header"), "random-bytes": (random_middle, "checksum mismatch")}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_is_reported_at_open_with_exit_7(loaded: Path, tmp_path: Path, kind: str) -> None:
    damage, fragment = DAMAGE[kind]
    store = copy_of(loaded, tmp_path)
    damage(store / "graph.lbdb")
    for args in (["stats"], ["country", "IRQ"], ["export", "--format", "json"], ["load", str(SMALL)]):
        started = time.monotonic()
        done = koppel(*args, "--store", f"embedded:{store}", timeout=60)
        assert time.monotonic() - started < 30, args
        assert done.returncode == 7, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("koppel: error: the embedded store") and "is damaged" in lines[0], done.stderr
        assert fragment in lines[0] and "koppel load" in lines[0]


def test_serve_refuses_to_start_on_a_damaged_store(loaded: Path, tmp_path: Path) -> None:
    store = copy_of(loaded, tmp_path)
    random_middle(store / "graph.lbdb")
    done = koppel("serve", "--store", f"embedded:{store}", "--port", "1", timeout=60)
    assert done.returncode == 7, done.stderr
    assert "is damaged" in done.stderr and "serving" not in done.stderr


def test_a_killed_writer_is_not_mistaken_for_damage(loaded: Path, tmp_path: Path) -> None:
    store = copy_of(loaded, tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", "import os, signal; from koppel.graph.store import open_store; "
         f"s = open_store('embedded:{store}'); s.run(\"MATCH (n:Forum) RETURN count(n)\"); os.kill(os.getpid(), signal.SIGKILL)"],
        capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert not (store / "checksum.blake2b").exists()  # the writer took it away when it opened
    done = koppel("stats", "--json", "--store", f"embedded:{store}")
    assert done.returncode == 0, done.stderr


def test_a_clean_reload_keeps_the_store_checkable(loaded: Path, tmp_path: Path) -> None:
    store = copy_of(loaded, tmp_path)
    assert koppel("load", str(SMALL), "--store", f"embedded:{store}").returncode == 0
    assert koppel("stats", "--store", f"embedded:{store}").returncode == 0
    with open(store / "graph.lbdb", "r+b") as handle:
        handle.seek(os.path.getsize(store / "graph.lbdb") - 1)
        last = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([last[0] ^ 0xFF]))  # one flipped byte
    done = koppel("stats", "--store", f"embedded:{store}")
    assert done.returncode == 7 and "checksum mismatch" in done.stderr, done.stderr


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 8 MiB filesystem (tmpfs), grown to 64 MiB by ``grow()``; unmounted afterwards."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mountpoint)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and a mount namespace that allows it): {mounted.stderr.strip()}")

    def grow() -> None:
        subprocess.run(["mount", "-o", "remount,size=64m", str(mountpoint)], check=True, capture_output=True)

    try:
        yield mountpoint, grow
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


@pytest.mark.timeout(900)
def test_a_full_disk_is_reported_with_exit_8_and_the_previous_content_kept(small_disk) -> None:
    mountpoint, grow = small_disk
    spec = f"embedded:{mountpoint / 'store'}"
    assert koppel("load", str(SMALL), "--store", spec).returncode == 0
    full = koppel("load", "--store", spec, timeout=600)  # the whole default graph does not fit in 8 MiB
    assert full.returncode == 8, full.stderr[-2000:]
    line = full.stderr.strip().splitlines()[-1]
    assert line.startswith("koppel: error: the disk holding the embedded store") and "is full" in line and "Traceback" not in full.stderr
    # Once there is room, the next reader finishes the checkpoint the failed load left pending
    # (no "reopen in read-write mode"), and the store holds what it held before.
    grow()
    stats = koppel("stats", "--json", "--store", spec)
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert (counts["nodes"], counts["relationships"]) == (8, 10)


@pytest.mark.timeout(600)
def test_a_full_disk_while_staging_a_large_load_is_exit_8_and_keeps_the_store(small_disk, monkeypatch) -> None:
    """A load large enough to be staged (a copy of the database file) on a disk without room for the copy (issue 17).

    The staging threshold is lowered in this process so the small seed graph counts as
    large; the disk, the engine and the copy are real.
    """
    from koppel.graph import embedded_store
    from koppel.graph.errors import DiskFull
    from koppel.graph.store import open_store
    from koppel.loaders import seed_files
    from koppel.loaders.facts import parse_facts

    mountpoint, grow = small_disk
    spec = f"embedded:{mountpoint / 'store'}"
    assert koppel("load", str(SMALL), "--store", spec).returncode == 0
    monkeypatch.setattr(embedded_store, "STAGING_MIN_RELATIONSHIPS", 1)
    monkeypatch.setattr(embedded_store, "STAGING_BYTES_PER_RELATIONSHIP", 1 << 50)
    seed = parse_facts(seed_files())
    with open_store(spec) as store:
        database = mountpoint / "store" / embedded_store.DB_FILE
        free = os.statvfs(mountpoint).f_bavail * os.statvfs(mountpoint).f_frsize
        room = max(database.stat().st_size // 2, 4096)
        (mountpoint / "filler").write_bytes(b"\0" * max(free - room, 0))  # less room than the copy needs
        with pytest.raises(DiskFull, match="is full .* while copying the database for a large load"):
            store.upsert(seed.nodes, seed.relationships)
        assert not (mountpoint / "store" / embedded_store.STAGING_FILE).exists()
    (mountpoint / "filler").unlink()
    stats = koppel("stats", "--json", "--store", spec)
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert (counts["nodes"], counts["relationships"]) == (8, 10)
