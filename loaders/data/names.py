"""Country names as the data sources write them, to ISO 3166-1 alpha-3 codes.

pycountry (ISO 3166-1, maintained) places most names by exact look-up of a
code, name, official or common name. Eurostat writes some countries its own
way; :data:`EUROSTAT_SPELLINGS` is the small table of those spellings, each
checked by the tests. Categories that are not countries (``Stateless``,
``Unknown``, continents, groups of territories) are recognised by
:func:`not_a_country` and skipped with a reason; every other name that neither
places is reported by the loader, never guessed.

Kosovo has no ISO 3166-1 code; koppel keys it ``XKX``, the user-assigned code
the European Commission, the World Bank and the passport-index dataset use,
with ``has_iso_code`` false.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from koppel.loaders.reference import country_reference

KOSOVO = "XKX"

EUROSTAT_SPELLINGS: dict[str, str] = {
    "Kosovo*": KOSOVO,
    "Kosovo": KOSOVO,
    "Türkiye": "TUR",
    "Côte d’Ivoire": "CIV",
    "Côte d'Ivoire": "CIV",
    "Congo": "COG",
    "Democratic Republic of the Congo": "COD",
    "China including Hong Kong": "CHN",
    "China": "CHN",
    "Gambia, The": "GMB",
    "Palestine*": "PSE",
    "Myanmar/Burma": "MMR",
    "Viet Nam": "VNM",
    "Russia": "RUS",
    "São Tomé and Príncipe": "STP",
}
"""Eurostat's own spellings (citizenship and reporting-state labels) that pycountry does not place exactly, or that are worth pinning."""

PACKAGE_SPELLINGS: dict[str, str] = {
    "Congo, Dem. Rep.": "COD",
    "US Virgin Islands": "VIR",
    "Commonwealth of Northern Marianas": "MNP",
}
"""World Bank style spellings in worldcountrygroups' files whose members carry no code there."""

DISSOLVED: dict[str, str] = {
    "Netherlands Antilles": "dissolved in 2010 (now Curaçao, Sint Maarten and the Caribbean Netherlands); no current ISO 3166-1 code",
}
"""Former countries some sources still list, with the reason they are not placed."""

NON_ISO: dict[str, dict[str, object]] = {
    KOSOVO: {"name": "Kosovo", "name_nl": "Kosovo", "name_en": "Kosovo", "has_iso_code": False},
}
"""Country nodes for keys pycountry does not know, with the names koppel gives them."""

_CATEGORIES: dict[str, str] = {
    "stateless": "a category of persons (stateless), not a country",
    "unknown": "citizenship unknown, not a country",
    "recognised non-citizens": "a category of persons (recognised non-citizens), not a country",
    "total": "a total, not a country",
}
_CONTINENTS = re.compile(
    r"^(africa|asia|europe|america|americas|north america|south america|central america|oceania|antarctica)\b", re.IGNORECASE
)
_AGGREGATE = re.compile(
    r"(countries and territories|^european union|^euro area|^eu\b|^eu\d|^efta\b|^extra-|^non-eu|^other\b|^total\b)", re.IGNORECASE
)


def not_a_country(name: str) -> str | None:
    """Why a source label is not a country (a category or an aggregate), or None if it may be one.

    >>> not_a_country("Stateless")
    'a category of persons (stateless), not a country'
    >>> not_a_country("Asia")
    'a continent or world region (aggregate), not a country'
    >>> not_a_country("Ghana") is None
    True
    """
    text = name.strip()
    if text in DISSOLVED:
        return DISSOLVED[text]
    if text.lower() in _CATEGORIES:
        return _CATEGORIES[text.lower()]
    if _CONTINENTS.match(text):
        return "a continent or world region (aggregate), not a country"
    if _AGGREGATE.search(text):
        return "an aggregate of countries or territories, not a country"
    return None


@cache
def iso3_for(name: str) -> str | None:
    """The alpha-3 code of a country name as a source writes it, or None if no rule places it.

    Order: Eurostat's own spellings, then pycountry's exact look-up (codes,
    names, official and common names, case-insensitive), then pycountry's fuzzy
    search when it finds exactly one country.

    >>> iso3_for("Gambia, The"), iso3_for("Netherlands"), iso3_for("Iran")
    ('GMB', 'NLD', 'IRN')
    """
    text = name.strip()
    if not text:
        return None
    if text in EUROSTAT_SPELLINGS:
        return EUROSTAT_SPELLINGS[text]
    if text in PACKAGE_SPELLINGS:
        return PACKAGE_SPELLINGS[text]
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return found[0].alpha_3 if len(found) == 1 else None


@cache
def known_key(iso3: str) -> bool:
    """Whether koppel can make a Country node for this code (ISO 3166-1, or one of :data:`NON_ISO`)."""
    return iso3 in NON_ISO or country_reference(iso3) is not None


def country_properties(iso3: str) -> dict[str, object]:
    """Names and codes of a Country node keyed ``iso3`` (from pycountry, or :data:`NON_ISO`); raises KeyError if neither knows it."""
    if iso3 in NON_ISO:
        return dict(NON_ISO[iso3])
    reference = country_reference(iso3)
    if reference is None:
        raise KeyError(iso3)
    aliases = reference.pop("reference_aliases")
    return {**reference, "aliases": aliases}
