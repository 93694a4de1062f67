"""Reference data for countries, from pycountry (ISO 3166-1 and its Dutch locale).

koppel never types country names by hand: a Country node keyed by an ISO
alpha-3 code gets its codes and its Dutch and English names from here.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry


@cache
def _dutch() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])


def country_reference(alpha3: str) -> dict[str, object] | None:
    """ISO codes and Dutch/English names of the country with code ``alpha3``, or None."""
    country = pycountry.countries.get(alpha_3=alpha3.upper()) if len(alpha3) == 3 else None
    if country is None:
        return None
    name_en = getattr(country, "common_name", None) or country.name
    aliases = {country.name, getattr(country, "official_name", None) or country.name} - {name_en}
    name_nl = _dutch().gettext(country.name)
    return {
        "name": name_nl,
        "name_nl": name_nl,
        "name_en": name_en,
        "iso_alpha2": country.alpha_2,
        "iso_numeric": country.numeric,
        "has_iso_code": True,
        "reference_aliases": sorted(aliases),
    }


def all_country_names() -> dict[str, str]:
    """Every Dutch and English country name pycountry knows, mapped to its alpha-3 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), _dutch().gettext(country.name)):
            if name:
                names[name] = country.alpha_3
    return names
