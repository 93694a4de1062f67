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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticError

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord, node_model, rel_model
from koppel.graph.schema import SCHEMA, Schema

from .reference import country_reference

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


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line each mapping starts on."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def read_raw(path: Path) -> dict[str, Any]:
    """Parse one facts file into plain data, with line numbers where the format has them."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read facts file: {error.strerror or error}") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise ValidationError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {error}") from None
    if not isinstance(data, dict) or not ({"nodes", "relationships"} & data.keys()):
        raise ValidationError(f"{path}: a facts file is a mapping with 'nodes' and/or 'relationships' lists")
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


def parse_facts(paths: Iterable[Path], schema: Schema = SCHEMA) -> Facts:
    """Read and validate facts files; raise one :class:`ValidationError` listing every problem."""
    problems: list[Problem] = []
    nodes: dict[str, NodeRecord] = {}
    node_origin: dict[str, str] = {}
    rels: dict[tuple[str, str, str], RelRecord] = {}
    pending_rels: list[tuple[str, int | None, str, dict[str, Any]]] = []

    for path in paths:
        file = str(path)
        data = read_raw(Path(path))
        document = data.get("document")
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
            props = model.model_dump()
            nodes[model.key] = NodeRecord(label, props.pop("key"), props)
            node_origin[model.key] = f"{file}:{line} ({label})"
        for index, raw in enumerate(data.get("relationships") or []):
            if not isinstance(raw, dict):
                problems.append(Problem(file, None, f"relationships[{index}]", None, "a relationship is a mapping"))
                continue
            raw = dict(raw)
            line = raw.pop(_LINE, None)
            raw["sources"] = _expand_sources(raw.get("sources"), document)
            pending_rels.append((file, line, f"relationships[{index}]", raw))

    # Relationships are checked after all nodes, so files may refer to each other.
    for file, line, record, raw in pending_rels:
        rel_type, start, end = raw.pop("type", None), raw.pop("from", None), raw.pop("to", None)
        record += f" ({start} -{rel_type}-> {end})"
        if rel_type not in schema.relationships:
            problems.append(Problem(file, line, record, "type", f"unknown relationship type {rel_type!r}"))
            continue
        missing = [f"{side} {key!r}" for side, key in (("from", start), ("to", end)) if key not in nodes]
        if missing:
            problems.append(Problem(file, line, record, None, "no node with " + " and ".join(missing)))
            continue
        start_label, end_label = nodes[start].label, nodes[end].label
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
        rels[identity] = RelRecord(rel_type, start, end, start_label, end_label, model.model_dump())

    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise ValidationError(f"facts do not match the schema ({count}):\n" + "\n".join(f"  {p}" for p in problems))
    return Facts(list(nodes.values()), list(rels.values()))
