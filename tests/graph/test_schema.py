"""The schema is declared once; DDL and models derive from it."""

import pytest
from pydantic import ValidationError

from koppel.graph.ddl import ladybug_ddl, neo4j_ddl
from koppel.graph.models import node_model, rel_model
from koppel.graph.schema import SCHEMA, parse_schema

REQUIRED_LABELS = {"Country", "Organisation", "Donor", "Forum", "Dossier", "Agreement", "Project", "Event", "Document"}


def test_required_labels_are_declared():
    assert REQUIRED_LABELS <= set(SCHEMA.labels)


def test_every_node_and_relationship_carries_provenance_and_valid_time():
    for spec in [*SCHEMA.nodes.values(), *SCHEMA.relationships.values()]:
        assert spec.properties["sources"].required
        assert spec.properties["sources"].type == "string[]"
        assert {"valid_from", "valid_to"} <= spec.properties.keys()


def test_ladybug_ddl_has_one_table_per_label_and_type():
    ddl = ladybug_ddl(SCHEMA)
    node_tables = [s for s in ddl if s.startswith("CREATE NODE TABLE")]
    rel_tables = [s for s in ddl if s.startswith("CREATE REL TABLE")]
    assert len(node_tables) == len(SCHEMA.labels)
    assert len(rel_tables) == len(SCHEMA.rel_types)
    donor = next(s for s in node_tables if " Donor(" in s)
    assert "donor_type STRING" in donor and "sources STRING[]" in donor
    funds = next(s for s in rel_tables if " FUNDS(" in s)
    assert "FROM Donor TO Project" in funds and "amount_eur DOUBLE" in funds


def test_neo4j_ddl_has_a_key_constraint_per_label():
    ddl = neo4j_ddl(SCHEMA)
    for label in SCHEMA.labels:
        assert any(f"FOR (n:{label}) REQUIRE n.key IS UNIQUE" in s for s in ddl), label
    assert all("IF NOT EXISTS" in s for s in ddl)


def test_models_follow_the_schema():
    model = node_model("Agreement")
    ok = model.model_validate(
        {"key": "a", "name": "A", "agreement_type": "mou", "status": "signed", "sources": ["doc#L1"]}
    )
    assert ok.status == "signed"
    with pytest.raises(ValidationError, match="status"):
        model.model_validate({"key": "a", "name": "A", "agreement_type": "mou", "status": "lost", "sources": ["doc#L1"]})
    with pytest.raises(ValidationError, match="colour"):
        model.model_validate({"key": "a", "name": "A", "agreement_type": "mou", "status": "signed", "sources": ["d#L1"], "colour": "red"})
    with pytest.raises(ValidationError, match="sources"):
        rel_model("FUNDS").model_validate({"sources": []})


def test_schema_rejects_an_endpoint_with_an_unknown_label():
    raw = {
        "common": {"node": {"key": "string"}, "relationship": {"sources": "string[]"}},
        "nodes": {"A": {}},
        "relationships": {"R": {"endpoints": [["A", "Missing"]]}},
    }
    with pytest.raises(ValueError, match="unknown label"):
        parse_schema(raw)
