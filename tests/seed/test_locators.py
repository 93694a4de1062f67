"""Every fact of the seed is traceable: its locators point at real lines of the letter that name it.

Rule, on the de-hyphenated cited text, case- and accent-insensitive, whole words:
a node's every locator mentions the node's name or an alias (Event, Linkage,
Assessment, Dossier, Project and Agreement nodes may instead be traced through
a node they are directly connected to); a relationship's locators together
mention both of its endpoints by the same rule. All failures are reported at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import Facts
from koppel.loaders.sources import Locator


def locator_problems(records, sources_dir: Path) -> list[str]:
    """Locators that do not parse, name a missing document or point at lines the document lacks."""
    problems = []
    lengths: dict[str, int] = {}
    for what, locators in records:
        if not locators:
            problems.append(f"{what}: no locator")
        for text in locators:
            try:
                loc = Locator.parse(text)
            except ValidationError as error:
                problems.append(f"{what}: {error}")
                continue
            if loc.document not in lengths:
                path = sources_dir / f"{loc.document}.txt"
                lengths[loc.document] = len(path.read_text(encoding="utf-8").splitlines()) if path.is_file() else -1
            length = lengths[loc.document]
            if length < 0:
                problems.append(f"{what}: {text}: no document {loc.document}.txt in {sources_dir}")
            elif loc.to_line > length:
                problems.append(f"{what}: {text}: the document has only {length} lines")
    return problems


def records_of(facts: Facts):
    for node in facts.nodes:
        yield f"{node.label} {node.key}", node.properties.get("sources") or []
    for rel in facts.relationships:
        yield f"({rel.start})-[{rel.type}]->({rel.end})", rel.properties.get("sources") or []


def node_problems(index, letter, norm) -> list[str]:
    problems = []
    for node in index.facts.nodes:
        for locator in node.properties["sources"]:
            cited = letter.cited(locator)
            if not cited.strip():
                problems.append(f"{node.label} {node.key}: {locator.split('#')[-1]} cites only blank lines")
            elif index.traced_in(node.key, norm(cited)) is None:
                problems.append(
                    f"{node.label} {node.key}: {locator.split('#')[-1]} does not mention any of "
                    f"{index.names(node.key)}: {cited[:160]!r}"
                )
    return problems


def relationship_problems(index, letter, norm) -> list[str]:
    problems = []
    for rel in index.facts.relationships:
        cited = " ".join(letter.cited(locator) for locator in rel.properties["sources"])
        lines = ", ".join(s.split("#")[-1] for s in rel.properties["sources"])
        for key in (rel.start, rel.end):
            if index.traced_in(key, norm(cited)) is None:
                problems.append(
                    f"({rel.start})-[{rel.type}]->({rel.end}) [{lines}]: no mention of {key} "
                    f"(names {index.names(key)}): {cited[:160]!r}"
                )
    return problems


# ------------------------------------------------------------------------ the seed


def test_every_locator_points_at_lines_of_the_letter(seed_facts, sources_dir, seed_tools):
    records = list(records_of(seed_facts))
    assert len(records) == len(seed_facts.nodes) + len(seed_facts.relationships)
    problems = locator_problems(records, sources_dir)
    assert not problems, f"{len(problems)} bad locators:\n" + "\n".join(problems)
    documents = {Locator.parse(s).document for _, locators in records for s in locators}
    assert documents == {seed_tools.LETTER_ID}


def test_every_node_locator_mentions_the_node(seed_index, letter, seed_tools):
    problems = node_problems(seed_index, letter, seed_tools.norm)
    assert not problems, f"{len(problems)} node locators that do not mention their node:\n" + "\n".join(problems)


def test_every_relationship_cites_both_endpoints(seed_index, letter, seed_tools):
    problems = relationship_problems(seed_index, letter, seed_tools.norm)
    assert not problems, f"{len(problems)} relationships whose passages miss an endpoint:\n" + "\n".join(problems)


def test_the_facts_cover_the_whole_letter(seed_facts, letter):
    """Every non-blank line of the letter's body is cited by some fact (nothing in the letter is left out)."""
    cited: set[int] = set()
    for _, locators in records_of(seed_facts):
        for text in locators:
            loc = Locator.parse(text)
            cited.update(range(loc.from_line, loc.to_line + 1))
    headings = {"Inleiding", "Algemeen", "Specifieke landen", "Europese dimensie"}
    uncited = [
        f"L{n}: {line.strip()}"
        for n, line in enumerate(letter.lines, 1)
        if line.strip() and line.strip() not in headings and n not in cited
    ]
    assert not uncited, "lines of the letter no fact cites:\n" + "\n".join(uncited)


# -------------------------------------------------- the checks themselves can fail


def _with(seed_facts, nodes=(), rels=()) -> Facts:
    return Facts(list(seed_facts.nodes) + list(nodes), list(seed_facts.relationships) + list(rels))


def _loc(seed_tools, lines: str) -> str:
    return f"{seed_tools.LETTER_ID}#{lines}"


def test_the_checks_report_a_locator_past_the_end_and_an_unknown_document(sources_dir, seed_tools, letter):
    past = f"L{len(letter.lines) + 1}-L{len(letter.lines) + 5}"
    problems = locator_problems(
        [("Country X", [_loc(seed_tools, past)]), ("Country Y", ["no-such-letter#L1"]), ("Country Z", [])],
        sources_dir,
    )
    assert len(problems) == 3, problems


@pytest.mark.parametrize(
    ("label", "lines", "connected_to", "reported"),
    [
        ("Organisation", "L3-L5", None, True),  # UNHCR is not on L3-L5
        ("Organisation", "L75-L76", None, False),  # it is on L75-L76
        ("Event", "L3-L5", "AFG", True),  # an event traced only through a neighbour the lines do not name
        ("Event", "L75-L76", "AFG", False),  # ... and through one they do name
    ],
)
def test_the_node_check_reports_a_locator_that_misses_the_node(seed_facts, seed_tools, letter, label, lines, connected_to, reported):
    properties = {"name": "UNHCR-test", "aliases": ["UNHCR"], "sources": [_loc(seed_tools, lines)]}
    if label == "Event":
        properties = {"name": "Iets onbenoemds", "sources": [_loc(seed_tools, lines)]}
    fake = NodeRecord(label, "fake-node", properties)
    rels = [RelRecord("CONCERNS", "fake-node", connected_to, label, "Country", {"sources": []})] if connected_to else []
    index = seed_tools.SeedIndex(_with(seed_facts, [fake], rels))
    index.facts = Facts([fake], [])  # check only the fake node, against the whole seed's names
    problems = node_problems(index, letter, seed_tools.norm)
    assert bool(problems) is reported, problems


def test_the_relationship_check_reports_a_passage_that_misses_an_endpoint(seed_facts, seed_tools, letter):
    wrong = RelRecord("MEMBER_OF", "AUS", "samenwerkende-landen-irak", "Country", "CountryGroup", {"sources": [_loc(seed_tools, "L75-L78")]})
    right = RelRecord("MEMBER_OF", "AUS", "samenwerkende-landen-irak", "Country", "CountryGroup", {"sources": [_loc(seed_tools, "L218-L222")]})
    index = seed_tools.SeedIndex(seed_facts)
    index.facts = Facts([], [wrong, right])
    problems = relationship_problems(index, letter, seed_tools.norm)
    assert len(problems) == 2 and all("[L75-L78]" in p for p in problems), problems
