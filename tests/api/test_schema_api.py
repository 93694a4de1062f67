"""GET /api/schema: the schema as the faces show it, one source for labels, names, colours and shapes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings
from koppel.graph.schema import SCHEMA
from koppel.queries.search import SEARCHABLE_LABELS


def _schema() -> dict:
    # The schema needs no store: an app over a store that does not exist still answers it.
    app = create_app(ApiSettings(KOPPEL_STORE="embedded:/nonexistent/koppel-store"))
    with TestClient(app) as client:
        response = client.get("/api/schema")
        assert response.status_code == 200, response.text
        spec = client.get("/openapi.json").json()
    assert spec["paths"]["/api/schema"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SchemaAnswer"}
    return response.json()


def test_every_label_and_type_has_dutch_and_english_names_and_a_style():
    body = _schema()
    assert body["languages"] == ["nl", "en"]
    assert [entry["label"] for entry in body["labels"]] == SCHEMA.labels
    assert [entry["type"] for entry in body["relationship_types"]] == SCHEMA.rel_types
    shapes = set()
    for entry in body["labels"]:
        assert entry["names"]["nl"].strip() and entry["names"]["en"].strip(), entry["label"]
        assert re.fullmatch(r"#[0-9a-f]{6}", entry["style"]["colour"]), entry
        shapes.add((entry["style"]["shape"], entry["style"]["colour"]))
        assert {p["name"] for p in entry["properties"]} >= {"key", "name", "sources"}
    assert len(shapes) == len(body["labels"]), "each label is drawn its own way"
    for entry in body["relationship_types"]:
        assert entry["names"]["nl"].strip() and entry["names"]["en"].strip(), entry["type"]
        assert entry["endpoints"] and all(len(pair) == 2 for pair in entry["endpoints"])
    by_label = {entry["label"]: entry for entry in body["labels"]}
    assert by_label["Country"]["names"] == {"nl": "Land", "en": "Country"}
    assert by_label["Linkage"]["names"]["nl"] == "Koppeling"
    links = {entry["type"]: entry for entry in body["relationship_types"]}["LINKS"]
    assert links["style"]["line"] == "solid" and links["style"]["width"] == 3


def test_search_indexes_exactly_the_labels_the_schema_marks_searchable():
    body = _schema()
    assert list(SEARCHABLE_LABELS) == [entry["label"] for entry in body["labels"] if entry["searchable"]]
    assert "Assessment" not in SEARCHABLE_LABELS and "Country" in SEARCHABLE_LABELS
