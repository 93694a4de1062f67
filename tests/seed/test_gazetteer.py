"""Gazetteer scans of the letter: every country, acronym and institution it names is in the seed graph.

The letter is read as running text with :func:`koppel.loaders.sources.dehyphenate`
(a word split at a line end is joined again; ``terug-`` / ``en overname`` keeps
its hyphen). Country names come from pycountry (English name, common name and
the Dutch name of its ``iso3166-1`` locale), never from a hand-typed list.
"""

from __future__ import annotations

import gettext
import re
from functools import cache

import pycountry
import pytest

from koppel.loaders.sources import Locator

# ---------------------------------------------------------------------------- countries


@cache
def _dutch() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])


def country_names(country) -> set[str]:
    names = {country.name, getattr(country, "common_name", None), _dutch().gettext(country.name)}
    return {n for n in names if n}


def whole_word(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def gazetteer(text: str) -> dict[str, set[str]]:
    """ISO alpha-3 code -> the pycountry names of that country found in the text on word boundaries."""
    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for name in country_names(country):
            if whole_word(name).search(text):
                found.setdefault(country.alpha_3, set()).add(name)
    return found


# What a reader of the letter finds (L42-L44 Algemeen, L75-L146 the country
# sections, L169-L172 and L183-L221 the European section, passim Nederland).
READER_COUNTRIES = {
    "NLD",  # Nederland, passim
    "ARM", "AZE", "BDI", "MNG", "PAK",  # L42
    "DZA",  # L44
    "AFG",  # L76
    "GHA",  # L88
    "IND",  # L99
    "IRQ", "SYR",  # L108, L119
    "SOM",  # L126
    "RUS", "CPV",  # L171-L172
    "MAR",  # L184
    "TUR", "IRN", "BGD", "CHN",  # L195-L197
    "HUN", "SWE", "CHE",  # L206-L207
    "AUS", "CAN", "NOR", "USA",  # L220
}


@pytest.fixture(scope="module")
def found_countries(letter) -> dict[str, set[str]]:
    return gazetteer(letter.text)


def test_the_text_is_read_as_running_text(letter):
    text = letter.text
    for phrase in (
        "De strategische landenbenadering migratie is een instrument",  # L10-L11 landenbena-/dering
        "gedwongen terugkeer van hun onderdanen die niet",  # L12-L13 onder-/danen
        "honderdduizenden Syriërs",  # L119-L120 honderd-/duizenden
        "zonder een gelijktijdige terug- en overnameovereenkomst",  # L187-L188: the hyphen stays
        "is Nederland bereid het land te ondersteunen",  # L95-L96 across a page break
        "Totaalaanpak van migratie en mobiliteit (GAMM). Belangrijke instrumenten",  # L176-L177
    ):
        assert phrase in text, f"the de-hyphenated letter lacks {phrase!r}"
    assert not re.search(r"\w- \w", text.replace("terug- en", "").replace("herkomst- en", "")), "a line-end hyphen was left in"


def test_the_gazetteer_finds_every_country_a_reader_finds(found_countries):
    assert set(found_countries) == READER_COUNTRIES, (
        f"missed: {sorted(READER_COUNTRIES - set(found_countries))}; "
        f"unexpected: { {k: found_countries[k] for k in sorted(set(found_countries) - READER_COUNTRIES)} }"
    )


def test_every_country_the_gazetteer_finds_is_a_country_node(found_countries, seed_facts):
    countries = {n.key: n for n in seed_facts.nodes if n.label == "Country"}
    missing = {code: sorted(names) for code, names in found_countries.items() if code not in countries}
    assert not missing, f"countries named in the letter but not Country nodes of the seed: {missing}"
    for code, names in found_countries.items():
        node = countries[code]
        assert node.properties["has_iso_code"] is True, code
        assert node.properties["name"] in names or node.properties["name_en"] in names, (code, names, node.properties["name"])


def test_word_boundaries_keep_mali_out_of_somalie(letter, found_countries):
    text = letter.text
    assert "mali" in text.lower(), "the control needs 'Somalië' in the text"
    assert whole_word("Mali").search(text) is None
    assert "MLI" not in found_countries
    # Likewise Nederland inside Nederlandse, Irak inside Irakezen: they count, but as Nederland/Irak elsewhere.
    assert whole_word("Irak").search("de Irakezen") is None


def test_somaliland_is_a_country_without_an_iso_code(letter, seed_facts):
    assert pycountry.countries.get(name="Somaliland") is None
    assert whole_word("Somaliland").search(letter.text)
    node = next(n for n in seed_facts.nodes if n.label == "Country" and n.properties.get("name") == "Somaliland")
    assert node.key == "somaliland"
    assert node.properties["has_iso_code"] is False
    assert node.properties["status"] == "self_declared_state"


def test_every_country_node_is_named_in_the_letter(letter, seed_facts, seed_index, seed_tools):
    text = seed_tools.norm(letter.text)
    unnamed = [n.key for n in seed_facts.nodes if n.label == "Country" and not seed_index.named_in(n.key, text)]
    assert not unnamed, f"Country nodes the letter never names: {unnamed}"


# ---------------------------------------------------------------------------- acronyms

# A word of ASCII letters with at least two capitals, at least half of its letters capitals (EU, GAMM, MoU).
WORD = re.compile(r"(?<![\w.])[A-Za-z]+(?![\w.])")
# A word in capitals that is not an acronym: the heading of the first page (L1, the
# name of the Dutch development-cooperation portfolio set in capitals).
PAGE_HEADER_WORDS = {"ONTWIKKELINGSSAMENWERKING"}
READER_ACRONYMS = {"EU", "GAMM", "ILO", "JBZ", "MoU", "OS", "UNHCR"}


def acronyms(text: str) -> set[str]:
    out = set()
    for word in WORD.findall(text):
        capitals = sum(c.isupper() for c in word)
        if len(word) >= 2 and capitals >= 2 and capitals * 2 >= len(word):
            out.add(word)
    return out - PAGE_HEADER_WORDS


def test_the_header_word_is_only_a_page_header(letter):
    for word in PAGE_HEADER_WORDS:
        where = [i for i, line in enumerate(letter.lines, 1) if word in line]
        assert where, word
        for number in where:
            line = letter.lines[number - 1]
            assert line.startswith(" ") and line.strip() == word, f"L{number}: {word} is not alone on a page-opening line"


def test_the_acronym_scan_finds_every_acronym_a_reader_finds(letter):
    assert acronyms(letter.text) == READER_ACRONYMS
    assert acronyms("de E.M.J. Ploumen en F. Teeven, ILO’s, EU-China, MoU") == {"ILO", "EU", "MoU"}


def test_every_acronym_is_a_name_or_alias_of_a_node(letter, seed_index):
    unresolved = {}
    for acronym in sorted(acronyms(letter.text)):
        exact = [k for k in seed_index.nodes if acronym in seed_index.names(k)]
        if not exact:
            unresolved[acronym] = [i for i, line in enumerate(letter.lines, 1) if re.search(rf"\b{acronym}\b", line)]
    assert not unresolved, f"acronyms of the letter (with their lines) that no node has as name or alias: {unresolved}"


# ----------------------------------------------------------- organisations, forums, offices

# Every capitalised mention of an organisation, forum, office or named group a
# reader finds, with its lines and the node it must resolve to; plus the few
# forums and bodies the letter names in lower case. A mention that spans a line
# break is given with both lines.
MENTIONS: list[tuple[int, int, str, str]] = [
    (1, 1, "ONTWIKKELINGSSAMENWERKING", "ontwikkelingssamenwerking"),
    (3, 3, "Voorzitter van de Tweede Kamer der Staten-Generaal", "voorzitter-van-de-tweede-kamer"),
    (3, 3, "Tweede Kamer der Staten-Generaal", "tweede-kamer"),
    (7, 8, "Algemene Commissie voor Buitenlandse Handel en Ontwikkelingssamenwerking", "algemene-commissie-bhos"),
    (10, 10, "strategische landenbenadering migratie", "strategische-landenbenadering-migratie"),
    (30, 30, "Nederlandse vertegenwoordigingen", "nederlandse-vertegenwoordigingen"),
    (31, 31, "Ministerie van Veiligheid en Justitie", "ministerie-van-veiligheid-en-justitie"),
    (32, 32, "Immigration Liaison Officers", "immigration-liaison-officers"),
    (75, 75, "UNHCR", "unhcr"),
    (75, 76, "Memorandum of Understanding", "mou-nld-afg-unhcr-2002"),
    (86, 87, "Staatssecretaris voor Ontwikkelingssamenwerking", "toenmalige-staatssecretaris-voor-ontwikkelingssamenwerking"),
    (87, 87, "uw Kamer", "tweede-kamer"),
    (99, 100, "Memorandum of Understanding", "mou-nld-ind-human-resources-mobility-partnership"),
    (100, 100, "Human Resources Mobility Partnership", "mou-nld-ind-human-resources-mobility-partnership"),
    (108, 109, "Minister voor Immigratie, Integratie en Asiel", "toenmalige-minister-voor-immigratie-integratie-en-asiel"),
    (109, 110, "Iraakse Minister voor Migratie", "iraakse-minister-voor-migratie"),
    (110, 111, "Staatssecretaris van Veiligheid en Justitie", "f-teeven"),
    (111, 112, "Minister van Buitenlandse Zaken", "minister-van-buitenlandse-zaken"),
    (112, 112, "Buitenlandse Zaken", "ministerie-van-buitenlandse-zaken"),
    (129, 129, "regering in Mogadishu", "somalische-regering"),
    (129, 130, "Memorandum of Understanding", "mou-nld-som-gedwongen-terugkeer"),
    (133, 133, "Somalische regering", "somalische-regering"),
    (136, 136, "Somalische immigratiedienst", "somalische-immigratiedienst"),
    (142, 142, "autoriteiten van Somaliland", "autoriteiten-van-somaliland"),
    (152, 152, "Staatssecretaris van Veiligheid en Justitie", "f-teeven"),
    (155, 155, "Europese Unie", "europese-unie"),
    (159, 159, "Europese Raad", "europese-raad"),
    (160, 160, "Europese JBZ-agenda", "europese-jbz-agenda"),
    (162, 162, "JBZ-terrein", "europese-jbz-agenda"),
    (166, 166, "Europese Unie", "europese-unie"),
    (169, 169, "Oostelijk Partnerschap", "oostelijk-partnerschap"),
    (170, 170, "Westelijke Balkan", "westelijke-balkan"),
    (176, 176, "Totaalaanpak van migratie en mobiliteit", "gamm"),
    (176, 176, "GAMM", "gamm"),
    (177, 177, "migratiedialogen", "migratiedialogen"),
    (183, 183, "Lidstaten", "eu-lidstaten"),
    (183, 183, "Europese Commissie", "europese-commissie"),
    (194, 194, "Boedapest Proces", "boedapest-proces"),
    (196, 196, "voormalige Sovjetrepublieken", "voormalige-sovjetrepublieken"),
    (197, 197, "Zijderoute", "zijderoutelanden"),
    (201, 201, "Boedapest Proces", "boedapest-proces"),
    (205, 205, "Zijderoutelanden", "zijderoutelanden"),
    (206, 206, "Europese Commissie", "donor-european-commission"),
    (206, 206, "Europese Commissie", "europese-commissie"),
    (210, 210, "Europese Unie", "europese-unie"),
    (210, 210, "Volksrepubliek China", "CHN"),
    (214, 214, "EU-China Top", "eu-china-top-2013-11-21"),
    (219, 219, "lidstaten van de EU", "eu-lidstaten"),
    (225, 225, "Iraakse autoriteiten", "iraakse-autoriteiten"),
    (226, 226, "Staatssecretaris van Veiligheid en Justitie", "f-teeven"),
    (236, 237, "Nederlandse overheid", "nederlandse-regering"),
    (254, 254, "Staatssecretaris van Veiligheid en Justitie", "f-teeven"),
    (255, 255, "F. Teeven", "f-teeven"),
    (257, 257, "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking", "e-m-j-ploumen"),
    (258, 258, "E.M.J. Ploumen", "e-m-j-ploumen"),
]

# Capitalised head words of institutions, offices and forums: every line where one
# occurs must be covered by a listed mention containing it (the list is complete).
HEAD_WORDS = re.compile(
    r"\b(Kamer|Commissie|Raad|Unie|Ministerie|Minister|Staatssecretaris|Proces|Partnerschap|"
    r"Balkan|Lidstaten|Top|Officers|Zaken|Voorzitter|UNHCR|Memorandum)\b"
)


def test_each_listed_mention_is_on_its_lines(letter, seed_tools):
    wrong = [
        f"L{first}-L{last}: {mention!r} not in {letter.span(first, last)!r}"
        for first, last, mention, _ in MENTIONS
        if seed_tools.norm(mention) not in seed_tools.norm(letter.span(first, last))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_list_of_mentions_is_complete(letter):
    listed = [(first, last, mention) for first, last, mention, _ in MENTIONS]
    uncovered = []
    for number, line in enumerate(letter.lines, 1):
        for match in HEAD_WORDS.finditer(line):
            word = match.group(1)
            if not any(first <= number <= last and word in mention for first, last, mention in listed):
                uncovered.append(f"L{number}: {word} in {line.strip()!r}")
    assert not uncovered, "institution head words with no listed mention:\n" + "\n".join(uncovered)


@pytest.mark.parametrize(("first", "last", "mention", "key"), MENTIONS, ids=[f"L{m[0]}-{m[3]}" for m in MENTIONS])
def test_each_mention_resolves_to_its_node(seed_index, first, last, mention, key):
    assert key in seed_index.nodes, f"L{first}: {mention!r} should be node {key!r}, which the seed lacks"
    resolved = seed_index.resolve(mention)
    assert key in resolved, (
        f"L{first}-L{last}: {mention!r} is not a name or alias of {key!r} (names: {seed_index.names(key)}); "
        f"it resolves to {resolved or 'nothing'}"
    )


def test_each_mentioned_node_cites_the_lines_of_its_mention(seed_index):
    uncited = []
    for first, last, mention, key in MENTIONS:
        cited = [Locator.parse(s) for s in seed_index.nodes[key].properties["sources"]]
        if not any(loc.from_line <= last and first <= loc.to_line for loc in cited):
            uncited.append(f"{key}: mentioned as {mention!r} at L{first}-L{last}, cites only {[str(c) for c in cited]}")
    assert not uncited, "\n".join(uncited)
