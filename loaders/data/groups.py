"""Country groups from the ``worldcountrygroups`` package into CountryGroup nodes and MEMBER_OF relationships.

Why this package: it is on PyPI (MIT), keeps one JSON file per group with
ISO 3166-1 alpha-2 and alpha-3 codes for every member, and covers the regional
and political groups a strategist needs (African Union, ECOWAS, IGAD, the Arab
League, the OIC, the ACP group, least-developed countries, ...), which
country_converter and pycountry-convert do not (they hold continents and a few
economic groupings). Its files are data, not prose: each membership cites the
lines of the member in the group's file, ``worldcountrygroups-<version>-<gid>#L<a>-L<b>``,
a locator ``koppel evidence`` resolves while that version is installed.

Only the groups in :data:`GROUPS` are loaded, each with a koppel kind. A group
the letter already names is the same node: :data:`SAME_AS_SEED` maps the
package's id to the seed's key, and the default load merges the two records
(both sources kept).
"""

from __future__ import annotations

import json
import re

from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import Facts

from . import records
from .datasets import group_dataset_id, group_file, groups_version
from .names import iso3_for, known_key, not_a_country
from .report import LayerReport

GROUPS: dict[str, str] = {
    "eu": "union",
    "efta": "intergovernmental_organisation",
    "schengen": "treaty_area",
    "au": "regional_organisation",
    "ecowas": "regional_organisation",
    "igad": "regional_organisation",
    "eac": "regional_organisation",
    "sadc": "regional_organisation",
    "comesa": "regional_organisation",
    "eccas": "regional_organisation",
    "cemac": "regional_organisation",
    "waemu": "regional_organisation",
    "amu": "regional_organisation",
    "g5sahel": "regional_organisation",
    "las": "regional_organisation",
    "gcc": "regional_organisation",
    "asean": "regional_organisation",
    "saarc": "regional_organisation",
    "caricom": "regional_organisation",
    "celac": "regional_organisation",
    "mercosur": "regional_organisation",
    "cis": "regional_organisation",
    "pif": "regional_organisation",
    "cefta": "treaty_area",
    "oic": "intergovernmental_organisation",
    "acp": "intergovernmental_organisation",
    "oif": "intergovernmental_organisation",
    "cw": "intergovernmental_organisation",
    "cplp": "intergovernmental_organisation",
    "osce": "intergovernmental_organisation",
    "oecd": "intergovernmental_organisation",
    "ldcs": "development_category",
    "lldcs": "development_category",
    "sids": "development_category",
    "hipc": "development_category",
    "lics": "development_category",
}
"""Package group id -> CountryGroup kind: regional and political groups, EU and EFTA (whose members are the reporting states of the EU+EFTA total), development categories."""

SAME_AS_SEED: dict[str, str] = {"eu": "eu-lidstaten"}
"""Package group id -> the seed's CountryGroup key for the same group."""

EU_EFTA_GROUPS = ("eu", "efta")
"""The groups whose members' returns make the EU+EFTA total."""


def group_key(gid: str) -> str:
    """The CountryGroup key of a package group: the seed's key where the letter names it, else a slug of its English name."""
    if gid in SAME_AS_SEED:
        return SAME_AS_SEED[gid]
    import worldcountrygroups

    name = re.sub(r"\s*\(.*?\)\s*", " ", worldcountrygroups.get_group(gid).name)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _member_lines(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each member entry of a group file, in file order (``name`` to ``iso3``)."""
    found: list[tuple[int, int]] = []
    name_line = None
    in_countries = False
    for number, line in enumerate(lines, start=1):
        if '"countries"' in line:
            in_countries = True
            continue
        if not in_countries:
            continue
        if '"name"' in line:
            name_line = number
        if '"iso3"' in line:
            found.append((name_line or number, number))
    return found


def member_key(name: str, iso3: str, iso2: str) -> str | None:
    """The Country key of a package member: its alpha-3 code where koppel knows it, else its alpha-2 code or name placed by :func:`.names.iso3_for`."""
    import pycountry

    if iso3 and known_key(iso3.upper()):
        return iso3.upper()
    if iso2:
        country = pycountry.countries.get(alpha_2=iso2.upper())
        if country:
            return country.alpha_3
    code = iso3_for(name)
    return code if code and known_key(code) else None


def _name_lines(lines: list[str]) -> tuple[int, int]:
    first = next((n for n, line in enumerate(lines, start=1) if '"gid"' in line), 1)
    last = next((n for n, line in enumerate(lines, start=1) if '"name"' in line), first)
    return first, last


def load_groups(gids: dict[str, str] | None = None) -> tuple[Facts, LayerReport]:
    """The chosen groups of the installed ``worldcountrygroups`` as CountryGroup nodes, their member countries and MEMBER_OF relationships.

    A member whose code is neither ISO 3166-1 nor one of koppel's non-ISO keys
    is skipped and reported by name.
    """
    import worldcountrygroups

    version = groups_version()
    chosen = GROUPS if gids is None else gids
    report = LayerReport(f"worldcountrygroups-{version}")
    groups: list[NodeRecord] = []
    countries: dict[str, NodeRecord] = {}
    rels: list[RelRecord] = []
    for gid, kind in chosen.items():
        group = worldcountrygroups.get_group(gid)
        if group is None:
            raise KeyError(f"worldcountrygroups {version} has no group {gid!r}")
        dataset = group_dataset_id(gid, version)
        lines = group_file(gid).read_text(encoding="utf-8").splitlines()
        first, last = _name_lines(lines)
        where = _member_lines(lines)
        node = records.node(
            "CountryGroup",
            group_key(gid),
            {
                "name": group.name,
                "name_en": group.name,
                "aliases": [group.acronym] if group.acronym and group.acronym != group.name else [],
                "kind": kind,
                "description": f"{group.acronym}: {group.country_count} member countries as worldcountrygroups {version} lists them.",
                "sources": [f"{dataset}#L{first}" + (f"-L{last}" if last > first else "")],
            },
        )
        groups.append(node)
        if len(where) != len(group.countries):
            raise ValueError(f"{group_file(gid)}: {len(where)} member entries in the file, {len(group.countries)} in the package's model")
        for member, (a, b) in zip(group.countries, where):
            report.rows += 1
            locator = f"{dataset}#L{a}" + (f"-L{b}" if b > a else "")
            iso3 = member_key(member.name, member.iso3, member.iso2)
            if iso3 is None:
                reason = not_a_country(member.name) or "no ISO 3166-1 code in the package and none for its name"
                report.skip(member.name, f"{reason} (group {gid})", a)
                continue
            if iso3 not in countries:
                countries[iso3] = records.country(iso3, [locator])
            rels.append(records.rel("MEMBER_OF", ("Country", iso3), node, {"sources": [locator]}))
    report.nodes = len(groups) + len(countries)
    report.relationships = len(rels)
    return Facts(list(countries.values()) + groups, rels), report


def load_group_records() -> tuple[Facts, LayerReport]:
    """:func:`load_groups` for every group of :data:`GROUPS`."""
    return load_groups(None)
