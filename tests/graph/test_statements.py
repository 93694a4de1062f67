"""Many sources, one graph (issue 10), on both stores: statements are added, never overwritten; unload removes one source exactly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import parse_facts
from koppel.queries.linkage import linkages

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


def content(store):
    return store.all_nodes(), store.all_relationships()


def _document(folder: Path, name: str, lines: int = 10) -> None:
    (folder / f"{name}.txt").write_text("".join(f"regel {i}\n" for i in range(1, lines + 1)), encoding="utf-8")


def _facts(folder: Path, text: str, name: str = "facts.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _scores(answer):
    return {c["key"]: c["score"] for c in answer["candidates"]}


@pytest.fixture
def seeded(empty_store, seed_facts):
    empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    return empty_store


def test_a_second_source_restating_somalia_to_attach_a_forum_erases_nothing(seeded, tmp_path):
    """Today's wipe (issue 10): SOM restated by another document kept its aliases, risk factors, sources and linkage scores."""
    before = seeded.run("MATCH (c:Country {key: 'SOM'}) RETURN c").value()
    scores_before = _scores(linkages(seeded, "SOM", with_robustness=False))
    _document(tmp_path, "other-doc")
    path = _facts(tmp_path, """document: other-doc
nodes:
  - {label: Country, key: SOM, sources: [L2]}
  - {label: Forum, key: test-forum, name: Testforum, kind: dialogue, sources: [L1]}
relationships:
  - {type: PARTICIPATES_IN, from: SOM, to: test-forum, sources: [L1]}
""")
    facts = parse_facts([path], store=seeded)
    report = seeded.upsert(facts.nodes, facts.relationships)
    assert (report.nodes_created, report.nodes_updated, report.relationships_created) == (1, 1, 1)
    after = seeded.run("MATCH (c:Country {key: 'SOM'}) RETURN c").value()
    assert after["aliases"] == before["aliases"] and after["risk_factors"] == before["risk_factors"] == ["post_conflict", "failed_state_history", "secession"]
    assert after["sources"] == before["sources"] + ["other-doc#L2"]  # the letter's locators kept, in order; the new one added
    assert {k: v for k, v in after.items() if k != "sources"} == {k: v for k, v in before.items() if k != "sources"}
    scores_after = _scores(linkages(seeded, "SOM", with_robustness=False))
    assert {k: scores_after[k] for k in scores_before} == scores_before
    statements = seeded.statements("SOM")
    assert statements["sources"] == ["kamerbrief-2014-02-25-strategische-landenbenadering-migratie", "other-doc"]
    assert statements["disagreements"] == {}


def test_unloading_one_source_leaves_the_other_exactly_as_it_was(seeded, tmp_path):
    before = content(seeded)
    _document(tmp_path, "other-doc")
    path = _facts(tmp_path, """document: other-doc
nodes:
  - {label: Country, key: SOM, aliases: [Somalie], sources: [L2]}
  - {label: Forum, key: test-forum, name: Testforum, kind: dialogue, sources: [L1]}
relationships:
  - {type: PARTICIPATES_IN, from: SOM, to: test-forum, sources: [L1]}
  - {type: PARTICIPATES_IN, from: NLD, to: test-forum, sources: [L3]}
""")
    facts = parse_facts([path], store=seeded)
    seeded.upsert(facts.nodes, facts.relationships)
    assert "Somalie" in seeded.run("MATCH (c:Country {key: 'SOM'}) RETURN c.aliases AS a").value()
    report = seeded.unload("other-doc")
    assert report.as_dict() == {"document": "other-doc", "nodes_removed": 1, "nodes_updated": 1, "relationships_removed": 2, "relationships_updated": 0}
    assert content(seeded) == before
    with pytest.raises(NotFound, match="no statement of the source 'other-doc'"):
        seeded.unload("other-doc")


class _Interrupted(Exception):
    """Raised by a progress callback to stop an unload between its steps."""


def test_unload_is_one_transaction_a_failure_midway_leaves_the_store_unchanged(empty_store):
    """The rewrite of the kept node and the removal of the relationships have run when the unload fails: none of it stays."""
    a = [NodeRecord("Forum", "f1", {"name": "Eerste", "kind": "dialogue", "aliases": ["A"], "sources": ["doc-a#L1"]}),
         NodeRecord("Forum", "f2", {"name": "Tweede", "kind": "dialogue", "sources": ["doc-a#L2"]}),
         NodeRecord("Forum", "f3", {"name": "Derde", "kind": "dialogue", "sources": ["doc-a#L3"]})]
    b = [NodeRecord("Forum", "f1", {"name": "Eerste", "kind": "dialogue", "aliases": ["B"], "sources": ["doc-b#L5"]}),
         NodeRecord("Organisation", "o1", {"name": "Organisatie", "kind": "ministry", "sources": ["doc-b#L6"]})]
    empty_store.upsert(b, [])
    empty_store.upsert(a, [RelRecord("PARTICIPATES_IN", "o1", "f1", "Organisation", "Forum", {"sources": ["doc-a#L4"]}),
                           RelRecord("PARTICIPATES_IN", "o1", "f2", "Organisation", "Forum", {"sources": ["doc-a#L4"]})])
    before = content(empty_store)
    stages: list[str] = []

    def interrupt(stage: str, done: int) -> None:
        stages.append(stage)
        if stage == "nodes removed":
            raise _Interrupted

    with pytest.raises(_Interrupted):
        empty_store.unload("doc-a", progress=interrupt)
    assert stages[0] == "nodes" and "relationships removed" in stages and stages[-1] == "nodes removed"  # f1 rewritten, o1's ties removed, f2 or f3 removed
    assert content(empty_store) == before
    report = empty_store.unload("doc-a")  # and it runs through afterwards
    assert (report.nodes_removed, report.nodes_updated, report.relationships_removed) == (2, 1, 2)
    assert {n["key"] for n in empty_store.all_nodes()} == {"o1", "f1"}
    assert empty_store.run("MATCH (f:Forum {key: 'f1'}) RETURN f.aliases AS a").value() == ["B"]
    assert empty_store.all_relationships() == []


def test_unloading_the_first_source_keeps_what_the_second_states(empty_store, tmp_path):
    first = [NodeRecord("Forum", "f1", {"name": "Eerste", "kind": "dialogue", "aliases": ["A"], "sources": ["doc-a#L1"]}),
             NodeRecord("Forum", "f2", {"name": "Tweede", "kind": "dialogue", "sources": ["doc-a#L2"]})]
    second = [NodeRecord("Forum", "f1", {"name": "Eerste", "kind": "dialogue", "aliases": ["B"], "sources": ["doc-b#L5"]})]
    empty_store.upsert(first, [RelRecord("PART_OF", "f2", "f1", "Forum", "Forum", {"sources": ["doc-a#L2"]})])
    empty_store.upsert(second, [])
    assert empty_store.run("MATCH (f:Forum {key: 'f1'}) RETURN f.aliases AS a, f.sources AS s").records() == [
        {"a": ["A", "B"], "s": ["doc-a#L1", "doc-b#L5"]}
    ]
    report = empty_store.unload("doc-a")
    assert (report.nodes_removed, report.nodes_updated, report.relationships_removed) == (1, 1, 1)
    assert empty_store.all_nodes() == [{"_label": "Forum", "key": "f1", "name": "Eerste", "kind": "dialogue", "aliases": ["B"], "sources": ["doc-b#L5"]}]
    assert empty_store.all_relationships() == []


def test_disagreeing_sources_are_both_kept_and_the_newest_is_shown(empty_store):
    docs = [NodeRecord("Document", "doc-old", {"name": "Oud", "doc_type": "letter_to_parliament", "date": dt.date(2010, 1, 1), "sources": ["doc-old#L1"]}),
            NodeRecord("Document", "doc-new", {"name": "Nieuw", "doc_type": "letter_to_parliament", "date": dt.date(2014, 1, 1), "sources": ["doc-new#L1"]})]
    empty_store.upsert(docs, [])
    new = NodeRecord("Dossier", "d1", {"name": "Visum", "domain": "visa_facilitation", "status": "in_place", "sources": ["doc-new#L3"]})
    old = NodeRecord("Dossier", "d1", {"name": "Visum", "domain": "visa_facilitation", "status": "requested", "sources": ["doc-old#L7"]})
    empty_store.upsert([new], [])
    empty_store.upsert([old], [])  # loaded later, but the older source: it does not win
    assert empty_store.run("MATCH (d:Dossier {key: 'd1'}) RETURN d.status AS s").value() == "in_place"
    found = empty_store.statements("d1")
    assert found["disagreements"] == {"status": [
        {"value": "requested", "source": "doc-old", "source_date": "2010-01-01"},
        {"value": "in_place", "source": "doc-new", "source_date": "2014-01-01"},
    ]}
    shown = {(r["property"], r["source"]): r["shown"] for r in found["statements"]}
    assert shown[("status", "doc-new")] is True and shown[("status", "doc-old")] is False
    empty_store.unload("doc-new")  # the disagreement resolves to the remaining source
    assert empty_store.run("MATCH (d:Dossier {key: 'd1'}) RETURN d.status AS s").value() == "requested"


def test_a_reload_of_the_same_source_is_unchanged_and_writes_nothing(empty_store):
    small = parse_facts([SMALL])
    empty_store.upsert(small.nodes, small.relationships)
    before = content(empty_store)
    again = empty_store.upsert(small.nodes, small.relationships)
    assert again.unchanged and again.nodes_unchanged == 8 and again.relationships_unchanged == 10
    assert content(empty_store) == before


def test_an_endpoint_only_in_the_store_is_found_and_one_missing_from_both_is_named(empty_store, tmp_path):
    small = parse_facts([SMALL])
    empty_store.upsert(small.nodes, small.relationships)
    _document(tmp_path, "d")
    path = _facts(tmp_path, "document: d\nrelationships:\n  - {type: MEMBER_OF, from: IRQ, to: budapest-process, sources: [L1]}\n")
    facts = parse_facts([path], store=empty_store)
    assert [(r.start_label, r.end_label) for r in facts.relationships] == [("Country", "Forum")]
    empty_store.upsert(facts.nodes, facts.relationships)
    assert empty_store.run("MATCH (:Country {key: 'IRQ'})-[r:MEMBER_OF]->(:Forum {key: 'budapest-process'}) RETURN count(r) AS n").value() == 1
    missing = _facts(tmp_path, "document: d\nrelationships:\n  - {type: MEMBER_OF, from: IRQ, to: atlantis-forum, sources: [L1]}\n", "missing.yaml")
    with pytest.raises(ValidationError, match=r"missing.yaml:3: relationships\[0\] \(IRQ -MEMBER_OF-> atlantis-forum\): no node with to 'atlantis-forum' in these files or the store"):
        parse_facts([missing], store=empty_store)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (NodeRecord("Dossier", "IRQ", {"name": "x", "domain": "return", "sources": ["d#L1"]}), "key 'IRQ' is not a slug"),
        (NodeRecord("Country", "irq", {"name": "x", "has_iso_code": True, "sources": ["d#L1"]}), "key 'irq' is not an ISO alpha-3 code in upper case (IRQ) or a slug"),
        (NodeRecord("Forum", "a/b", {"name": "x", "kind": "dialogue", "sources": ["d#L1"]}), "key 'a/b' is not a slug"),
        (NodeRecord("Forum", "", {"name": "x", "kind": "dialogue", "sources": ["d#L1"]}), "a key is a non-empty string"),
        (NodeRecord("Country", "ir\u200bq", {"name": "Irak", "has_iso_code": False, "sources": ["d#L1"]}), "control or invisible character"),
        (NodeRecord("Project", "p", {"name": "x", "amount_eur": float("nan"), "sources": ["d#L1"]}), "field 'amount_eur': nan is not a finite number"),
        (NodeRecord("Project", "p", {"name": "x", "amount_eur": float("inf"), "sources": ["d#L1"]}), "field 'amount_eur': inf is not a finite number"),
        (NodeRecord("Forum", "f", {"name": "a\x00b", "kind": "dialogue", "sources": ["d#L1"]}), "field 'name': 'a\\x00b' holds a control character"),
        (NodeRecord("Forum", "f", {"name": "x", "kind": "dialogue", "valid_from": dt.date(2014, 1, 2), "valid_to": dt.date(2013, 1, 1), "sources": ["d#L1"]}),
         "valid_to 2013-01-01 is before valid_from 2014-01-02"),
    ],
)
def test_records_that_would_lie_are_refused_by_the_store_and_change_nothing(empty_store, record, reason):
    small = parse_facts([SMALL])
    empty_store.upsert(small.nodes, small.relationships)
    before = content(empty_store)
    with pytest.raises(ValidationError, match="nothing was written") as caught:
        empty_store.upsert([record], [])
    assert reason in str(caught.value)
    assert content(empty_store) == before


def test_a_key_used_under_another_label_in_the_store_is_refused(empty_store):
    small = parse_facts([SMALL])
    empty_store.upsert(small.nodes, small.relationships)
    before = content(empty_store)
    with pytest.raises(ValidationError, match=r"unique across labels.*Dossier 'silk-route' \(stored as CountryGroup\)"):
        empty_store.upsert([NodeRecord("Dossier", "silk-route", {"name": "x", "domain": "return", "sources": ["test-doc#L1"]})], [])
    assert content(empty_store) == before


def test_inferred_properties_are_marked_on_the_node_and_in_its_statements(empty_store, tmp_path):
    _document(tmp_path, "d")
    path = _facts(tmp_path, """document: d
nodes:
  - label: Dossier
    key: d1
    name: Hulp
    domain: development_aid
    status: cut
    sources: [L1]
    inferred: {status: "the source reports a decision to stop, not the state of the aid"}
  - {label: Forum, key: f1, name: F, kind: dialogue, sources: [L2], inferred: "grouped by koppel's curators"}
""")
    facts = parse_facts([path])
    empty_store.upsert(facts.nodes, facts.relationships)
    assert empty_store.run("MATCH (d:Dossier {key: 'd1'}) RETURN d.inferred AS i").value() == ["status"]
    assert empty_store.run("MATCH (f:Forum {key: 'f1'}) RETURN f.inferred AS i").value() == ["record"]
    rows = {r["property"]: r for r in empty_store.statements("d1")["statements"]}
    assert rows["status"]["certainty"] == "inferred" and rows["status"]["basis"].startswith("the source reports")
    assert rows["name"]["certainty"] == "stated" and rows["name"]["basis"] is None


def test_check_sources_reports_locators_into_a_file_that_changed_since_loading(empty_store, tmp_path):
    from koppel.loaders.evidence_check import stale_evidence

    sources = tmp_path / "sources"
    sources.mkdir()
    _document(sources, "brief-2020", lines=12)
    path = _facts(tmp_path, """document: brief-2020
nodes:
  - {label: Document, key: brief-2020, name: Brief, doc_type: letter_to_parliament, date: 2020-01-01, sources: [L1]}
  - {label: Forum, key: f1, name: F, kind: dialogue, sources: [L4-L5]}
""")
    facts = parse_facts([path], sources=sources)
    empty_store.upsert(facts.nodes, facts.relationships)
    assert stale_evidence(empty_store, sources) == {"ok": True, "checked": 1, "documents": []}
    (sources / "brief-2020.txt").write_text("a different text\n", encoding="utf-8")
    report = stale_evidence(empty_store, sources)
    assert not report["ok"] and report["documents"][0]["document"] == "brief-2020"
    assert report["documents"][0]["locators"] == ["brief-2020#L1", "brief-2020#L4-L5"]
    assert "changed since it was loaded" in report["documents"][0]["problem"]


# -- the command line: a real `koppel` process on each store -----------------------------------------

def _koppel(*args: str, env: dict[str, str] | None = None) -> "subprocess.CompletedProcess[str]":
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "koppel.api.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "500", **(env or {})}, timeout=180)  # no wrapped lines


@pytest.fixture
def cli_store(store_kind, tmp_path, request):
    if store_kind == "embedded":
        return f"embedded:{tmp_path / 'store'}"
    env = request.getfixturevalue("neo4j_env")
    assert _koppel("clear", "--yes", "--store", env["NEO4J_URI"]).returncode == 0
    return env["NEO4J_URI"]


def test_the_cli_loads_a_second_source_reports_unchanged_shows_statements_and_unloads(cli_store, tmp_path):
    import json

    first = json.loads(_koppel("load", str(SMALL), "--store", cli_store, "--json").stdout)
    assert first["nodes_created"] == 8
    again = _koppel("load", str(SMALL), "--store", cli_store)
    assert again.returncode == 0 and "unchanged (every statement was already stored)" in again.stderr
    _document(tmp_path, "other-doc")
    path = _facts(tmp_path, "document: other-doc\nnodes:\n  - {label: Country, key: IRQ, aliases: [Irak (andere bron)], sources: [L2]}\n"
                            "relationships:\n  - {type: MEMBER_OF, from: IRQ, to: budapest-process, sources: [L3]}\n")
    second = json.loads(_koppel("load", str(path), "--store", cli_store, "--json").stdout)  # budapest-process is only in the store
    assert (second["nodes_updated"], second["relationships_created"]) == (1, 1)
    shown = json.loads(_koppel("evidence", "IRQ", "--store", cli_store, "--json").stdout)
    assert shown["sources"] == ["test-doc", "other-doc"]
    assert {(r["property"], r["source"]) for r in shown["statements"]} >= {("aliases", "test-doc"), ("aliases", "other-doc")}
    unloaded = json.loads(_koppel("unload", "other-doc", "--store", cli_store, "--json").stdout)
    assert unloaded == {"document": "other-doc", "nodes_removed": 0, "nodes_updated": 1, "relationships_removed": 1, "relationships_updated": 0}
    missing = _koppel("unload", "other-doc", "--store", cli_store)
    assert missing.returncode == 6 and missing.stderr.startswith("koppel: error: the store holds no statement of the source 'other-doc'")
    bad = _facts(tmp_path, "document: other-doc\nnodes:\n  - {label: Forum, key: f9, name: F, kind: dialogue, sources: [L99]}\n", "bad.yaml")
    refused = _koppel("load", str(bad), "--store", cli_store)
    assert refused.returncode == 4 and f"{bad}:3: nodes[0] (key f9) field 'sources': 'other-doc#L99': line 99 is past the end of other-doc (10 lines)" in refused.stderr


def test_the_cli_check_sources_exits_1_for_a_changed_source(cli_store, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    _document(sources, "brief-2020")
    path = _facts(tmp_path, "document: brief-2020\nnodes:\n  - {label: Document, key: brief-2020, name: Brief, doc_type: letter_to_parliament, sources: [L1]}\n")
    env = {"KOPPEL_SOURCES": str(sources)}
    assert _koppel("load", str(path), "--store", cli_store, env=env).returncode == 0
    ok = _koppel("check", "--sources", "--store", cli_store, env=env)
    assert ok.returncode == 0 and "ok: 1 source document(s) checked, 0 changed or missing" in ok.stderr
    (sources / "brief-2020.txt").write_text("rewritten\n", encoding="utf-8")
    stale = _koppel("check", "--sources", "--store", cli_store, env=env)
    assert stale.returncode == 1 and "brief-2020: the file changed since it was loaded" in stale.stderr and "brief-2020#L1" in stale.stderr


def test_the_api_shows_each_sources_statements_and_the_disagreement(empty_store):
    """GET /api/statements/{key} answers what `koppel evidence KEY` prints, over the same store; bad keys are 4xx problems."""
    from fastapi.testclient import TestClient

    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings

    docs = [NodeRecord("Document", "doc-old", {"name": "Oud", "doc_type": "letter_to_parliament", "date": dt.date(2010, 1, 1), "sources": ["doc-old#L1"]}),
            NodeRecord("Document", "doc-new", {"name": "Nieuw", "doc_type": "letter_to_parliament", "date": dt.date(2014, 1, 1), "sources": ["doc-new#L1"]})]
    empty_store.upsert(docs, [])
    empty_store.upsert([NodeRecord("Dossier", "d1", {"name": "Visum", "domain": "visa_facilitation", "status": "in_place", "sources": ["doc-new#L3"]})], [])
    empty_store.upsert([NodeRecord("Dossier", "d1", {"name": "Visum", "domain": "visa_facilitation", "status": "requested", "sources": ["doc-old#L7"]})], [])
    expected = json.loads(json.dumps(empty_store.statements("d1"), default=str))
    if empty_store.kind == "embedded":
        empty_store.close()  # the served app reads the embedded store once the writer is done with it
    with TestClient(create_app(ApiSettings(KOPPEL_STORE=empty_store.location)), raise_server_exceptions=False) as client:
        answer = client.get("/api/statements/d1")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body == expected
        assert body["disagreements"] == {"status": [
            {"value": "requested", "source": "doc-old", "source_date": "2010-01-01"},
            {"value": "in_place", "source": "doc-new", "source_date": "2014-01-01"},
        ]}
        shown = {(r["property"], r["source"]): r["shown"] for r in body["statements"] if r["property"] == "status"}
        assert shown == {("status", "doc-new"): True, ("status", "doc-old"): False}
        missing = client.get("/api/statements/nothing-here")
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
        assert client.get("/api/statements/a%2Fb").status_code in (404, 422)
        assert client.get("/api/statements/bad%20key").status_code == 422


def test_algerias_initiative_is_the_netherlands_marked_inferred_with_its_basis(seeded_store):
    """L43-L48: Algeria's cooperation is to be consolidated by intensified relations; the letter does not name who acts."""
    rows = seeded_store.run(
        "MATCH (n:Country {key: 'NLD'})-[r:INITIATED]->(l:Linkage {key: 'linkage-dza-intensivering-betrekkingen'}) RETURN r.sources AS s, r.inferred AS i"
    ).records()
    letter = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"
    assert rows == [{"s": [f"{letter}#L43-L48", f"{letter}#L9-L13"], "i": ["record"]}]
    wants = seeded_store.run("MATCH (:Country {key: 'NLD'})-[r:WANTS]->(:Dossier {key: 'dza-intensivering-bilaterale-betrekkingen'}) RETURN r.inferred").value()
    assert wants == ["record"]
    basis = [r for r in seeded_store.statements("NLD")["relationships"] if r["type"] == "INITIATED" and r["to"] == "linkage-dza-intensivering-betrekkingen"]
    assert basis[0]["statements"][0]["certainty"] == "inferred" and "passive voice" in basis[0]["statements"][0]["basis"]
