"""Country names in treaty titles (Dutch, English, French, historical) to ISO alpha-3 codes.

Names come from pycountry (ISO 3166-1 names, official names) and Babel's
territory names in Dutch, English and French; :data:`EXTRA` adds the forms
treaty titles use that neither library has (long forms, adjectives such as
"de Japanse Regering", and historical states). Historical choices:

* a state that was renamed maps to its successor's code: Zaïre -> COD,
  Ceylon -> LKA, Birma -> MMR, Dahomey -> BEN, Opper-Volta -> BFA,
  Kampuchea -> KHM, Perzië -> IRN, Siam -> THA, and (:data:`FORMER`) the
  Federation of Malaya -> MYS, the United Arab Republic -> EGY, Ruanda -> RWA,
  Muscat (and Oman) -> OMN; a long form naming one state is that state (the
  United Kingdom "of Great Britain and Ireland" -> GBR, the "Verenigde Staten
  van Mexico" -> MEX, not the United States);
* a state that dissolved keeps its ISO 3166-3 alpha-3 code, which pycountry's
  ``historic_countries`` knows: Sovjet-Unie -> SUN, Joegoslavië / Zuid-Slavië
  (also the Federal Republic of 1992-2003) -> YUG, Tsjechoslowakije -> CSK,
  Duitse Democratische Republiek -> DDR, the Czech and Slovak Federal Republic
  (1990-1992) -> CSK;
* parts of the Kingdom are their own codes: Aruba ABW, Curaçao CUW,
  Sint Maarten SXM, the Netherlands Antilles ANT (ISO 3166-3).

:func:`find_countries` returns non-overlapping matches, longest name first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

KINGDOM_PARTS = {"ABW": "Aruba", "CUW": "Curaçao", "SXM": "Sint Maarten", "ANT": "Nederlandse Antillen"}
HISTORICAL = {
    "SUN": ("Sovjet-Unie", "Soviet Union"),
    "YUG": ("Joegoslavië", "Yugoslavia"),
    "CSK": ("Tsjechoslowakije", "Czechoslovakia"),
    "DDR": ("Duitse Democratische Republiek", "German Democratic Republic"),
    "ANT": ("Nederlandse Antillen", "Netherlands Antilles"),
}

# Forms used in the titles that pycountry and Babel do not give.
EXTRA: dict[str, list[str]] = {
    "NLD": ["Koninkrijk der Nederlanden", "Nederland", "Nederlandse", "Nederlandsche", "Pays-Bas", "Netherlands", "Royaume des Pays-Bas"],
    "BEL": ["Belgische", "Belgique"], "LUX": ["Luxemburgse", "Luxemburgsche", "Groothertogdom Luxemburg"],
    "GBR": ["Groot-Brittannië", "Groot-Brittannie", "Britse", "Verenigd Koninkrijk"], "USA": ["Verenigde Staten van Amerika", "Amerikaanse", "United States of America"],
    "DEU": ["Bondsrepubliek Duitsland", "Duitse Bondsrepubliek", "Duitse", "Duitschland"], "FRA": ["Franse", "Fransche"], "ESP": ["Spaanse"],
    "PRT": ["Portugese"], "ITA": ["Italiaanse"], "CHE": ["Zwitserse", "Zwitsersche", "Zwitserse Bondsstaat", "Zwitserse Bondsraad", "Zwitserland"],
    "AUT": ["Oostenrijkse"], "DNK": ["Deense"], "SWE": ["Zweedse"], "NOR": ["Noorse"], "FIN": ["Finse"], "GRC": ["Griekse", "Helleense Republiek", "Helleense"],
    "TUR": ["Turkse", "Turkije"], "MAR": ["Marokkaanse", "Marokko"], "TUN": ["Tunesische", "Tunesië"], "EGY": ["Egyptische", "Arabische Republiek Egypte"],
    "JPN": ["Japanse"], "IND": ["Indiase"], "CHN": ["Chinese", "Volksrepubliek China"], "KOR": ["Republiek Korea", "Koreaanse"],
    "ISR": ["Israëlische", "Israelische"], "POL": ["Poolse"], "HUN": ["Hongaarse"], "ROU": ["Roemeense", "Roemenië"], "BGR": ["Bulgaarse"],
    "CZE": ["Tsjechische Republiek", "Tsjechische"], "SVK": ["Slowaakse Republiek", "Slowaakse"], "SVN": ["Sloveense", "Slovenië"],
    "MKD": ["Macedonië", "Macedonische", "Macedoonse", "Voormalige Joegoslavische Republiek Macedonië"],
    "RUS": ["Russische Federatie", "Russische"], "MEX": ["Mexicaanse", "Verenigde Mexicaanse Staten"], "ARG": ["Argentijnse"], "BRA": ["Braziliaanse"],
    "CHL": ["Chileense"], "BOL": ["Boliviaanse"], "ECU": ["Ecuadoriaanse"], "PRY": ["Paraguese"], "CAN": ["Canadese"], "AUS": ["Australische"],
    "NZL": ["Nieuw-Zeeland", "Nieuw-Zeelandse"], "PAK": ["Pakistaanse"], "AFG": ["Afghaanse"], "LBN": ["Libanese"], "KEN": ["Keniase"],
    "TZA": ["Tanzaniaanse", "Verenigde Republiek Tanzania"], "UGA": ["Oegandese"], "MWI": ["Malawische"], "TGO": ["Togolese"], "THA": ["Thailandse", "Thailand", "Siam"],
    "SYR": ["Syrische"], "VNM": ["Vietnamese", "Socialistische Republiek Vietnam"], "YEM": ["Jemenitische"], "CYP": ["Cypriotische"],
    "JOR": ["Hasjemitische Koninkrijk Jordanië", "Jordanië"], "DOM": ["Dominicaanse Republiek", "Dominicaanse"], "VEN": ["Bolivariaanse Republiek Venezuela"],
    "IRN": ["Perzië", "Iran", "Islamitische Republiek Iran"], "COD": ["Zaïre", "Zaire", "Democratische Republiek Congo"], "LKA": ["Ceylon", "Sri Lanka"],
    "MMR": ["Birma", "Burma", "Myanmar"], "BEN": ["Dahomey"], "BFA": ["Opper-Volta", "Boven-Volta", "Burkina Faso"], "KHM": ["Kampuchea", "Cambodja"],
    "ZAF": ["Zuid-Afrika", "Zuidafrikaanse", "Zuid-Afrikaanse"], "CIV": ["Ivoorkust"], "CPV": ["Kaapverdië"], "GNB": ["Guinee-Bissau"],
    "IDN": ["Indonesië", "Indonesische"], "SUR": ["Suriname", "Surinaamse"], "PHL": ["Filipijnen", "Filippijnen"], "KAZ": ["Kazachstan"],
    "UKR": ["Oekraïne", "Oekraine"], "MDA": ["Moldavië", "Moldova"], "BLR": ["Wit-Rusland", "Belarus"], "BIH": ["Bosnië en Herzegovina", "Bosnië-Herzegovina", "Bosnië-Herzegowina", "Bosnië en Herzegowina"],
    "SRB": ["Servië"], "MNE": ["Montenegro"], "HRV": ["Kroatië"], "ALB": ["Albanië"], "EST": ["Estland"], "LVA": ["Letland"], "LTU": ["Litouwen"],
    "ISL": ["IJsland"], "IRL": ["Ierland"], "MLT": ["Malta"], "KWT": ["Koeweit"], "ARE": ["Verenigde Arabische Emiraten"], "SAU": ["Saoedi-Arabië", "Saudi-Arabië", "Saoedi-Arabische"], "IMN": ["Eiland Man", "Isle of Man"], "CYM": ["Caymaneilanden", "Kaaimaneilanden"], "GGY": ["Guernsey"], "JEY": ["Jersey"], "VGB": ["Britse Maagdeneilanden"], "BMU": ["Bermuda"], "GIB": ["Gibraltar"], "AIA": ["Anguilla"], "MSR": ["Montserrat"], "TCA": ["Turks- en Caicoseilanden"],
    "QAT": ["Qatar"], "OMN": ["Oman", "Sultanaat Oman"], "BHR": ["Bahrein"], "LBY": ["Libië", "Libische"], "DZA": ["Algerije", "Algerijnse"],
    "KGZ": ["Kirgizische Republiek", "Kirgizië"], "UZB": ["Oezbekistan"], "TKM": ["Turkmenistan"], "ARM": ["Armenië"], "AZE": ["Azerbeidzjan"],
    "GEO": ["Georgië"], "MNG": ["Mongolië", "Mongoolse"], "ETH": ["Ethiopië"], "ERI": ["Eritrea"], "SDN": ["Soedan"], "GHA": ["Ghana"],
    "CMR": ["Kameroen"], "GAB": ["Gabon"], "SEN": ["Senegal"], "MLI": ["Mali"], "NER": ["Niger"], "NGA": ["Nigeria"], "ZMB": ["Zambia"],
    "ZWE": ["Zimbabwe"], "MOZ": ["Mozambique"], "NAM": ["Namibië"], "BWA": ["Botswana"], "LSO": ["Lesotho"], "SWZ": ["Swaziland", "Eswatini"],
    "RWA": ["Rwanda"], "BDI": ["Burundi"], "MDG": ["Madagaskar", "Malagassische"], "MUS": ["Mauritius"], "SYC": ["Seychellen"],
    "HKG": ["Hongkong", "Hong Kong"], "MAC": ["Macau", "Macao"], "TWN": ["Taiwan"], "SGP": ["Singapore"], "MYS": ["Maleisië"],
    "BGD": ["Bangladesh"], "NPL": ["Nepal"], "JAM": ["Jamaica"], "TTO": ["Trinidad en Tobago"], "BRB": ["Barbados"], "CUB": ["Cuba"],
    "SLV": ["El Salvador"], "GTM": ["Guatemala"], "HND": ["Honduras"], "NIC": ["Nicaragua"], "CRI": ["Costa Rica"], "PAN": ["Panama"],
    "COL": ["Colombia"], "PER": ["Peru"], "URY": ["Uruguay"], "GUY": ["Guyana"], "ABW": ["Aruba"], "CUW": ["Curaçao", "Curacao"],
    "SXM": ["Sint Maarten"], "KNA": ["Saint Kitts en Nevis"], "VCT": ["Saint Vincent en de Grenadines"], "LCA": ["Saint Lucia"],
    "ATG": ["Antigua en Barbuda"], "BHS": ["Bahama's", "Bahamas"], "BLZ": ["Belize"], "GRD": ["Grenada"], "DMA": ["Dominica"],
    "SUN": ["Sovjet-Unie", "Unie van Socialistische Sowjetrepublieken", "Unie van Socialistische Sovjetrepublieken", "Sowjet-Unie", "Sowjetunie", "Unie van Socialistische Sowjet-Republieken", "Unie der Socialistische Sovjetrepublieken", "Unie der Socialistische Sowjet-Republieken", "Unie van Socialistische Sowjetrepublieken", "Unie der Socialistische Sowjetrepublieken", "Soviet Union", "Union of Soviet Socialist Republics", "Sovjet-Russische", "Russische Socialistische Federatieve Sowjetrepubliek"],
    "YUG": ["Joegoslavië", "Zuid-Slavië", "Zuidslavië", "Joegoslavische", "Zuidslavische", "Yugoslavia", "Yougoslavie", "Federale Republiek Joegoslavië", "Socialistische Federale Republiek Joegoslavië"],
    "CSK": ["Tsjechoslowakije", "Tsjechoslowaakse", "Tsjecho-Slowakije", "Tsjecho-Slowaakse", "Czechoslovakia", "Tchécoslovaquie", "Tsjechoslovaakse", "Tsjechoslovakije"],
    "DDR": ["Duitse Democratische Republiek", "German Democratic Republic"],
    "ANT": ["Nederlandse Antillen", "Netherlands Antilles", "Antilles néerlandaises"],
}
# Former and long names of states, and spellings of older titles, that name one state (longest match wins,
# so "Verenigde Staten van Mexico" is Mexico, not the United States): a renamed state maps to its successor.
FORMER: dict[str, list[str]] = {
    "GBR": ["Verenigd Koninkrijk van Groot-Brittannië en Ierland", "Verenigd Koninkrijk van Groot-Brittannië en Noord-Ierland"],
    "MYS": ["Federatie van Malaya", "Federation of Malaya", "Fédération de Malaisie"],
    "EGY": ["Verenigde Arabische Republiek", "United Arab Republic"],
    "RWA": ["Ruanda"], "COL": ["Columbia"], "COD": ["Democratische Republiek Kongo"],
    "KNA": ["Saint Christopher (Saint Kitts) en Nevis", "Saint Christopher en Nevis"],
    "OMN": ["Sultanaat Muscate", "Muscate en Oman", "Muscat en Oman"],
    "SUN": ["Unie van Socialistische Sovjet Republieken", "Unie van Socialistische Sowjet Republieken"],
    "ISL": ["IJslandse"],
    "MEX": ["Verenigde Staten van Mexico"], "BRA": ["Verenigde Staten van Brazilië", "Verenigde Staten van Brazilie"],
    "CSK": ["Tsjechische en Slowaakse Federatieve Republiek", "Tsjechische en Slowaakse Federale Republiek"],
}
for _iso3, _names in FORMER.items():
    EXTRA.setdefault(_iso3, []).extend(_names)
# Words that look like a country name inside a longer name and must not count on their own.
_SHADOWED = {"Guinee": ["Guinee-Bissau", "Papoea-Nieuw-Guinea", "Equatoriaal-Guinea"], "Niger": ["Nigeria"], "Dominica": ["Dominicaanse"]}


def plain(text: str) -> str:
    """Lower case without accents, for matching names (``Zuid-Slavië`` -> ``zuid-slavie``)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class Match:
    """A country name found in a text: the code, the name as written, its character span."""

    iso3: str
    name: str
    start: int
    end: int


@cache
def lexicon() -> dict[str, str]:
    """Plain name -> ISO alpha-3 code, from pycountry, Babel (nl, en, fr) and :data:`EXTRA`."""
    from babel import Locale

    names: dict[str, str] = {}
    locales = [Locale.parse(code) for code in ("nl", "en", "fr")]
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)):
            if name and "," not in name:
                names.setdefault(plain(name), country.alpha_3)
        for locale in locales:
            name = locale.territories.get(country.alpha_2)
            if name:
                names.setdefault(plain(name), country.alpha_3)
    for iso3, extra in EXTRA.items():
        for name in extra:
            names[plain(name)] = iso3
    return names


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(lexicon(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


def find_countries(text: str) -> list[Match]:
    """Country names in ``text``, longest first and not overlapping, in text order."""
    low = plain(text)
    found = []
    for match in _pattern().finditer(low):
        found.append(Match(lexicon()[match.group(1)], text[match.start():match.end()], match.start(), match.end()))
    return found


def country_names(iso3: str) -> tuple[str, str]:
    """Dutch and English display names of a code, including historical codes (for Country nodes)."""
    if iso3 in HISTORICAL:
        return HISTORICAL[iso3]
    from babel import Locale

    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3, iso3
    return Locale.parse("nl").territories.get(country.alpha_2, country.name), getattr(country, "common_name", None) or country.name
