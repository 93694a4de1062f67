"""koppel ingest and koppel review end to end: the workspace, bad input, decisions, re-ingest, and the load of accepted facts on both stores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from koppel.graph.errors import ValidationError
from koppel.loaders.ingest import pipeline
from koppel.loaders.ingest.pipeline import Workspace, ingest
from koppel.loaders.ingest.review import accept_above, accepted_facts, decide, import_decisions, load_accepted, reviewed_files, write_decision_log
from koppel.queries.profile import country_profile

# Morocco's treaties in the corpus: social security (+ its administrative arrangement), labour recruitment,
# aviation, culture, legal assistance, prisoner transfer, EU aviation.
MOROCCO = ["BWBV0001011", "BWBV0001012", "BWBV0004487", "BWBV0005033", "BWBV0002369", "BWBV0004727", "BWBV0001425", "BWBV0001874"]


def koppel(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "koppel.api.cli", *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def one_clear_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("koppel: error: "), result.stderr
    return lines[0]


@pytest.fixture
def morocco(tmp_path: Path, sources_dir: Path) -> Path:
    """A folder with copies of Morocco's treaty texts (the originals stay read-only in ../shared/sources)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for doc_id in MOROCCO:
        shutil.copy(sources_dir / "treaties" / f"{doc_id}.md", folder)
    return folder


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"KOPPEL_INGEST_DIR": str(tmp_path / "workspace")}


# -- bad input: one clear message each, nothing registered -------------------------------------

@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("empty.md", b"", "the file is empty"),
        ("blank.txt", b"  \n\n ", "the file is empty"),
        ("latin1.txt", "Verdrag met Curaçao".encode("latin-1"), "not UTF-8 text (byte 16"),
        ("scan.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ],
)
def test_bad_files_are_refused_with_one_line_and_nothing_registered(tmp_path: Path, env: dict[str, str], morocco: Path, name: str, content: bytes, message: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = koppel("ingest", str(morocco), str(bad), env=env, check=False)
    assert result.returncode == 4
    line = one_clear_line(result)
    assert str(bad) in line and message in line
    assert not Path(env["KOPPEL_INGEST_DIR"]).exists()


def test_colliding_document_ids_are_refused(tmp_path: Path, env: dict[str, str], morocco: Path, sources_dir: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(sources_dir / "treaties" / "BWBV0001011.md", other)
    line = one_clear_line(koppel("ingest", str(morocco), str(other), env=env, check=False))
    assert "BWBV0001011" in line and "also the id of" in line
    assert not Path(env["KOPPEL_INGEST_DIR"]).exists()
    # an id registered earlier for another file is refused too, and the workspace stays as it was
    koppel("ingest", str(morocco), env=env)
    before = (Path(env["KOPPEL_INGEST_DIR"]) / "registry.json").read_bytes()
    line = one_clear_line(koppel("ingest", str(other), env=env, check=False))
    assert "already registered for" in line and str(morocco / "BWBV0001011.md") in line
    assert (Path(env["KOPPEL_INGEST_DIR"]) / "registry.json").read_bytes() == before


def test_a_missing_path_and_an_empty_folder(tmp_path: Path, env: dict[str, str]) -> None:
    assert "no such file or folder" in one_clear_line(koppel("ingest", str(tmp_path / "nowhere"), env=env, check=False))
    (tmp_path / "empty").mkdir()
    assert "no documents to ingest" in one_clear_line(koppel("ingest", str(tmp_path / "empty"), env=env, check=False))


def test_a_folder_with_thousands_of_files(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(3000):
        (folder / f"note-{number:04d}.md").write_text(f"# Note {number}\n\nline two\n", encoding="utf-8")
    space = Workspace(tmp_path / "workspace")
    report = ingest([folder], space)
    assert len(report["new"]) == 3000 and report["candidates"] == 0
    assert len(Workspace(tmp_path / "workspace").registry.documents) == 3000
    again = ingest([folder], Workspace(tmp_path / "workspace"))
    assert len(again["unchanged"]) == 3000 and not again["new"]


def test_more_files_than_the_limit_is_one_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(30):
        (folder / f"n{number}.txt").write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "MAX_FILES", 20)
    with pytest.raises(ValidationError, match="more than 20 files to ingest at once"):
        ingest([folder], Workspace(tmp_path / "workspace"))
    assert not (tmp_path / "workspace").exists()


# -- ingest, review, re-ingest --------------------------------------------------------------

def test_ingest_then_unchanged_reingest_does_nothing_and_says_so(env: dict[str, str], morocco: Path) -> None:
    first = json.loads(koppel("ingest", str(morocco), "--json", env=env).stdout)
    assert sorted(first["new"]) == sorted(MOROCCO) and first["candidates"] > 40
    stamp = (Path(env["KOPPEL_INGEST_DIR"]) / "candidates.json").stat().st_mtime_ns
    again = koppel("ingest", str(morocco), env=env)
    assert f"nothing to do: {len(MOROCCO)} document(s) unchanged" in again.stderr
    assert (Path(env["KOPPEL_INGEST_DIR"]) / "candidates.json").stat().st_mtime_ns == stamp


def test_review_lists_candidates_by_document_with_the_cited_passage(env: dict[str, str], morocco: Path) -> None:
    koppel("ingest", str(morocco), env=env)
    listing = json.loads(koppel("review", "--document", "BWBV0004487", "--json", env=env).stdout)
    rows = {row["field"]: row for row in listing["candidates"]}
    assert rows["domain"]["value"] == "labour_migration"
    assert rows["signed_on"]["value"] == {"date": "1969-05-14", "precision": "day"}
    assert rows["signed_on"]["certainty"] == "stated" and rows["signed_on"]["method"] == "extracted"
    assert "14 mei 1969" in rows["signed_on"]["passage"]
    assert rows["signed_on"]["locator"].startswith("BWBV0004487#L")
    text = koppel("review", "--document", "BWBV0004487", env=env).stdout
    assert "BWBV0004487" in text and "labour_migration" in text


def test_decisions_are_kept_with_who_and_when_and_not_asked_again(tmp_path: Path, morocco: Path, sources_dir: Path) -> None:
    space = Workspace(tmp_path / "workspace")
    ingest([morocco], space)
    pending = {(r["document"], r["field"]): r for r in space.pending()}
    date = pending[("BWBV0004487", "signed_on")]
    place = pending[("BWBV0004487", "signed_place")]
    domain = pending[("BWBV0002369", "domain")]
    decide(space, date["id"], "accept", by="reviewer-a")
    decide(space, place["id"], "reject", by="reviewer-a")
    record = decide(space, domain["id"], "edit", by="reviewer-b", value="culture_education")
    assert record["by"] == "reviewer-b" and record["at"].endswith("+00:00") and record["value"] == "culture_education"
    with pytest.raises(ValidationError, match="not YYYY-MM-DD"):
        decide(space, date["id"], "edit", value={"date": "14 mei 1969"})
    with pytest.raises(ValidationError, match="is not one of aviation"):
        decide(space, domain["id"], "edit", value="culture")
    party = next(r for r in space.pending() if r["document"] == "BWBV0004487" and r["field"] == "party")
    with pytest.raises(ValidationError, match="ISO 3166 alpha-3"):
        decide(space, party["id"], "edit", value={"key": "Marokko", "label": "Country"})
    with pytest.raises(ValidationError, match="not a country is one of"):
        decide(space, party["id"], "edit", value={"key": "quebec", "label": "Organisation"})
    reopened = Workspace(tmp_path / "workspace")
    assert reopened.decisions[date["id"]]["decision"] == "accept"
    assert {date["id"], place["id"], domain["id"]}.isdisjoint(r["id"] for r in reopened.pending())

    # a changed document is re-extracted and diffed; decisions on facts found again stay
    changed = morocco / "BWBV0004487.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("de 14 mei 1969", "de 15 mei 1969"), encoding="utf-8")
    report = ingest([morocco], reopened)
    assert report["changed"] == ["BWBV0004487"] and len(report["unchanged"]) == len(MOROCCO) - 1
    diff = report["diff"]["BWBV0004487"]
    assert date["id"] in diff["gone"] and len(diff["added"]) == 1
    assert diff["accepted_gone"] == [date["id"]]  # the accepted date is no longer in the text
    new_date = [r for r in reopened.pending() if r["document"] == "BWBV0004487" and r["field"] == "signed_on"]
    assert new_date[0]["value"]["date"] == "1969-05-15"
    assert place["id"] in reopened.decisions  # the place is found again: its rejection stands
    assert place["id"] not in {r["id"] for r in reopened.pending()}


def test_accept_all_above_a_confidence(tmp_path: Path, morocco: Path) -> None:
    space = Workspace(tmp_path / "workspace")
    ingest([morocco], space)
    low = [r for r in space.pending() if r["confidence"] < 0.9]
    count = accept_above(space, 0.9, by="bulk")
    assert count == len([r for d in space.candidates.values() for r in d["candidates"] if r["confidence"] >= 0.9])
    assert {r["id"] for r in space.pending()} == {r["id"] for r in low}
    assert all(d["rule"] == "confidence >= 0.9" for d in space.decisions.values())
    with pytest.raises(ValidationError):
        accept_above(space, 1.5)


# -- the decision log: what ships beside the accepted facts ------------------------------------

def test_a_decision_log_carries_decisions_to_a_fresh_workspace(tmp_path: Path, morocco: Path) -> None:
    first = Workspace(tmp_path / "first")
    ingest([morocco], first)
    rejected = next(r for r in first.pending() if r["field"] == "signed_place")
    decide(first, rejected["id"], "reject", by="reviewer")
    accept_above(first, 0.9, by="bulk")
    edited = next(r for d in first.candidates.values() for r in d["candidates"] if r["field"] == "signed_on")
    decide(first, edited["id"], "edit", by="reviewer", value={"date": "1969-05-14", "precision": "day"})
    log = tmp_path / "decisions.json"
    assert write_decision_log(first, log) == len(first.decisions)
    data = json.loads(log.read_text(encoding="utf-8"))["decisions"]
    assert data[edited["id"]]["value"] == {"date": "1969-05-14", "precision": "day"} and data[edited["id"]]["by"] == "reviewer"
    assert all("value" not in r for r in data.values() if r["decision"] != "edit")  # no values copied but edits
    bulk = [r for r in data.values() if r["by"] == "bulk"]
    assert bulk and all(r["rule"] == "confidence >= 0.9" for r in bulk)

    fresh = Workspace(tmp_path / "fresh")
    ingest([morocco], fresh)
    assert import_decisions(fresh, log) == len(first.decisions)
    assert {r["id"] for r in fresh.pending()} == {r["id"] for r in first.pending()}
    assert fresh.decisions[rejected["id"]]["decision"] == "reject"
    assert accepted_facts(fresh) == accepted_facts(first)
    assert all(d["imported_from"] == "decisions.json" for d in fresh.decisions.values())
    assert import_decisions(fresh, log) == 0  # decisions already taken stand
    with pytest.raises(ValidationError, match="not a decision log"):
        bad = tmp_path / "facts.json"
        bad.write_text('{"nodes": []}', encoding="utf-8")
        import_decisions(fresh, bad)


def test_review_cli_exports_and_imports_the_decision_log(tmp_path: Path, morocco: Path, env: dict[str, str]) -> None:
    """koppel review --export-decisions / --import-decisions (api/cli.py): a fresh workspace takes over the decisions."""
    koppel("ingest", str(morocco), env=env)
    koppel("review", "--accept-all-above", "0.9", "--no-load", "--by", "bulk", env=env)
    log = tmp_path / "decisions.json"
    written = koppel("review", "--export-decisions", str(log), env=env)
    first = Workspace(Path(env["KOPPEL_INGEST_DIR"]))
    assert f"wrote {len(first.decisions)} decision(s)" in written.stderr
    env = {"KOPPEL_INGEST_DIR": str(tmp_path / "fresh")}
    koppel("ingest", str(morocco), env=env)
    bad = tmp_path / "not-a-log.json"
    bad.write_text('{"nodes": []}', encoding="utf-8")
    assert "not a decision log" in one_clear_line(koppel("review", "--import-decisions", str(bad), env=env, check=False))
    done = koppel("review", "--import-decisions", str(log), env=env)
    assert f"imported {len(first.decisions)} decision(s)" in done.stderr
    listed = koppel("review", "--json", env=env)
    assert json.loads(listed.stdout)["pending"] == len(first.pending())


def test_the_shipped_decision_log_matches_the_shipped_facts(tmp_path: Path, sources_dir: Path) -> None:
    """loaders/reviewed/treaties.decisions.json: every accepted fact of treaties.json has its decision (who, when, rule)."""
    (facts_file,) = reviewed_files()
    log = json.loads(facts_file.with_name("treaties.decisions.json").read_text(encoding="utf-8"))["decisions"]
    assert len(log) > 5000 and all(r["decision"] in ("accept", "reject", "edit") and r["by"] and r["at"] for r in log.values())
    space = Workspace(tmp_path / "workspace")
    ingest([sources_dir / "treaties" / "BWBV0004487.md"], space)
    assert import_decisions(space, facts_file.with_name("treaties.decisions.json")) == len(log)
    assert not [r for r in space.pending() if r["confidence"] >= 0.9]  # the rule's decisions are known: nothing asked again


def test_an_earlier_treaty_outside_the_corpus_is_referenced_as_its_amending_title_states(tmp_path: Path, sources_dir: Path) -> None:
    space = Workspace(tmp_path / "workspace")
    texts = sources_dir / "treaties"
    # a supplementary agreement to the social-insurance treaty with Germany of 29 March 1951, which is not in the corpus
    ingest([texts / "BWBV0005256.md", texts / "BWBV0004500.md", texts / "BWBV0006116.md"], space)
    accept_above(space, 0.9, by="test")
    facts = accepted_facts(space)
    nodes = {n["key"]: n for n in facts["nodes"]}
    ref = nodes["treaty-ref-1951-03-29-verdrag"]
    assert ref["date_signed"] == "1951-03-29" and ref["instrument"] == "verdrag" and "bwb_id" not in ref
    assert ref["description"].startswith("Not in the corpus of texts") and ref["sources"] == ["BWBV0005256#L3"]
    amends = {(r["from"], r["to"]): r for r in facts["relationships"] if r["type"] == "AMENDS"}
    assert ("treaty-bwbv0005256", "treaty-ref-1951-03-29-verdrag") in amends
    # a treaty with the United Kingdom (1898) applied to a state that became independent: matched by date and instrument
    applied = amends[("treaty-bwbv0004500", "treaty-bwbv0006116")]
    assert applied["role"] == "implements" and applied["note"] == "matched by the date and instrument the title states"


# -- loading accepted facts, on both stores ---------------------------------------------------

def test_accepted_treaties_load_and_show_in_moroccos_profile(empty_store, tmp_path: Path, morocco: Path) -> None:
    space = Workspace(tmp_path / "workspace")
    ingest([morocco], space)
    accept_above(space, 0.9, by="test")
    report = load_accepted(space, empty_store)
    assert report["nodes_created"] == report["nodes"] > 0
    again = load_accepted(space, empty_store)
    assert again["nodes_created"] == 0 and again["relationships_created"] == 0

    counts = empty_store.counts()
    assert counts["nodes"]["Agreement"] == len(MOROCCO) and counts["nodes"]["Document"] == len(MOROCCO)
    profile = country_profile(empty_store, "MAR")
    domains = {group["domain"]: group for group in profile["treaties"]}
    assert {"social_security", "labour_migration", "aviation", "culture_education", "justice"} <= set(domains)
    labour = domains["labour_migration"]["treaties"][0]
    assert labour["bwb_id"] == "BWBV0004487" and str(labour["date_signed"]) == "1969-05-14"
    assert any(e.startswith("BWBV0004487#L") for e in labour["evidence"])
    aviation = [str(t["date_signed"]) for t in domains["aviation"]["treaties"] if t["date_signed"]]
    assert aviation == sorted(aviation)
    eu = [t for t in domains["aviation"]["treaties"] if t["bwb_id"] == "BWBV0001874"]
    assert eu and eu[0]["eu_level"] is True
    # the administrative arrangement implements the social-security convention of 14 February 1972
    amends = empty_store.run("MATCH (a:Agreement)-[r:AMENDS]->(b:Agreement) RETURN a.bwb_id, r.role, b.bwb_id").rows
    assert ["BWBV0001012", "implements", "BWBV0001011"] in [list(row) for row in amends]
    # known time: a treaty is known from the date of its own text (its Document), not undated
    known = dict(empty_store.run("MATCH (a:Agreement) RETURN a.bwb_id AS id, a.known_from AS known").rows)
    assert str(known["BWBV0004487"]) == "1969-05-14", known


def test_party_nodes_already_in_the_store_are_linked_not_rewritten(empty_store, tmp_path: Path, morocco: Path, seed_facts) -> None:
    empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    before = empty_store.run("MATCH (c:Country {key: 'MAR'}) RETURN c").value()
    space = Workspace(tmp_path / "workspace")
    ingest([morocco], space)
    accept_above(space, 0.9)
    report = load_accepted(space, empty_store)
    assert report["linked_existing"] >= 2  # NLD and MAR at least
    after = empty_store.run("MATCH (c:Country {key: 'MAR'}) RETURN c").value()
    assert after["sources"] == before["sources"] and after.get("aliases") == before.get("aliases")
    linked = empty_store.run("MATCH (c:Country {key: 'MAR'})-[:PARTY_TO]->(a:Agreement) WHERE a.bwb_id IS NOT NULL RETURN count(a)").value()
    assert linked == len(MOROCCO)


def test_review_cli_accepts_in_bulk_and_loads_then_stats_count_it(store_kind, tmp_path: Path, env: dict[str, str], morocco: Path, request) -> None:
    if store_kind == "embedded":
        store = f"embedded:{tmp_path / 'store'}"
    else:
        from tests.conftest import _Neo4jState

        store = request.getfixturevalue("neo4j_env")["NEO4J_URI"]
        koppel("clear", "--yes", "--store", store, env=env)
        _Neo4jState.seeded = False
    koppel("ingest", str(morocco), env=env)
    result = json.loads(koppel("review", "--accept-all-above", "0.9", "--by", "cli-test", "--store", store, "--json", env=env).stdout)
    assert result["decided"] > 0 and result["load"]["nodes_created"] > 0
    stats = json.loads(koppel("stats", "--store", store, "--json", env=env).stdout)
    assert stats["labels"]["Agreement"] == len(MOROCCO)
    profile = json.loads(koppel("country", "MAR", "--store", store, "--json", env=env).stdout)
    assert sum(group["count"] for group in profile["treaties"]) == len(MOROCCO)
    table = koppel("country", "MAR", "--store", store, env=env).stdout
    assert "treaties: labour_migration (1)" in table and "1969-05-14" in table
    decisions = json.loads((Path(env["KOPPEL_INGEST_DIR"]) / "decisions.json").read_text())
    assert {d["by"] for d in decisions.values()} == {"cli-test"}


def test_review_without_an_ingest_is_one_message(env: dict[str, str]) -> None:
    assert "run koppel ingest first" in one_clear_line(koppel("review", env=env, check=False))


def test_an_unknown_candidate_is_not_found(env: dict[str, str], morocco: Path) -> None:
    koppel("ingest", str(morocco), env=env)
    result = koppel("review", "--accept", "000000000000", "--no-load", env=env, check=False)
    assert result.returncode == 6 and "no candidate '000000000000'" in one_clear_line(result)


def test_accepted_facts_cite_resolvable_lines(tmp_path: Path, morocco: Path, sources_dir: Path) -> None:
    from koppel.loaders.sources import evidence

    space = Workspace(tmp_path / "workspace")
    ingest([morocco], space)
    accept_above(space, 0.0)
    facts = accepted_facts(space)
    locators = {s for record in facts["nodes"] + facts["relationships"] for s in record["sources"]}
    assert locators
    for locator in locators:
        assert evidence(locator, sources_dir).text


def test_the_api_profile_lists_moroccos_treaties_by_domain(store_kind, tmp_path: Path, env: dict[str, str], morocco: Path, request) -> None:
    """GET /api/countries/MAR from a real koppel serve, after ingest and bulk review, on each store."""
    import urllib.request

    from tests.conftest import serve

    if store_kind == "embedded":
        store = f"embedded:{tmp_path / 'store'}"
    else:
        from tests.conftest import _Neo4jState

        store = request.getfixturevalue("neo4j_env")["NEO4J_URI"]
        koppel("clear", "--yes", "--store", store, env=env)
        _Neo4jState.seeded = False
    koppel("ingest", str(morocco), env=env)
    koppel("review", "--accept-all-above", "0.9", "--store", store, env=env)
    with serve(store) as base, urllib.request.urlopen(f"{base}/api/countries/MAR", timeout=30) as response:
        profile = json.loads(response.read())
    groups = {group["domain"]: group for group in profile["treaties"]}
    social = groups["social_security"]["treaties"]
    assert [t["bwb_id"] for t in social] == ["BWBV0001011", "BWBV0001012"]  # the convention, then its arrangement
    assert [t["date_signed"] for t in social] == ["1972-02-14", "1972-11-03"]
    assert all(any(e.startswith(f"{t['bwb_id']}#L") for e in t["evidence"]) for t in social)


# -- the document registry -------------------------------------------------------------------

def test_normalising_keeps_line_numbers_and_reads_titles(tmp_path: Path) -> None:
    from koppel.loaders.documents import read_document

    text = tmp_path / "letter-2014-02-25.txt"
    text.write_bytes("\ufeffFirst line\r\nsecond\u00a0line\r\n\r\nfourth\r\n".encode())
    document = read_document(text)
    assert document.lines == ("First line", "second line", "", "fourth")
    assert document.info.lines == 4 and document.info.title == "First line"
    assert document.info.date == "2014-02-25" and document.info.kind == "text"
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Een  pagina</title></head>\n<body><p>Regel &amp; twee</p>\n</body></html>\n", encoding="utf-8")
    html = read_document(page)
    assert html.info.title == "Een pagina" and html.info.kind == "html"
    assert html.lines[1] == "Regel & twee" and html.info.lines == 3


def test_a_file_name_that_makes_no_document_id(tmp_path: Path) -> None:
    from koppel.loaders.documents import read_document

    odd = tmp_path / "brief van 3 mei.txt"
    odd.write_text("tekst\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="does not make a document id"):
        read_document(odd)


def test_cli_reports_a_changed_document_and_its_accepted_facts_gone(env: dict[str, str], morocco: Path) -> None:
    koppel("ingest", str(morocco), env=env)
    koppel("review", "--accept-all-above", "0.9", "--no-load", env=env)
    changed = morocco / "BWBV0004487.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("de 14 mei 1969", "de 15 mei 1969"), encoding="utf-8")
    result = koppel("ingest", str(morocco), env=env)
    assert f"ingested 0 new and 1 changed document(s) ({len(MOROCCO) - 1} unchanged)" in " ".join(result.stderr.split())
    assert "BWBV0004487: 1 candidate(s) added, 1 gone since the last ingest, of which 1 accepted" in " ".join(result.stderr.split())
