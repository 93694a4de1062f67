"""Facts files: the project's own structured statements, validated against the schema.

A facts file (YAML or JSON) has a default ``document`` and two lists::

    document: kamerbrief-2014-02-25-strategische-landenbenadering-migratie
    nodes:
      - {label: Country, key: IRQ, sources: [L97-L101]}
    relationships:
      - {type: MEMBER_OF, from: IRQ, to: silk-route-countries, sources: [L190-L193]}

Short locators (``L97-L101``) expand to ``<document>#L97-L101``. Country nodes
keyed by an ISO alpha-3 code get codes and names from :mod:`.reference`.
Validation collects every problem with its file, line, record and field;
nothing reaches a store unless the whole input is valid.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticError

from koppel.graph.errors import ConfigError, ValidationError
from koppel.graph.models import NodeRecord, RelRecord, node_model, rel_model
from koppel.graph.schema import SCHEMA, Schema
from koppel.graph.statements import DERIVED, WHOLE_RECORD, interval_problem, key_problem
from koppel.graph.values import check_value

from .locators import locator_problem, resolve_document
from .reference import country_reference
from .sources import sources_dir

SHORT_LOCATOR = re.compile(r"^L[1-9][0-9]*(-L[1-9][0-9]*)?$")
_LINE = "__line__"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    record: str
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" field '{self.field}'" if self.field else ""
        return f"{where}: {self.record}{field}: {self.reason}"


@dataclass
class Facts:
    """Validated nodes and relationships, ready for a store."""

    nodes: list[NodeRecord]
    relationships: list[RelRecord]


MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32  # mappings and lists inside each other; a facts record needs 4
TOP_LEVEL = ("document", "nodes", "relationships")
# Fields that name a record, a label or a type: text (or a number used as a key), never a list or map.
_NAME_FIELDS = {"nodes": ("label", "key"), "relationships": ("type", "from", "to")}


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader for facts files.

    It remembers the line each mapping starts on, refuses aliases (``*name``:
    a 510-byte alias bomb would otherwise expand to millions of values),
    duplicate keys, nesting deeper than :data:`MAX_DEPTH` and impossible dates
    (``2014-02-30``), each as a :class:`yaml.MarkedYAMLError` with its line.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"aliases (*{event.anchor}) are not allowed in facts files; write the value out", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be text or a number", key_node.start_mark) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r} in one mapping", key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping

    def construct_yaml_timestamp(self, node):  # noqa: ANN001 - PyYAML's signature
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a calendar date", node.start_mark) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"duplicate key {key!r} in one object")
        data[key] = value
    return data


def _json_depth(value: Any, depth: int = 1) -> int:
    if isinstance(value, dict):
        return max((_json_depth(v, depth + 1) for v in value.values()), default=depth)
    if isinstance(value, list):
        return max((_json_depth(v, depth + 1) for v in value), default=depth)
    return depth


def read_raw(path: Path) -> dict[str, Any]:
    """Parse one facts file into plain data, with line numbers where the format has them.

    Raises :class:`ValidationError` with one line naming the file (and line
    where known) for anything that is not a well-formed facts file: bytes that
    are not UTF-8, YAML/JSON syntax, aliases, duplicate keys, nesting deeper
    than :data:`MAX_DEPTH`, impossible dates, unknown top-level sections,
    ``nodes``/``relationships`` that are not lists of mappings, and a list or
    map where a label, key, type or endpoint belongs.
    """
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                raise ValidationError(f"{path}: a facts file is at most {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it")
            raw = handle.read()
    except OSError as error:
        raise ValidationError(f"{path}: cannot read facts file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValidationError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); save the file as UTF-8") from None
    is_json = path.suffix.lower() == ".json"
    try:
        if is_json:
            data = json.loads(text, object_pairs_hook=_json_pairs)
            if _json_depth(data) > MAX_DEPTH:
                raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        else:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ValidationError(f"{where}: not valid YAML: {_one_line(error.problem or error.context or 'syntax error')}") from None
    except json.JSONDecodeError as error:
        raise ValidationError(f"{path}:{error.lineno}: not valid JSON: {_one_line(error.msg)}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        kind = "JSON" if is_json else "YAML"
        reason = "nested too deep" if isinstance(error, RecursionError) else _one_line(error)
        raise ValidationError(f"{path}: not valid {kind}: {reason}") from None
    if not isinstance(data, dict) or not ({"nodes", "relationships"} & data.keys()):
        raise ValidationError(f"{path}: a facts file is a mapping with 'nodes' and/or 'relationships' lists")
    unknown = [str(k) for k in data if k not in TOP_LEVEL and k != _LINE]
    if unknown:
        raise ValidationError(f"{path}: unknown top-level section(s) {', '.join(repr(k) for k in unknown)}; a facts file has only {', '.join(TOP_LEVEL)}")
    document = data.get("document")
    if document is not None and not isinstance(document, str):
        raise ValidationError(f"{path}:{data.get(_LINE, 1)}: 'document' is one document id (text), not a {type(document).__name__}")
    for section, fields in _NAME_FIELDS.items():
        records = data.get(section)
        if records is None:
            continue
        if not isinstance(records, list):
            raise ValidationError(f"{path}: '{section}' is a list of mappings, not a {type(records).__name__}")
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                continue  # reported with the other problems of the file
            line = record.get(_LINE)
            where = f"{path}:{line}" if line else str(path)
            for field in fields:
                value = record.get(field)
                if value is not None and not isinstance(value, str | int) or isinstance(value, bool):
                    raise ValidationError(f"{where}: {section}[{index}] field '{field}': expected text, got a {type(value).__name__}")
            for field, value in record.items():
                if field != _LINE:
                    check_value(value, f"{where}: {section}[{index}] field '{field}'")  # e.g. a 20-digit integer
    return data


def _expand_sources(raw: Any, document: str | None) -> Any:
    if not isinstance(raw, list):
        return raw
    expanded = []
    for locator in raw:
        if isinstance(locator, str) and SHORT_LOCATOR.match(locator) and document:
            locator = f"{document}#{locator}"
        expanded.append(locator)
    return expanded


def _pydantic_problems(error: PydanticError, file: str, line: int | None, record: str) -> list[Problem]:
    return [
        Problem(file, line, record, ".".join(str(p) for p in item["loc"]) or None, item["msg"])
        for item in error.errors()
    ]


def _locator_problems(
    locators: list[str] | None, folders: tuple[Path, ...], file: str, line: int | None, record: str, resolved: dict[str, Any]
) -> list[Problem]:
    """One problem per locator of a record that does not resolve (none when checking is off)."""
    if not folders:
        return []
    problems = []
    for locator in locators or []:
        if (reason := locator_problem(locator, folders, resolved)) is not None:
            problems.append(Problem(file, line, record, "sources", reason))
    return problems


def _enrich_country(props: dict[str, Any]) -> None:
    """Fill ISO codes and names of a Country keyed by an ISO code; explicit values win."""
    reference = country_reference(str(props.get("key", "")))
    if reference is None:
        return
    extra_aliases = reference.pop("reference_aliases")
    for name, value in reference.items():
        props.setdefault(name, value)
    aliases = list(props.get("aliases") or [])
    props["aliases"] = aliases + [a for a in extra_aliases if a not in aliases]


def _inferred(raw: Any, label_properties: dict[str, Any]) -> tuple[dict[str, str] | None, str | None]:
    """A record's ``inferred`` entry as {property or ``record``: basis}, or a reason it is unusable.

    ``inferred: "basis"`` marks the whole fact as a curator's inference;
    ``inferred: {outcome: "basis"}`` marks single properties.
    """
    if raw is None:
        return None, None
    if isinstance(raw, str):
        return ({WHOLE_RECORD: raw.strip()}, None) if raw.strip() else (None, "the basis of an inference is a short note, not empty")
    if not isinstance(raw, dict):
        return None, "write inferred: \"basis\" for the whole fact, or inferred: {property: basis}"
    found: dict[str, str] = {}
    for name, basis in raw.items():
        if name == _LINE:
            continue
        if name != WHOLE_RECORD and (name not in label_properties or name in DERIVED or name == "key"):
            return None, f"{name!r} is not a property of this record (or 'record' for the fact itself)"
        if not isinstance(basis, str) or not basis.strip():
            return None, f"the basis of the inferred {name!r} is a short note, not {basis!r}"
        found[name] = basis.strip()
    return found or None, None


def _document_folders(sources: Path | None, path: Path) -> tuple[Path, ...]:
    """Where locators of a facts file may point: the sources folder, and the facts file's own folder."""
    folders: list[Path] = []
    try:
        folders.append(sources_dir(sources))
    except ConfigError:
        if sources is not None:
            raise
    folders.append(Path(path).resolve().parent)
    return tuple(folders)


def parse_facts(
    paths: Iterable[Path],
    schema: Schema = SCHEMA,
    *,
    store: Any = None,
    sources: Path | None = None,
    check_locators: bool = True,
) -> Facts:
    """Read and validate facts files; raise one :class:`ValidationError` listing every problem.

    Every record is the statement of the file's ``document`` (else of the
    document its first locator cites). Every locator must resolve to existing
    lines (:mod:`koppel.loaders.locators`) in the sources folder (``sources``,
    default ``../shared/sources``), the data layers, or beside the facts file.
    A relationship endpoint not in these files is looked up by key in
    ``store`` when one is given; missing from both, it is refused by name.
    A ``Document`` node whose file resolves gets its ``sha256`` and ``line_count``.
    """
    problems: list[Problem] = []
    resolved_documents: dict[str, Any] = {}
    nodes: dict[str, NodeRecord] = {}
    node_origin: dict[str, str] = {}
    rels: dict[tuple[str, str, str], RelRecord] = {}
    pending_rels: list[tuple[str, int | None, str, dict[str, Any]]] = []

    for path in paths:
        file = str(path)
        data = read_raw(Path(path))
        document = data.get("document")
        folders = _document_folders(sources, Path(path)) if check_locators else ()
        for index, raw in enumerate(data.get("nodes") or []):
            record = f"nodes[{index}]"
            if not isinstance(raw, dict):
                problems.append(Problem(file, None, record, None, "a node is a mapping"))
                continue
            raw = dict(raw)
            line = raw.pop(_LINE, None)
            label = raw.pop("label", None)
            key = raw.get("key")
            if key:
                record += f" (key {key})"
            if label not in schema.nodes:
                problems.append(Problem(file, line, record, "label", f"unknown label {label!r}; known: {', '.join(schema.labels)}"))
                continue
            raw["sources"] = _expand_sources(raw.get("sources"), document)
            inferred, reason = _inferred(raw.pop("inferred", None), schema.node(label).properties)
            if reason:
                problems.append(Problem(file, line, record, "inferred", reason))
                continue
            if (reason := key_problem(label, key)) is not None:
                problems.append(Problem(file, line, record, "key", reason))
                continue
            if label == "Country":
                _enrich_country(raw)
            try:
                model = node_model(label, schema).model_validate(raw)
            except PydanticError as error:
                problems.extend(_pydantic_problems(error, file, line, record))
                continue
            if model.key in nodes:
                problems.append(Problem(file, line, record, "key", f"key {model.key!r} is already used by {node_origin[model.key]}"))
                continue
            located = _locator_problems(model.sources, folders, file, line, record, resolved_documents)
            if located:
                problems.extend(located)
                continue
            if (reason := interval_problem(raw)) is not None:
                problems.append(Problem(file, line, record, "valid_to", reason))
                continue
            props = model.model_dump()
            nodes[model.key] = NodeRecord(label, props.pop("key"), props, source=document, inferred=inferred)
            node_origin[model.key] = f"{file}:{line} ({label})"
        for index, raw in enumerate(data.get("relationships") or []):
            if not isinstance(raw, dict):
                problems.append(Problem(file, None, f"relationships[{index}]", None, "a relationship is a mapping"))
                continue
            raw = dict(raw)
            line = raw.pop(_LINE, None)
            raw["sources"] = _expand_sources(raw.get("sources"), document)
            pending_rels.append((file, line, f"relationships[{index}]", raw, document, folders))

    # Endpoints not in these files may be in the store (keys are unique across labels).
    stored_labels: dict[str, str] = {}
    if store is not None:
        outside = {raw.get(side) for *_, raw, _, _ in pending_rels for side in ("from", "to")} - nodes.keys()
        outside = {key for key in outside if isinstance(key, str) and key}
        if outside:
            stored_labels = store.labels_of(outside)

    def label_of(key: Any) -> str | None:
        if isinstance(key, str) and key in nodes:
            return nodes[key].label
        return stored_labels.get(key) if isinstance(key, str) else None

    # Relationships are checked after all nodes, so files may refer to each other.
    for file, line, record, raw, document, folders in pending_rels:
        rel_type, start, end = raw.pop("type", None), raw.pop("from", None), raw.pop("to", None)
        record += f" ({start} -{rel_type}-> {end})"
        if rel_type not in schema.relationships:
            problems.append(Problem(file, line, record, "type", f"unknown relationship type {rel_type!r}"))
            continue
        missing = [f"{side} {key!r}" for side, key in (("from", start), ("to", end)) if label_of(key) is None]
        if missing:
            where = "these files or the store" if store is not None else "these files (and no store was given to look in)"
            problems.append(Problem(file, line, record, None, "no node with " + " and ".join(missing) + f" in {where}"))
            continue
        start_label, end_label = label_of(start), label_of(end)
        inferred, reason = _inferred(raw.pop("inferred", None), schema.relationship(rel_type).properties)
        if reason:
            problems.append(Problem(file, line, record, "inferred", reason))
            continue
        spec = schema.relationship(rel_type)
        if not spec.allows(start_label, end_label):
            allowed = ", ".join(f"{a}->{b}" for a, b in spec.endpoints)
            problems.append(Problem(file, line, record, None, f"{rel_type} does not join {start_label}->{end_label}; allowed: {allowed}"))
            continue
        try:
            model = rel_model(rel_type, schema).model_validate(raw)
        except PydanticError as error:
            problems.extend(_pydantic_problems(error, file, line, record))
            continue
        identity = (start, rel_type, end)
        if identity in rels:
            problems.append(Problem(file, line, record, None, "this relationship is stated twice"))
            continue
        located = _locator_problems(model.sources, folders, file, line, record, resolved_documents)
        if located:
            problems.extend(located)
            continue
        if (reason := interval_problem(raw)) is not None:
            problems.append(Problem(file, line, record, "valid_to", reason))
            continue
        rels[identity] = RelRecord(rel_type, start, end, start_label, end_label, model.model_dump(), source=document, inferred=inferred)

    # A Document node whose file resolves records the file's hash and length as loaded.
    for key, node in list(nodes.items()):
        if node.label == "Document":
            found = None
            if check_locators:
                folders = _document_folders(sources, Path("."))
                for name in (key, Path(node.properties.get("file") or "").name.rsplit(".", 1)[0]):
                    found = found or (resolved_documents.get(name) or resolve_document(name, folders) if name else None)
            if found is not None:
                props = {**node.properties}
                props.setdefault("sha256", None)
                props["sha256"] = props["sha256"] or found.sha256
                props["line_count"] = props.get("line_count") or found.lines
                nodes[key] = replace(node, properties=props)

    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise ValidationError(f"facts do not match the schema ({count}):\n" + "\n".join(f"  {p}" for p in problems))
    return Facts(list(nodes.values()), list(rels.values()))
