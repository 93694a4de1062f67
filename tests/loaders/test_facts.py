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


# -- issue 10: evidence checked at load, values that cannot lie --------------------------------------

@pytest.mark.parametrize(
    ("sources", "reason"),
    [
        ("[L999]", "'d8#L999': line 999 is past the end of d8 (8 lines)"),
        ("[nonexistent-doc#L1]", "'nonexistent-doc#L1': no source document 'nonexistent-doc'"),
        ("[see the letter]", "'see the letter' is not a locator: write <document-id>#L<from>"),
        ("[L3-L9]", "'d8#L3-L9': line 9 is past the end of d8 (8 lines)"),
    ],
)
def test_locators_that_do_not_resolve_are_refused_with_file_line_record_and_field(tmp_path, sources, reason):
    (tmp_path / "d8.txt").write_text("".join(f"regel {i}\n" for i in range(1, 9)), encoding="utf-8")
    path = write(tmp_path, f"document: d8\nnodes:\n  - {{label: Forum, key: f1, name: F, kind: dialogue, sources: {sources}}}\n")
    with pytest.raises(ValidationError) as caught:
        parse_facts([path])
    assert f"{path}:3: nodes[0] (key f1) field 'sources': {reason}" in str(caught.value)


def test_every_locator_of_the_seed_resolves(sources_dir):
    from koppel.loaders import seed_files
    from koppel.loaders.locators import locator_problem

    facts = parse_facts(seed_files(), sources=sources_dir)
    locators = {loc for record in [*facts.nodes, *facts.relationships] for loc in record.properties["sources"]}
    assert len(locators) > 200
    assert [loc for loc in sorted(locators) if locator_problem(loc, [sources_dir])] == []
    letter = next(n for n in facts.nodes if n.key == "kamerbrief-2014-02-25-strategische-landenbenadering-migratie")
    assert letter.properties["line_count"] == 259 and len(letter.properties["sha256"]) == 64


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        ("{label: Event, key: e1, name: x, kind: visit, date: 0, sources: [L1]}", "date", "0 is not a date: write YYYY-MM-DD"),
        ("{label: Project, key: p1, name: x, amount_eur: .nan, sources: [L1]}", "amount_eur", "NaN is not a number"),
        ("{label: Project, key: p1, name: x, amount_eur: -.inf, sources: [L1]}", "amount_eur", "finite number"),
        ('{label: Forum, key: f1, name: "a\\x07b", kind: dialogue, sources: [L1]}', "name", "holds a control character"),
        ('{label: Country, key: "ir\\u200bq", name: Irak, has_iso_code: false, sources: [L1]}', "key", "control or invisible character"),
        ("{label: Dossier, key: IRQ, name: x, domain: return, sources: [L1]}", "key", "key 'IRQ' is not a slug"),
        ("{label: Country, key: irq, name: x, has_iso_code: true, sources: [L1]}", "key", "a three-letter country key is an ISO code, IRQ"),
        ("{label: Forum, key: a/b, name: x, kind: dialogue, sources: [L1]}", "key", "key 'a/b' is not a slug"),
        ('{label: Forum, key: "", name: x, kind: dialogue, sources: [L1]}', "key", "a key is a non-empty string"),
        ("{label: Forum, key: f1, name: x, kind: dialogue, valid_from: 2014-02-01, valid_to: 2013-01-01, sources: [L1]}", "valid_to",
         "valid_to 2013-01-01 is before valid_from 2014-02-01"),
        ("{label: Forum, key: f1, name: x, kind: dialogue, sources: [L1], inferred: {colour: guess}}", "inferred", "'colour' is not a property of this record"),
    ],
)
def test_values_that_would_lie_are_refused_with_file_line_record_and_field(tmp_path, record, field, reason):
    path = write(tmp_path, f"document: d\nnodes:\n  - {record}\n")
    with pytest.raises(ValidationError) as caught:
        parse_facts([path])
    message = str(caught.value)
    assert f"{path}:3: nodes[0]" in message and f"field '{field}'" in message and reason in message
