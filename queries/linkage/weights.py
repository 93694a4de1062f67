"""The weights of the linkage scoring: read from ``queries/weights.yaml`` and optional override files.

:func:`load_weights` returns a frozen :class:`Weights`; a bad file raises
:class:`~koppel.graph.errors.ValidationError` naming the file and the field.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from koppel.graph.errors import ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.yamlcache import load_packaged_yaml

FACTORS = ("demand", "control", "precedent", "channel", "positive", "specific")
"""The positive factors of a score, in the order reasons are listed (risk comes last)."""

@dataclass(frozen=True)
class Weights:
    """Every number of the scoring, as ``weights.yaml`` gives them (see the module docstring)."""

    factors: dict[str, float]
    risk_weight: float
    demand_wants: float
    demand_engaged: float
    demand_prior: dict[str, float]
    control: dict[str, float]
    outcomes: dict[str, float]
    precedent_prior: float
    precedent_pseudo_count: float
    channel_closed: float
    channel_breadth: float
    risk_factors: dict[str, float]
    offer_risk_share: float
    interests_per_dossier: float
    partners: dict[str, str] = field(default_factory=dict)
    treaty_prior: dict[str, float] = field(default_factory=lambda: {"default": 0.3})
    generic_share: float = 1.0
    returns_band: float = 0.10
    returns_channel_bonus: float = 0.0

    def prior(self, domain: str | None) -> float:
        """The demand prior of a dossier domain (``demand.prior``), else its ``default``."""
        return self.demand_prior.get(domain or "", self.demand_prior["default"])

    def treaty(self, domain: str | None) -> float:
        """The demand prior of a treaty in force of a treaty domain (``treaties.prior``), else its ``default``."""
        return self.treaty_prior.get(domain or "", self.treaty_prior.get("default", 0.3))


_SECTIONS: dict[str, dict[str, str]] = {
    "weights": {name: "unit" for name in (*FACTORS, "risk")},
    "demand": {"wants": "unit", "engaged": "unit", "prior": "unit_map"},
    "control": {"netherlands": "unit", "eu": "unit", "unknown": "unit"},
    "outcomes": {name: "unit" for name in SCHEMA.node("Linkage").properties["outcome"].values or ()},
    "precedent": {"prior": "unit", "pseudo_count": "positive"},
    "channel": {"closed": "unit", "breadth": "unit"},
    "risk_factors": {name: "unit" for name in ("post_conflict", "failed_state_history", "weak_government", "secession", "mass_displacement")},
    "risk": {"offer_share": "unit", "interests_per_dossier": "unit"},
    "partners": {"netherlands": "key", "eu": "key"},
    "treaties": {"prior": "treaty_map"},
    "generic": {"demand_share": "unit"},
    "returns": {"fall": "unit", "channel_bonus": "unit"},
}


def _default_file() -> Any:
    return resources.files("koppel.queries").joinpath("weights.yaml")


def _parse_user_yaml(text: str, name: str) -> Any:
    """A weights file someone wrote, parsed with PyYAML's safe loader that also refuses a key given twice in one mapping
    (YAML would keep the last silently): ``ValidationError`` naming the key and its line, as facts files do."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class NoDuplicates(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: PyYAML's own error names it
                if first is not None:
                    raise ValidationError(f"{name}: line {key_node.start_mark.line + 1}: duplicate key {key!r} (first given on line {first}); give each key once")
                seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    NoDuplicates.add_constructor("tag:yaml.org,2002:map", NoDuplicates.construct_yaml_map)
    return yaml.load(text, Loader=NoDuplicates)  # noqa: S506 - a safe loader


def _read_yaml(source: Any, name: str, *, packaged: bool = False) -> dict[str, Any]:
    """The mapping in the weights file ``source`` (called ``name`` in errors); ``packaged``: koppel's own file, whose
    parse is cached by content (:mod:`koppel.graph.yamlcache`). ``ValidationError`` when unreadable or not a mapping."""
    try:
        if packaged:
            data = load_packaged_yaml("weights", source.read_bytes())
        else:
            data = _parse_user_yaml(source.read_text(encoding="utf-8"), name)
    except OSError as error:
        raise ValidationError(f"{name}: cannot read weights file: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ValidationError(f"{name}: not UTF-8 text (byte {error.start})") from None
    except Exception as error:
        import yaml  # imported by the parse that failed; not needed when the cached parse is read

        if isinstance(error, yaml.YAMLError):  # PyYAML's message spans lines: one line, with its line and column
            raise ValidationError(f"{name}: not valid YAML: {' '.join(str(error).split())}") from None
        raise
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError(f"{name}: a weights file is a mapping of sections ({', '.join(_SECTIONS)})")
    return data


def _check(value: Any, kind: str, where: str) -> Any:
    if kind == "key":
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{where}: expected a node key (text)")
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{where}: expected a number, got {value!r}")
    value = float(value)
    if kind == "unit" and not 0.0 <= value <= 1.0:
        raise ValidationError(f"{where}: {value} is outside [0, 1]")
    if kind == "positive" and value <= 0:
        raise ValidationError(f"{where}: {value} must be above 0")
    return value


def _merge(base: dict[str, Any], override: dict[str, Any], name: str) -> dict[str, Any]:
    merged = {section: dict(values) for section, values in base.items()}
    for section, values in override.items():
        if section not in _SECTIONS:
            raise ValidationError(f"{name}: unknown section {section!r}; known: {', '.join(_SECTIONS)}")
        if not isinstance(values, dict):
            raise ValidationError(f"{name}: field {section!r}: expected a mapping")
        for key, value in values.items():
            kind = _SECTIONS[section].get(key)
            if kind is None:
                raise ValidationError(f"{name}: field '{section}.{key}': unknown; known: {', '.join(_SECTIONS[section])}")
            if kind == "treaty_map":
                if not isinstance(value, dict):
                    raise ValidationError(f"{name}: field '{section}.{key}': expected a mapping of treaty domain: number")
                domains = set(SCHEMA.node("Agreement").properties["domain"].values or ()) | {"default"}
                prior = dict(merged[section].get(key, {}))
                for domain, number in value.items():
                    if domain not in domains:
                        raise ValidationError(f"{name}: field '{section}.{key}.{domain}': not a treaty domain or 'default'")
                    prior[domain] = _check(number, "unit", f"{name}: field '{section}.{key}.{domain}'")
                merged[section][key] = prior
            elif kind == "unit_map":
                if not isinstance(value, dict):
                    raise ValidationError(f"{name}: field '{section}.{key}': expected a mapping of domain: number")
                domains = set(SCHEMA.node("Dossier").properties["domain"].values or ()) | {"default"}
                prior = dict(merged[section].get(key, {}))
                for domain, number in value.items():
                    if domain not in domains:
                        raise ValidationError(f"{name}: field '{section}.{key}.{domain}': not a dossier domain or 'default'")
                    prior[domain] = _check(number, "unit", f"{name}: field '{section}.{key}.{domain}'")
                merged[section][key] = prior
            else:
                merged[section][key] = _check(value, kind, f"{name}: field '{section}.{key}'")
    return merged


@functools.cache
def _default_weights() -> dict[str, Any]:
    # Read once per process: parsing the YAML took half of a linkage computation. Only read from, never changed.
    return _merge({s: {} for s in _SECTIONS}, _read_yaml(_default_file(), "queries/weights.yaml", packaged=True), "queries/weights.yaml")


def load_weights(path: str | Path | None = None) -> Weights:
    """The scoring weights: the defaults of ``weights.yaml``, overridden by the file at ``path`` if given.

    Raises :class:`ValidationError` naming the file and the field on bad input.
    """
    defaults = _default_weights()
    data = defaults
    if path is not None:
        data = _merge(defaults, _read_yaml(Path(path), str(path)), str(path))
    name = str(path) if path else "queries/weights.yaml"
    if sum(data["weights"][f] for f in FACTORS) <= 0:
        raise ValidationError(f"{name}: field 'weights': at least one of {', '.join(FACTORS)} must be above 0")
    if "default" not in data["demand"].get("prior", {}):
        raise ValidationError(f"{name}: field 'demand.prior.default' is required")
    return Weights(
        factors={f: data["weights"][f] for f in FACTORS},
        risk_weight=data["weights"]["risk"],
        demand_wants=data["demand"]["wants"],
        demand_engaged=data["demand"]["engaged"],
        demand_prior=dict(data["demand"]["prior"]),
        control=dict(data["control"]),
        outcomes=dict(data["outcomes"]),
        precedent_prior=data["precedent"]["prior"],
        precedent_pseudo_count=data["precedent"]["pseudo_count"],
        channel_closed=data["channel"]["closed"],
        channel_breadth=data["channel"]["breadth"],
        risk_factors=dict(data["risk_factors"]),
        offer_risk_share=data["risk"]["offer_share"],
        interests_per_dossier=data["risk"]["interests_per_dossier"],
        partners=dict(data["partners"]),
        treaty_prior=dict(data["treaties"].get("prior", {"default": 0.3})),
        generic_share=data["generic"].get("demand_share", 1.0),
        returns_band=data["returns"].get("fall", 0.10),
        returns_channel_bonus=data["returns"].get("channel_bonus", 0.0),
    )

