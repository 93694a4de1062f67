"""The benchmark's bulk import (``benchmarks/neo4j_bulk.py``) writes what koppel's own load stores.

The CSV files handed to ``neo4j-admin database import`` are read back here with
the importer's header types and compared with every node and relationship a
real koppel load leaves in each store kind (statements' first-seen stamps
aside, they are the time of each load). The importer itself, on a real Neo4j,
is checked by ``neo4j_bulk.py --verify`` (BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import neo4j_bulk  # noqa: E402
from synthetic import Synthetic, load  # noqa: E402

from koppel.graph.models import NodeRecord  # noqa: E402


def small_graph() -> Synthetic:
    """A handful of records with every property type, a quote and a comma in a name, an unset number and a node stated by two sources."""
    g = Synthetic()
    g.node("Country", "NLD", name="Nederland", has_iso_code=True, status="state")
    g.node("Country", "AFG", name='Afghanistan, "Islamitische Emiraat"', has_iso_code=True, risk_factors=["post_conflict", "weak_government"])
    g.node("Organisation", "europese-unie", name="Europese Unie", kind="international_organisation")
    g.node("Agreement", "afg-agreement-00", agreement_type="mou", status="signed", date_signed=dt.date(2012, 3, 4))
    g.node("Project", "afg-project-000", status="funded", amount_eur=125000.0)
    g.node("Donor", "donor-nld", donor_type="bilateral")
    g.node("ReturnObservation", "returns-afg-nld-2015", year=2015, persons=35, availability="reported", dataset="synthetic")
    g.node("ReturnObservation", "returns-afg-nld-2016", year=2016, persons=None, availability="not_available", dataset="synthetic")
    g.rel("PARTY_TO", "AFG", "afg-agreement-00")
    g.rel("PARTY_TO", "NLD", "afg-agreement-00")
    g.rel("MEMBER_OF", "NLD", "europese-unie")
    g.rel("BENEFITS", "afg-project-000", "AFG")
    g.rel("FUNDS", "donor-nld", "afg-project-000", amount_eur=5000.0)
    g.rel("OF_CITIZENSHIP", "returns-afg-nld-2015", "AFG")
    g.rel("REPORTED_BY", "returns-afg-nld-2015", "NLD")
    g.rel("OF_CITIZENSHIP", "returns-afg-nld-2016", "AFG")
    g.rel("REPORTED_BY", "returns-afg-nld-2016", "NLD")
    # A second source states the agreement with another status: the entity shows one, keeps both statements.
    second = {**g.nodes[3].properties, "status": "in_force", "sources": ["other-letter#L12"]}
    g.nodes.append(NodeRecord("Agreement", "afg-agreement-00", second))
    g.countries = ["NLD", "AFG"]
    return g


def _value(text: str, kind: str) -> Any:
    if kind == "string[]":
        return text.split(neo4j_bulk.ARRAY_DELIMITER)
    # Dates as the stores read them back (ISO text, koppel.graph.store.plain), once they parse as dates.
    return {"long": int, "double": float, "boolean": lambda t: t == "true", "date": lambda t: dt.date.fromisoformat(t).isoformat()}.get(kind, str)(text)


def read_csv(folder: Path) -> dict[str, Any]:
    """The CSV files as neo4j-admin reads them (header ``name:type``, empty fields unset), in :func:`neo4j_bulk.snapshot`'s shape."""
    nodes, rels = {}, {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as text:
            rows = list(csv.reader(text))
        header = [column.partition(":") for column in rows[0]]
        for row in rows[1:]:
            props = {name: _value(cell, kind) for (name, _, kind), cell in zip(header, row, strict=True) if cell != "" and name}
            statements = neo4j_bulk._without_seen(props.pop("_statements", None))
            if path.name.startswith("nodes-"):
                label = path.stem.removeprefix("nodes-")
                nodes[row[0]] = (label, props, statements)
            else:
                rels[(path.stem.removeprefix("rels-"), row[0], row[1])] = (props, statements)
    return {"nodes": nodes, "relationships": rels}


def test_bulk_csv_holds_what_koppel_stores(empty_store, tmp_path):
    graph = small_graph()
    load(empty_store, graph, progress=False)
    stored = neo4j_bulk.snapshot(empty_store)

    nodes, rels = neo4j_bulk.planned(graph.nodes, graph.rels)
    arguments = neo4j_bulk.write_csv(nodes, rels, tmp_path / "csv")
    bulk = read_csv(tmp_path / "csv")

    assert len(stored["nodes"]) == 8 and len(stored["relationships"]) == 9
    assert bulk == stored
    assert stored["nodes"]["returns-afg-nld-2015"][1]["persons"] == 35
    assert "persons" not in stored["nodes"]["returns-afg-nld-2016"][1]
    assert sorted(stored["nodes"]["afg-agreement-00"][2]) == ["other-letter", "synthetic"]
    assert f"--nodes=Agreement={tmp_path / 'csv' / 'nodes-Agreement.csv'}" in arguments
    assert f"--relationships=FUNDS={tmp_path / 'csv' / 'rels-FUNDS.csv'}" in arguments


def test_bulk_csv_refuses_what_the_import_would_change(tmp_path):
    graph = small_graph()
    graph.nodes[1].properties["risk_factors"] = ["post|conflict"]
    nodes, rels = neo4j_bulk.planned(graph.nodes, graph.rels)
    with pytest.raises(neo4j_bulk.BulkError, match=r"Country 'AFG'.*risk_factors.*array delimiter"):
        neo4j_bulk.write_csv(nodes, rels, tmp_path / "csv")
    graph = small_graph()
    graph.nodes[4].properties["amount_eur"] = 125000  # an int where the schema says float: koppel would store a long
    nodes, rels = neo4j_bulk.planned(graph.nodes, graph.rels)
    with pytest.raises(neo4j_bulk.BulkError, match=r"Project 'afg-project-000': amount_eur = 125000 is not a float"):
        neo4j_bulk.write_csv(nodes, rels, tmp_path / "csv2")
