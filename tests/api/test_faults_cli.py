"""The CLI never prints a traceback (issue 17): bad facts files and parameter values are one line and an exit code.

Fixed cases run the real ``koppel`` executable on both stores; the hypothesis
test drives ``koppel.api.cli.main`` in-process (the same code the executable
runs) over arbitrary ``--param`` values on the embedded seed store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koppel.api import cli

KOPPEL = [sys.executable, "-m", "koppel.api.cli"]


def koppel(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KOPPEL, *args], capture_output=True, text=True, timeout=300)


def one_line_error(done: subprocess.CompletedProcess | tuple[int, str], code: int) -> str:
    returncode, stderr = (done.returncode, done.stderr) if isinstance(done, subprocess.CompletedProcess) else done
    assert returncode == code, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("koppel: error: "), stderr
    return lines[0]


# -- facts files --------------------------------------------------------------------------------

FACTS = {
    "date.yaml": ("document: d\nnodes:\n  - {label: Event, key: e1, name: x, kind: visit, date: 2014-02-30, sources: [L1]}\n", "'2014-02-30' is not a calendar date"),
    "label.yaml": ("document: d\nnodes:\n  - {label: [Forum], key: f1, sources: [L1]}\n", "field 'label': expected text, got a list"),
    "from.yaml": ("document: d\nnodes: []\nrelationships:\n  - {type: MEMBER_OF, from: [IRQ], to: x, sources: [L1]}\n", "field 'from': expected text, got a list"),
    "bytes.yaml": (b"document: d\nnodes:\n  - {label: Forum, key: f\xff\xfe, sources: [L1]}\n", "not UTF-8 text"),
    "deep.yaml": ("nodes: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
    "bomb.yaml": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nnodes: *c\n", "aliases (*a) are not allowed"),
    "duplicate.yaml": ("document: d\nnodes: []\nnodes: []\n", "duplicate key 'nodes'"),
    "section.yaml": ("document: d\nnodes: []\nrelationship: []\n", "unknown top-level section(s) 'relationship'"),
    "duplicate.json": ('{"document": "d", "nodes": [], "nodes": []}', "duplicate key 'nodes'"),
    "big.yaml": ("document: d\nnodes:\n  - {label: Forum, key: f1, name: x, kind: consultative_process, amount: 123456789012345678901, sources: [L1]}\n", "64-bit range"),
}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_bad_facts_files_exit_4_with_one_line(tmp_path: Path, name: str) -> None:
    text, fragment = FACTS[name]
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for command in ("check", "load"):
        args = [command, str(path)] + (["--store", f"embedded:{tmp_path / 'store'}"] if command == "load" else [])
        line = one_line_error(koppel(*args), 4)
        assert fragment in line and str(path) in line
    if (tmp_path / "store").exists():  # nothing half-written: the store, if the load created it, is empty
        stats = json.loads(koppel("stats", "--json", "--store", f"embedded:{tmp_path / 'store'}").stdout)
        assert stats["nodes"] == 0 and stats["relationships"] == 0


# -- parameters, on both stores ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("12345678901234567890", "the integer with 20 digits is outside the 64-bit range"),
        ("-99999999999999999999999", "outside the 64-bit range"),
        ('[1, "a"]', "a list holds one kind of value"),
        ("[true, 1]", "a list holds one kind of value"),
        ("[]", "an empty list has no type"),
        ("NaN", "NaN"),
        ('{"a": null}', "may not be null"),
    ],
)
def test_parameters_the_stores_cannot_hold(seeded_store, value: str, fragment: str) -> None:
    done = koppel("query", "--cypher", "RETURN $p AS p", "--param", f"p={value}", "--store", seeded_store.location, "--json")
    line = one_line_error(done, 4)
    assert "parameter 'p'" in line and fragment in line


def test_a_catalogue_parameter_of_20_digits(seeded_store) -> None:
    done = koppel("query", "country-dossiers", "--param", "iso3=IRQ", "--param", "limit=99999999999999999999", "--store", seeded_store.location)
    assert one_line_error(done, 4)


def test_a_large_but_valid_integer_round_trips(seeded_store) -> None:
    done = koppel("query", "--cypher", "RETURN $p AS p", "--param", f"p={2**63 - 1}", "--store", seeded_store.location, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == [{"p": 2**63 - 1}]


# -- fuzzing --param in-process ----------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
PARAM_TEXT = st.one_of(
    JSONISH.map(lambda v: json.dumps(v)),
    st.text(max_size=40),
    st.sampled_from(["[", "{", '{"a":', "1e999", "-0", "0x10", "--", "=", "\x00", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"]),
)


def run_main(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["koppel", *args]
    try:
        cli.main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv = saved
    return code, capsys.readouterr().err


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(["p", "p", "p", "", " ", "p q", "1"]), value=PARAM_TEXT)
def test_fuzz_param_values_exit_cleanly(_embedded_seed: Path, capsys: pytest.CaptureFixture, name: str, value: str) -> None:
    code, stderr = run_main(["query", "--cypher", "RETURN 1 AS one", "--param", f"{name}={value}", "--store", f"embedded:{_embedded_seed}", "--json"], capsys)
    assert "Traceback" not in stderr
    if code:
        assert code in (2, 4, 5), stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("koppel: error: "), stderr
