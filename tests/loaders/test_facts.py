"""Facts files are validated whole, with file, line, record and field in every problem."""

from pathlib import Path

import pytest

from koppel.graph.errors import ValidationError
from koppel.loaders.facts import parse_facts

DATA = Path(__file__).resolve().parent.parent / "data"


def write(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    """A facts file, with a 20-line document ``d`` beside it for its locators to cite."""
    (tmp_path / "d.txt").write_text("".join(f"line {i}\n" for i in range(1, 21)), encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_file_validates_and_expands_locators():
    facts = parse_facts([DATA / "small.yaml"])
    assert len(facts.nodes) == 8 and len(facts.relationships) == 10
    irq = next(n for n in facts.nodes if n.key == "IRQ")
    assert irq.properties["sources"] == ["test-doc#L2-L3"]


def test_countries_get_names_and_codes_from_pycountry():
    facts = parse_facts([DATA / "small.yaml"])
    irq = next(n for n in facts.nodes if n.key == "IRQ")
    assert irq.properties["name_nl"] == "Irak"
    assert irq.properties["name_en"] == "Iraq"
    assert irq.properties["iso_alpha2"] == "IQ"
    assert irq.properties["has_iso_code"] is True
    assert "Iraakse" in irq.properties["aliases"]


def test_every_problem_is_reported_with_file_line_record_and_field(tmp_path):
    path = write(
        tmp_path,
        """document: d
nodes:
  - {label: Country, key: NLD, sources: [L1]}
  - {label: Planet, key: mars, sources: [L2]}
  - label: Forum
    key: f
    name: F
    kind: picnic
    sources: [L3]
  - {label: Forum, key: g, name: G, kind: dialogue, sources: []}
relationships:
  - {type: MEMBER_OF, from: NLD, to: nowhere, sources: [L4]}
  - {type: FUNDS, from: NLD, to: NLD, sources: [L5]}
""",
    )
    with pytest.raises(ValidationError) as caught:
        parse_facts([path])
    message = str(caught.value)
    assert "5 problems" in message
    assert f"{path}:4: nodes[1] (key mars) field 'label': unknown label 'Planet'" in message
    assert f"{path}:5: nodes[2] (key f) field 'kind'" in message and "picnic" not in message.split("kind'")[0]
    assert "field 'sources'" in message
    assert "no node with to 'nowhere'" in message
    assert "FUNDS does not join Country->Country" in message


def test_duplicate_keys_and_relationships_are_refused(tmp_path):
    path = write(
        tmp_path,
        """document: d
nodes:
  - {label: Country, key: NLD, sources: [L1]}
  - {label: Forum, key: f, name: F, kind: dialogue, sources: [L1]}
  - {label: CountryGroup, key: f, name: x, kind: route, sources: [L1]}
relationships:
  - {type: PARTICIPATES_IN, from: NLD, to: f, sources: [L1]}
  - {type: PARTICIPATES_IN, from: NLD, to: f, sources: [L2]}
""",
    )
    with pytest.raises(ValidationError) as caught:
        parse_facts([path])
    assert "key 'f' is already used by" in str(caught.value) and "(Forum)" in str(caught.value)
    assert "stated twice" in str(caught.value)


def test_broken_yaml_and_missing_files_name_the_file(tmp_path):
    path = write(tmp_path, "nodes: [\n")
    with pytest.raises(ValidationError, match="not valid YAML"):
        parse_facts([path])
    with pytest.raises(ValidationError, match="cannot read facts file"):
        parse_facts([tmp_path / "absent.yaml"])


def test_json_facts_are_accepted(tmp_path):
    path = write(
        tmp_path,
        '{"document": "d", "nodes": [{"label": "Country", "key": "GHA", "sources": ["L1"]}]}',
        name="facts.json",
    )
    facts = parse_facts([path])
    assert facts.nodes[0].properties["name_nl"] == "Ghana"
