"""Facts files that are not well formed: each kind is refused with one line naming file and line, never a traceback.

The cases come from the fault sweep in issue 17; the hypothesis tests throw
arbitrary text and bytes at the parser and accept only a result or a
:class:`ValidationError`.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koppel.graph.errors import ValidationError
from koppel.loaders.facts import MAX_DEPTH, parse_facts

GOOD_NODE = "{label: Forum, key: f1, name: Forum een, kind: consultative_process, sources: [L1]}"


def refused(tmp_path: Path, text: str | bytes, name: str = "facts.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ValidationError) as caught:
        parse_facts([path])
    message = str(caught.value)
    assert str(path) in message
    return message


def test_a_valid_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(f"document: d\nnodes:\n  - {GOOD_NODE}\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("the cited line\n", encoding="utf-8")  # locators must resolve (issue 10)
    facts = parse_facts([path])
    assert [n.key for n in facts.nodes] == ["f1"]


def test_an_impossible_date_names_the_line(tmp_path: Path) -> None:
    message = refused(tmp_path, "document: d\nnodes:\n  - {label: Event, key: e1, name: x, kind: visit, date: 2014-02-30, sources: [L1]}\n")
    assert message.endswith("facts.yaml:3: not valid YAML: '2014-02-30' is not a calendar date")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ("{label: [Forum], key: f1, sources: [L1]}", "label"),
        ("{label: Forum, key: {a: 1}, sources: [L1]}", "key"),
    ],
)
def test_a_list_or_map_where_a_name_belongs(tmp_path: Path, record: str, field: str) -> None:
    message = refused(tmp_path, f"document: d\nnodes:\n  - {record}\n")
    assert f"facts.yaml:3: nodes[0] field '{field}': expected text" in message


@pytest.mark.parametrize("side", ["from", "to", "type"])
def test_a_list_as_a_relationship_endpoint(tmp_path: Path, side: str) -> None:
    rel = {"type": "PARTICIPATES_IN", "from": "f1", "to": "f1", "sources": ["L1"]}
    rel[side] = ["IRQ"]
    message = refused(tmp_path, f"document: d\nnodes:\n  - {GOOD_NODE}\nrelationships:\n  - {json.dumps(rel)}\n")
    assert f"facts.yaml:5: relationships[0] field '{side}': expected text, got a list" in message


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    message = refused(tmp_path, b"document: d\nnodes:\n  - {label: Forum, key: f\xff, sources: [L1]}\n")
    assert "facts.yaml:3: not UTF-8 text (byte 0xff" in message


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_very_deep_nesting(tmp_path: Path, suffix: str) -> None:
    depth = 100_000
    message = refused(tmp_path, '{"nodes": ' + "[" * depth + "]" * depth + "}", name="deep" + suffix)
    assert "nested" in message and len(message) < 300


def test_a_deep_but_allowed_nesting_is_not_refused_for_depth(tmp_path: Path) -> None:
    inner = "[" * (MAX_DEPTH // 4) + "]" * (MAX_DEPTH // 4)
    message = refused(tmp_path, f"document: d\nnodes:\n  - {{label: Forum, key: f1, name: {inner}, sources: [L1]}}\n")
    assert "nested" not in message  # refused for the list in a name, not for depth


def test_an_alias_bomb_is_refused_at_once_with_a_short_message(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    lines.append("nodes: *i")
    text = "\n".join(lines) + "\n"
    assert len(text) < 600
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refused(tmp_path, text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "facts.yaml:2: not valid YAML: aliases (*a) are not allowed" in message
    assert len(message) < 300 and peak < 5_000_000 and time.perf_counter() - started < 5


def test_an_alias_in_an_otherwise_good_file_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "document: d\nnodes:\n  - &n " + GOOD_NODE + "\n  - *n\n")
    assert "facts.yaml:4: not valid YAML: aliases (*n)" in message


def test_duplicate_keys_in_yaml(tmp_path: Path) -> None:
    message = refused(tmp_path, "document: d\nnodes:\n  - {label: Forum, key: f1, key: f2, sources: [L1]}\n")
    assert "facts.yaml:3: not valid YAML: duplicate key 'key' in one mapping" in message


def test_duplicate_top_level_keys_in_yaml(tmp_path: Path) -> None:
    message = refused(tmp_path, f"document: d\nnodes:\n  - {GOOD_NODE}\ndocument: e\n")
    assert "facts.yaml:4: not valid YAML: duplicate key 'document'" in message


def test_duplicate_keys_in_json(tmp_path: Path) -> None:
    text = '{"document": "d", "nodes": [{"label": "Forum", "key": "f1", "key": "f2", "sources": ["L1"]}]}'
    message = refused(tmp_path, text, name="facts.json")
    assert "not valid JSON: duplicate key 'key' in one object" in message


def test_a_misspelt_top_level_section_is_named(tmp_path: Path) -> None:
    message = refused(tmp_path, f"document: d\nnodes:\n  - {GOOD_NODE}\nrelationship:\n  - {{type: X}}\n")
    assert "unknown top-level section(s) 'relationship'" in message


def test_sections_must_be_lists(tmp_path: Path) -> None:
    message = refused(tmp_path, "document: d\nnodes: Forum\n")
    assert "'nodes' is a list of mappings, not a str" in message


def test_an_integer_the_stores_cannot_hold(tmp_path: Path) -> None:
    message = refused(tmp_path, f"document: d\nnodes:\n  - {GOOD_NODE[:-1]}, amount: 12345678901234567890}}\n")
    assert "facts.yaml:3: nodes[0] field 'amount': the integer with 20 digits is outside the 64-bit range" in message


# -- fuzzing: anything goes in, only facts or a ValidationError come out ------------------------

YAML_PIECES = st.sampled_from(
    ["document: d\n", "nodes:\n", "relationships:\n", "  - ", "{", "}", "[", "]", ", ", ": ", "label: Forum", "key: f1",
     "type: MEMBER_OF", "from: f1", "to: f1", "sources: [L1]", "&a ", "*a", "!!python/object:os.system ", "2014-02-30",
     "12345678901234567890", "\t", "\x00", "\ufeff", "'", '"', "? ", "- ", "\n", "---\n", "...\n", "%YAML 1.1\n", "!!binary ", "<<: ", "~", ".inf"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(YAML_PIECES, st.text(max_size=8)), max_size=40), suffix=st.sampled_from([".yaml", ".json"]))
def test_fuzz_text_gives_facts_or_one_validation_error(tmp_path: Path, pieces: list[str], suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_text("".join(pieces), encoding="utf-8", errors="surrogatepass")
    _parse_or_refuse(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_fuzz_bytes_gives_facts_or_one_validation_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _parse_or_refuse(path)


def _parse_or_refuse(path: Path) -> None:
    try:
        parse_facts([path])
    except ValidationError as error:
        message = str(error)
        head, *listed = message.split("\n")
        assert head and len(message) < 20_000
        # Either one line, or a headline and one line per problem.
        assert not listed or head.startswith("facts do not match the schema")
