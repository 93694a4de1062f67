"""Review: decisions on candidates, and the facts the accepted ones make.

A decision is ``accept``, ``reject`` or ``edit`` (accept with a corrected
value), stored per candidate id with who and when (UTC) in the workspace's
``decisions.json``; a candidate keeps its id (document, field, value) across
re-ingests, so a decided fact is not asked again.

:func:`accepted_facts` turns the accepted candidates into a facts mapping in
the ordinary facts format (``nodes``/``relationships`` with ``sources``
locators): per treaty an ``Agreement`` (key ``treaty-<bwb id>``) and its
``Document``, ``PARTY_TO`` from each party, ``AMENDS`` where the amended
treaty is in the corpus, and the party nodes (countries by ISO code, the
Benelux group, the EU and its member states). :func:`load_accepted` validates
them with :func:`koppel.loaders.facts.parse_facts` and writes them with one
``store.upsert`` (all or nothing); party nodes that the store already holds are
not rewritten, only linked to.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from koppel.graph.errors import NotFound, ValidationError

from .countries import KINGDOM_PARTS, country_names, plain
from .pipeline import Workspace

_GROUPS = {
    "benelux": {"label": "CountryGroup", "key": "benelux", "name": "Benelux-staten", "name_nl": "Benelux-staten", "name_en": "Benelux states",
                "kind": "union", "description": "Belgium, Luxembourg and the Netherlands acting jointly as parties to a treaty."},
    "europese-unie": {"label": "Organisation", "key": "europese-unie", "name": "Europese Unie", "name_nl": "Europese Unie", "name_en": "European Union",
                      "kind": "international_organisation", "acronym": "EU"},
    "eu-lidstaten": {"label": "CountryGroup", "key": "eu-lidstaten", "name": "Lidstaten van de EU", "name_en": "EU member states", "kind": "union"},
}


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _find(workspace: Workspace, candidate: str) -> dict[str, Any]:
    for doc in workspace.candidates.values():
        for row in doc["candidates"]:
            if row["id"] == candidate:
                return row
    raise NotFound(f"no candidate {candidate!r} in the ingest workspace {workspace.folder}")


def decide(workspace: Workspace, candidate: str, decision: str, *, by: str | None = None, value: Any = None) -> dict[str, Any]:
    """Record one decision (accept, reject, edit with ``value``) and save; returns the decision record."""
    if decision not in ("accept", "reject", "edit"):
        raise ValidationError(f"decision {decision!r} is not accept, reject or edit")
    row = _find(workspace, candidate)
    if decision == "edit":
        if value is None:
            raise ValidationError("an edit needs a new value (--value)")
        _check_edit(row, value)
    record = {
        "decision": decision,
        "by": _who(by),
        "at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "document": row["document"],
        "field": row["field"],
        "value": value if decision == "edit" else row["value"],
    }
    workspace.decisions[candidate] = record
    workspace.save()
    return record


def _check_edit(row: dict[str, Any], value: Any) -> None:
    if row["field"] == "signed_on":
        if not isinstance(value, dict) or "date" not in value:
            raise ValidationError('a signed_on value is {"date": "YYYY-MM-DD", "precision": "day"}')
        try:
            dt.date.fromisoformat(value["date"])
        except (TypeError, ValueError):
            raise ValidationError(f"signed_on date {value.get('date')!r} is not YYYY-MM-DD") from None
    if row["field"] == "party":
        if not isinstance(value, dict) or "key" not in value:
            raise ValidationError('a party value is {"key": "<ISO3 or key>", "label": "Country", "role": "counterpart"}')
        label = value.get("label", "Country")
        if label == "Country" and not re.fullmatch(r"[A-Z]{3}", str(value["key"])):
            raise ValidationError(f"party key {value['key']!r}: a country is keyed by its ISO 3166 alpha-3 code (e.g. MAR)")
        if label != "Country" and value["key"] not in _GROUPS:
            raise ValidationError(f"party key {value['key']!r}: a party that is not a country is one of {', '.join(sorted(_GROUPS))}")
    if row["field"] == "domain":
        from koppel.graph.schema import SCHEMA

        allowed = SCHEMA.nodes["Agreement"].properties["domain"].values
        if value not in allowed:
            raise ValidationError(f"domain {value!r} is not one of {', '.join(allowed)}")


def accept_above(workspace: Workspace, threshold: float, *, field: str | None = None, by: str | None = None) -> int:
    """Accept every pending candidate with confidence >= ``threshold`` (of one field if given); returns how many."""
    if not 0 <= threshold <= 1:
        raise ValidationError(f"confidence threshold {threshold} is not between 0 and 1")
    who = _who(by)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    count = 0
    for row in workspace.pending():
        if row["confidence"] >= threshold and (field is None or row["field"] == field):
            workspace.decisions[row["id"]] = {"decision": "accept", "by": who, "at": now, "document": row["document"],
                                              "field": row["field"], "value": row["value"], "rule": f"confidence >= {threshold}"}
            count += 1
    if count:
        workspace.save()
    return count


def _accepted(workspace: Workspace) -> dict[str, list[dict[str, Any]]]:
    per_doc: dict[str, list[dict[str, Any]]] = {}
    for doc_id, doc in workspace.candidates.items():
        for row in doc["candidates"]:
            decision = workspace.decisions.get(row["id"])
            if decision and decision["decision"] in ("accept", "edit"):
                per_doc.setdefault(doc_id, []).append({**row, "value": decision.get("value", row["value"])})
    return per_doc


def _country_node(iso3: str, locator: str) -> dict[str, Any]:
    node: dict[str, Any] = {"label": "Country", "key": iso3, "sources": [locator]}
    import pycountry

    if pycountry.countries.get(alpha_3=iso3) is None:
        name_nl, name_en = country_names(iso3)
        node.update({"name": name_nl, "name_nl": name_nl, "name_en": name_en, "has_iso_code": True,
                     "status": "territory" if iso3 in KINGDOM_PARTS else "state",
                     "description": "A state that no longer exists (ISO 3166-3 code)." if iso3 not in KINGDOM_PARTS else "A former part of the Kingdom of the Netherlands (ISO 3166-3 code)."})
    elif iso3 in KINGDOM_PARTS:
        node["status"] = "territory"
    return node


def accepted_facts(workspace: Workspace) -> dict[str, Any]:
    """The accepted candidates as a facts mapping (``nodes``, ``relationships``), see the module docstring."""
    nodes: dict[str, dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []
    agreements: dict[str, dict[str, Any]] = {}
    amends: list[tuple[str, dict[str, Any]]] = []
    for doc_id, rows in sorted(_accepted(workspace).items()):
        head = next((r for r in rows if r["field"] == "agreement"), None)
        if head is None:
            continue
        key = f"treaty-{doc_id.lower()}"
        value = head["value"]
        agreement: dict[str, Any] = {
            "label": "Agreement", "key": key, "name": value["name"], "name_nl": value["name"], "bwb_id": value.get("bwb_id", doc_id),
            "agreement_type": "treaty", "status": "signed", "sources": [head["locator"]],
        }
        if value.get("title_en"):
            agreement["title_en"] = agreement["name_en"] = value["title_en"]
        if value.get("instrument"):
            agreement["instrument"] = value["instrument"]
        parties = []
        for row in rows:
            f, v, loc = row["field"], row["value"], row["locator"]
            if f == "agreement":
                continue
            if loc not in agreement["sources"]:
                agreement["sources"].append(loc)
            if f == "domain":
                agreement["domain"] = v
            elif f == "signed_on":
                agreement["date_signed"] = v["date"]
                agreement["date_signed_precision"] = v.get("precision", "day")
            elif f == "signed_place":
                agreement["signed_place"] = v
            elif f == "not_in_force":
                agreement["not_in_force"] = True
            elif f == "eu_readmission":
                agreement["eu_level"] = True
                agreement["readmission_clause"] = True
            elif f == "party":
                parties.append(row)
            elif f == "amends":
                amends.append((key, row))
        for row in parties:
            v, loc = row["value"], row["locator"]
            party_key = v["key"]
            if v.get("label", "Country") == "Country":
                node = nodes.setdefault(party_key, _country_node(party_key, loc))
            else:
                node = nodes.setdefault(party_key, {**_GROUPS[party_key], "sources": [loc]})
            if loc not in node["sources"] and len(node["sources"]) < 50:
                node["sources"].append(loc)
            if party_key == "europese-unie":
                agreement["eu_level"] = True
            rel = {"type": "PARTY_TO", "from": party_key, "to": key, "role": v.get("role", "signatory"), "sources": [loc]}
            if v.get("note"):
                rel["note"] = v["note"]
            rels.append(rel)
        nodes[key] = agreement
        agreements[key] = agreement
        document = {"label": "Document", "key": doc_id.lower(), "name": value["name"], "doc_type": "treaty_text", "title": value["name"],
                    "file": f"treaties/{doc_id}.md", "sources": [head["locator"]]}
        if agreement.get("date_signed"):
            # the text's date is its date of signature (the statements' known time)
            document["date"] = agreement["date_signed"]
        nodes.setdefault(document["key"], document)
    links, referenced = _resolve_amends(amends, agreements, rels)
    rels += links
    for node in referenced:
        nodes.setdefault(node["key"], node)
    return {"nodes": list(nodes.values()), "relationships": rels}


_INSTRUMENT_WORD = r"[\w-]*(?:verdrag|overeenkomst|akkoord|accoord|protocol|tractaat)"
# "het op 31 mei 1932 te Londen ... gesloten Verdrag ...": the date and place come before the instrument they belong to
_DATED_AFTER = re.compile(rf"\bop (?P<date>\d{{1,2}} \w+ \d{{4}})(?: te (?P<place>[^,]+?))?(?: tussen [^,]+?)? (?:ondertekende|gesloten|getekende|tot stand gekomen|totstandgekomen) (?P<instrument>{_INSTRUMENT_WORD})\b", re.IGNORECASE)
# "de Handelsovereenkomst (tussen ...) van 29 juni 1951": the instrument comes before its date, no other instrument between
_DATED_BEFORE = re.compile(rf"\b(?P<instrument>{_INSTRUMENT_WORD})\b(?P<between>[^;]{{0,160}}?)\bvan (?P<date>\d{{1,2}} \w+ \d{{4}})\b", re.IGNORECASE)


def _stated_target(value: dict[str, Any]) -> dict[str, Any] | None:
    """The earlier treaty as the amending title states it: instrument, date (and place), name from the instrument word on.

    Only a date that plainly belongs to one instrument of the title is used
    ("Protocol bij de Overeenkomst van 16 juni 1959" dates the Overeenkomst, and
    is read so); otherwise None.
    """
    from .dates import parse_date
    from .treaties import _instrument

    title = value.get("target_title", "")
    match = _DATED_AFTER.search(title)
    if match is None:
        match = _DATED_BEFORE.search(title)
        if match and re.search(_INSTRUMENT_WORD, match.group("between"), re.IGNORECASE):
            match = None
    if match is None:
        return None
    parsed = parse_date(match.group("date"))
    if not parsed:
        return None
    name = title[match.start("instrument"):].strip(" ,.")
    name = name[:1].upper() + name[1:]
    instrument = _instrument(match.group("instrument"))
    place = match.groupdict().get("place")
    return {"date": parsed[0].isoformat(), "instrument": instrument, "name": name[:240], "place": place.strip() if place else None}


def _resolve_amends(amends: list[tuple[str, dict[str, Any]]], agreements: dict[str, dict[str, Any]],
                    rels: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """AMENDS links, and the earlier treaties known only from an amending title: (relationships, referenced Agreement nodes).

    First, exactly one accepted treaty with a common counterpart and the date
    (or title) the amending title names. Else, where the amending title dates
    one instrument (see :func:`_stated_target`): exactly one accepted treaty of
    that date and instrument, whatever its parties (a treaty with the United
    Kingdom applied to a state that became independent); or, when the corpus
    has none, an ``Agreement`` keyed ``treaty-ref-<date>-<instrument>`` that
    holds only what the amending title states (name, instrument, date, place),
    says so in its ``description`` and cites the amending title's line. An
    earlier treaty named without a date is not referenced: a title alone does
    not identify it.
    """
    parties: dict[str, set[str]] = {}
    for rel in rels:
        if rel["type"] == "PARTY_TO" and rel.get("role") == "counterpart":
            parties.setdefault(rel["to"], set()).add(rel["from"])
    out: list[dict[str, Any]] = []
    referenced: dict[str, dict[str, Any]] = {}
    for key, row in amends:
        value = row["value"]
        target_title = plain(value.get("target_title", ""))
        target_date = value.get("target_date")
        mine = parties.get(key, set())
        matches = []
        for other, agreement in agreements.items():
            if other == key or not mine or not (parties.get(other, set()) & mine):
                continue
            if target_date and agreement.get("date_signed") == target_date:
                matches.append(other)
            elif not target_date and plain(agreement["name"]) in target_title:
                matches.append(other)
        if len(matches) == 1:
            out.append({"type": "AMENDS", "from": key, "to": matches[0], "role": value["role"], "sources": [row["locator"]]})
            continue
        if matches:
            continue
        stated = _stated_target(value)
        if stated is None or not stated["instrument"]:
            continue
        same = [other for other, agreement in agreements.items()
                if other != key and agreement.get("date_signed") == stated["date"] and agreement.get("instrument") == stated["instrument"]]
        if len(same) == 1:
            out.append({"type": "AMENDS", "from": key, "to": same[0], "role": value["role"], "sources": [row["locator"]],
                        "note": "matched by the date and instrument the title states"})
            continue
        if same:
            continue
        ref_key = f"treaty-ref-{stated['date']}-{stated['instrument']}"
        node = referenced.get(ref_key)
        if node is None:
            node = referenced[ref_key] = {
                "label": "Agreement", "key": ref_key, "name": stated["name"], "name_nl": stated["name"], "agreement_type": "treaty",
                "status": "signed", "instrument": stated["instrument"], "date_signed": stated["date"], "date_signed_precision": "day",
                "description": "Not in the corpus of texts: known only from the title of a treaty that refers to it, with the name, "
                               "instrument and date of signature that title states.",
                "sources": [],
            }
            if stated["place"]:
                node["signed_place"] = stated["place"]
        if row["locator"] not in node["sources"]:
            node["sources"].append(row["locator"])
        out.append({"type": "AMENDS", "from": key, "to": ref_key, "role": value["role"], "sources": [row["locator"]]})
    return out, list(referenced.values())


def write_facts(facts: dict[str, Any], path: Path, *, skip_keys: set[str] | None = None) -> int:
    """Write a facts mapping to ``path`` (JSON if it ends in .json, else YAML), atomically; returns the node count written.

    Nodes keyed in ``skip_keys`` are left out. JSON is what koppel ships and
    loads itself (parsed about four times faster than YAML); YAML is for people.
    """
    nodes = [n for n in facts["nodes"] if not skip_keys or n["key"] not in skip_keys]
    data = {"nodes": nodes, "relationships": facts["relationships"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=path.suffix, encoding="utf-8") as out:
        if path.suffix.lower() == ".json":
            out.write("{\n" + ",\n".join(
                f" {json.dumps(section)}: [\n" + ",\n".join("  " + json.dumps(item, ensure_ascii=False, default=str) for item in items) + "\n ]"
                for section, items in data.items()
            ) + "\n}\n")
        else:
            yaml.safe_dump(data, out, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
    Path(out.name).chmod(0o644)
    Path(out.name).replace(path)
    return len(nodes)


def reviewed_files() -> list[Path]:
    """The shipped reviewed facts files (``koppel/loaders/reviewed/*.json`` but not ``*.decisions.json``): the treaty corpus."""
    from importlib import resources

    folder = resources.files("koppel.loaders").joinpath("reviewed")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json") and not p.name.endswith(".decisions.json"))


LOG_FIELDS = ("decision", "by", "at", "document", "field", "rule")


def write_decision_log(workspace: Workspace, path: Path) -> int:
    """Write the workspace's decisions to ``path`` (JSON), atomically; returns how many.

    The log is ``{"decisions": {candidate id: {decision, by, at, document,
    field[, rule][, value]}}}``: who decided what, when and by which rule; the
    value only for an edit (an accepted candidate's value is the candidate's
    own, and its id is made from it). No text of the documents is in it.
    """
    records = {}
    for candidate, record in sorted(workspace.decisions.items()):
        entry = {k: record[k] for k in LOG_FIELDS if record.get(k) is not None}
        if record["decision"] == "edit":
            entry["value"] = record["value"]
        records[candidate] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".json", encoding="utf-8") as out:
        out.write('{"decisions": {\n' + ",\n".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in records.items()) + "\n}}\n")
    Path(out.name).chmod(0o644)
    Path(out.name).replace(path)
    return len(records)


def import_decisions(workspace: Workspace, path: Path) -> int:
    """Take over the decisions of a decision log (see :func:`write_decision_log`) for candidates not yet decided here.

    Decisions already in the workspace stand. Each imported record says where
    it came from (``imported_from``). Returns how many were imported; a log
    that is not one gives one clear error.
    """
    path = Path(path)
    try:
        log = json.loads(path.read_text(encoding="utf-8"))
        records = log["decisions"]
        if not isinstance(records, dict):
            raise TypeError
    except FileNotFoundError:
        raise NotFound(f"{path}: no such decision log") from None
    except (ValueError, KeyError, TypeError):
        raise ValidationError(f"{path}: not a decision log (a JSON object with 'decisions' by candidate id)") from None
    count = 0
    for candidate, record in records.items():
        if candidate in workspace.decisions:
            continue
        if not isinstance(record, dict) or record.get("decision") not in ("accept", "reject", "edit"):
            raise ValidationError(f"{path}: decision for {candidate!r} is not accept, reject or edit")
        if record["decision"] == "edit" and "value" not in record:
            raise ValidationError(f"{path}: the edit of {candidate!r} has no value")
        workspace.decisions[candidate] = {**record, "imported_from": path.name}
        count += 1
    if count:
        workspace.save()
    return count


def reviewed_layer() -> tuple[Any, list[str]]:
    """The reviewed treaty corpus as a layer of the default load: (Facts, report lines)."""
    from koppel.loaders.facts import parse_facts

    files = reviewed_files()
    facts = parse_facts(files)
    agreements = sum(1 for n in facts.nodes if n.label == "Agreement" and n.properties.get("bwb_id"))
    referenced = sum(1 for n in facts.nodes if n.label == "Agreement" and not n.properties.get("bwb_id"))
    return facts, [f"treaties: {agreements} reviewed treaties and {referenced} earlier treaties they refer to from {', '.join(p.name for p in files)}"]


def load_accepted(workspace: Workspace, store: Any) -> dict[str, Any]:
    """Validate the accepted facts and write them with one ``store.upsert``; returns the load report as a dict.

    Party nodes (countries, groups) already in the store are linked to, not rewritten.
    """
    from koppel.loaders.facts import parse_facts

    facts = accepted_facts(workspace)
    if not facts["nodes"]:
        raise ValidationError("no accepted facts to load: accept candidates with koppel review first")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "accepted.json"
        write_facts(facts, path)
        parsed = parse_facts([path])
    shared = [n for n in parsed.nodes if n.label in ("Country", "CountryGroup", "Organisation")]
    existing: set[str] = set()
    for label in {n.label for n in shared}:
        keys = [n.key for n in shared if n.label == label]
        existing |= {row[0] for row in store.run(f"MATCH (n:{label}) WHERE n.key IN $keys RETURN n.key", {"keys": keys}).rows}
    nodes = [n for n in parsed.nodes if n.key not in existing]
    report = store.upsert(nodes, parsed.relationships)
    return {"nodes": len(nodes), "relationships": len(parsed.relationships), "linked_existing": len(existing), **report.as_dict()}
