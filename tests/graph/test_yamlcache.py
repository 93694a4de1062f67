"""The parse cache of koppel's own YAML files (graph/yamlcache.py): same data as the YAML, never stale, never needed."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from koppel.graph.errors import ValidationError
from koppel.graph.schema import load_schema, parse_schema
from koppel.graph.yamlcache import _same, cache_dir, load_packaged_yaml
from koppel.queries.linkage.weights import load_weights


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "koppel" / "yaml"


@pytest.mark.parametrize(("package", "file", "name"), [("koppel.graph", "schema.yaml", "schema"), ("koppel.queries", "weights.yaml", "weights")])
def test_shipped_files_read_from_the_cache_equal_their_yaml(cache: Path, package: str, file: str, name: str) -> None:
    data = resources.files(package).joinpath(file).read_bytes()
    expected = yaml.safe_load(data.decode("utf-8"))
    first = load_packaged_yaml(name, data)
    assert cache_dir() == cache
    entries = list(cache.glob(f"{name}-*.json"))
    assert len(entries) == 1
    second = load_packaged_yaml(name, data)  # now from the entry
    assert _same(first, expected) and _same(second, expected)


def test_an_edited_file_is_parsed_again_not_read_stale(cache: Path) -> None:
    assert load_packaged_yaml("weights", b"weights:\n  demand: 0.5\n") == {"weights": {"demand": 0.5}}
    assert load_packaged_yaml("weights", b"weights:\n  demand: 0.25\n") == {"weights": {"demand": 0.25}}
    assert len(list(cache.glob("weights-*.json"))) == 2
    assert load_packaged_yaml("weights", b"weights:\n  demand: 0.5\n") == {"weights": {"demand": 0.5}}


def test_what_json_cannot_hold_exactly_is_not_cached(cache: Path) -> None:
    import datetime as dt

    assert load_packaged_yaml("dated", b"as_of: 2024-01-31\n") == {"as_of": dt.date(2024, 1, 31)}
    assert load_packaged_yaml("numbered", b"2019: 3\n") == {2019: 3}  # JSON would make the key "2019"
    assert load_packaged_yaml("typed", b"a: 1\nb: 1.0\nc: true\n") == {"a": 1, "b": 1.0, "c": True}
    assert not list(cache.glob("dated-*")) and not list(cache.glob("numbered-*"))
    typed = load_packaged_yaml("typed", b"a: 1\nb: 1.0\nc: true\n")  # cached: types kept
    assert [type(v) for v in typed.values()] == [int, float, bool]


def test_a_damaged_entry_or_an_unwritable_folder_only_costs_the_parse(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"weights:\n  demand: 0.5\n"
    load_packaged_yaml("weights", data)
    (entry,) = cache.glob("weights-*.json")
    entry.write_text('{"weights": {"dem', encoding="utf-8")  # not JSON
    assert load_packaged_yaml("weights", data) == {"weights": {"demand": 0.5}}
    assert entry.read_text(encoding="utf-8").startswith('{"weights"') and load_packaged_yaml("weights", data) == {"weights": {"demand": 0.5}}
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # koppel/yaml cannot be created under a file
    assert load_packaged_yaml("weights", data) == {"weights": {"demand": 0.5}}
    with pytest.raises(yaml.YAMLError):
        load_packaged_yaml("broken", b"a: [1, 2\n")


def test_schema_and_weights_load_the_same_with_and_without_the_cache(cache: Path) -> None:
    text = resources.files("koppel.graph").joinpath("schema.yaml").read_text(encoding="utf-8")
    fields = ("nodes", "relationships", "node_common", "rel_common")
    expected = parse_schema(yaml.safe_load(text))
    for schema in (load_schema(), load_schema()):  # first parsed and written, then read from the entry
        assert all(getattr(schema, f) == getattr(expected, f) for f in fields)
    assert len(list(cache.glob("schema-*.json"))) == 1
    assert load_weights() == load_weights()


def test_a_bad_weights_file_is_still_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("weights: [1, 2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"w\.yaml: not valid YAML"):
        load_weights(bad)


def test_the_cli_reads_the_schema_without_importing_yaml_once_cached(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    probe = "import sys, koppel.graph.schema; print('yaml' in sys.modules)"
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # parsed the first time; the second process reads the entries


def test_a_weights_file_that_is_not_text_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_bytes(b"weights:\n  demand: \xff\n")
    with pytest.raises(ValidationError, match=r"w\.yaml: not UTF-8 text \(byte 19\)"):
        load_weights(bad)
