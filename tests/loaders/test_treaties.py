"""The treaty extractors on real texts of ../shared/sources/treaties, their date grammar and country names, and their quality on the hand-annotated sample."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from koppel.loaders.documents import document_path, read_document
from koppel.loaders.ingest.countries import find_countries
from koppel.loaders.ingest.dates import parse_date, year_from_words
from koppel.loaders.ingest.quality import evaluate
from koppel.loaders.ingest.treaties import extract

SAMPLE = Path(__file__).resolve().parent / "treaty_sample.yaml"
HELDOUT = Path(__file__).resolve().parent / "treaty_heldout.yaml"
HELDOUT2 = Path(__file__).resolve().parent / "treaty_heldout2.yaml"


@pytest.fixture(scope="module")
def treaties(sources_dir: Path) -> Path:
    return sources_dir / "treaties"


def _extract(treaties: Path, doc_id: str):
    return extract(read_document(document_path(treaties, doc_id)))


def _values(result, field: str) -> list:
    return [c.value for c in result.candidates if c.field == field]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GEDAAN te Accra op de eenendertigste maart 1989", dt.date(1989, 3, 31)),
        ("DONE at Colombo, this thirtieth day of July 1960 in duplicate", dt.date(1960, 7, 30)),
        ("FAIT à Paris, le premier juin mil neuf cent quatre-vingt-neuf, en deux exemplaires", dt.date(1989, 6, 1)),
        ("Fait à Belgrade, le vingt huit mai mil neuf cent trente.", dt.date(1930, 5, 28)),
        ("GEDAAN te Pretoria, de tiende oktober tweeduizend zeven.", dt.date(2007, 10, 10)),
        ("GEDAAN te Kiev op 11 mei negentienhonderd achtennegentig in tweevoud", dt.date(1998, 5, 11)),
        ("Gedaan te Londen, den twintigsten December des jaars achttien honderd twee en zestig.", dt.date(1862, 12, 20)),
        ("Gedaan, den 13den Augustus negentienhonderd en zes en veertig in tweevoud te Londen", dt.date(1946, 8, 13)),
        ("DONE at Jakarta on Wednesday, April 6, 1994 in duplicate", dt.date(1994, 4, 6)),
        ("DONE at Paris, this 10<sup>th</sup> day of September, 2009, in duplicate", dt.date(2009, 9, 10)),
        ("the twenty-first day of May, nineteen hundred and eighty-five, in two copies", dt.date(1985, 5, 21)),
        ("GEDAAN te 's-Gravenhage, de zesde dag van Rabbie Al-Awal 1422 H, overeenkomend met de negenentwintigste mei van het jaar 2001",
         dt.date(2001, 5, 29)),
        ("GEDAAN in tweevoud te Harare op 11/12/1996, in de Engelse taal", dt.date(1996, 12, 11)),  # digits: day first
        ("GEDAAN te Doha op 6 januari 2008, overeenkomende met 28/12/1428 A.H, in de Nederlandse", dt.date(2008, 1, 6)),
        ("Bern, den 28. Oktober 1993", dt.date(1993, 10, 28)),  # German letter
        ("Madrid, 24 de Octubre de 1963.Señor Embajador", dt.date(1963, 10, 24)),  # Spanish letter
        ("Dublin, 27th July 1995No. DUB/851 The Royal Netherlands Embassy", dt.date(1995, 7, 27)),  # glued to the next word
    ],
)
def test_written_out_dates_are_read(text: str, expected: dt.date) -> None:
    assert parse_date(text) == (expected, "day")


@pytest.mark.parametrize(
    "text",
    [
        "GEDAAN TE Luxemburg en Oslo, in viervoud, respectievelijk op 16 en 21 juni 2011.",  # two days
        "GEDAAN TE Windhoek op 17 juni 1992/26 november 1992",  # two dates
        "OPGEMAAKT in tweevoud te Managua, op 26 (dag) 8 (maand) 1992",  # no month name
        "GEDAAN te Brussel, op ... 2004",
        "te Pretoria in de maand juni",  # no day, no year
        "Artikel 1.2.10 van het Verdrag",  # a paragraph number is not a date
        "signed on 3 May 2001 and on 4 May 2001",  # two dates
    ],
)
def test_a_clause_without_one_readable_date_gives_none(text: str) -> None:
    assert parse_date(text) is None


def test_years_in_words_in_three_languages() -> None:
    assert year_from_words("negentienhonderd negenentachtig") == 1989
    assert year_from_words("tweeduizend vijftien") == 2015
    assert year_from_words("nineteen hundred and sixty") == 1960
    assert year_from_words("deux mille cinq") == 2005
    assert year_from_words("vijf") is None
    assert year_from_words("mil neuf cent quatre-vingt-neuf") == 1989
    assert year_from_words("achttien honderd twee en zestig") == 1862
    assert year_from_words("two thousand and nine") == 2009


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("het Koninkrijk Zuid-Slavië", ["YUG"]),
        ("de Socialistische Federale Republiek Zuidslavië", ["YUG"]),
        ("de Unie van Socialistische Sowjet-Republieken", ["SUN"]),
        ("de Republiek Zaïre", ["COD"]),
        ("Ceylon", ["LKA"]),
        ("de Unie van Birma", ["MMR"]),
        ("de Tsjechoslowaakse Socialistische Republiek", ["CSK"]),
        ("de Duitse Democratische Republiek", ["DDR"]),
        ("le Royaume du Maroc", ["MAR"]),
        ("the Republic of Ghana", ["GHA"]),
        ("de Nederlandse Antillen en Aruba", ["ANT", "ABW"]),
        ("de Japanse Regering", ["JPN"]),
        ("Guinee-Bissau", ["GNB"]),
        ("de Federatie van Malaya", ["MYS"]),  # renamed: the successor's code
        ("het Verenigd Koninkrijk van Groot-Brittannië en Ierland", ["GBR"]),  # one state, not Ireland too
        ("de Verenigde Staten van Mexico", ["MEX"]),  # not the United States
        ("de Tsjechische en Slowaakse Federatieve Republiek", ["CSK"]),
    ],
)
def test_country_names_dutch_english_french_and_historical(text: str, codes: list[str]) -> None:
    assert [m.iso3 for m in find_countries(text)] == codes


def test_an_investment_treaty_with_ghana(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0004766")
    (agreement,) = _values(result, "agreement")
    assert agreement["bwb_id"] == "BWBV0004766" and agreement["instrument"] == "overeenkomst"
    assert agreement["title_en"].startswith("Agreement on Encouragement and Reciprocal Protection of Investments")
    assert _values(result, "domain") == ["investment"]
    assert {p["key"]: p["role"] for p in _values(result, "party")} == {"NLD": "signatory", "GHA": "counterpart"}
    (signed,) = [c for c in result.candidates if c.field == "signed_on"]
    assert signed.value == {"date": "1989-03-31", "precision": "day"} and signed.confidence >= 0.9
    assert signed.locator == "BWBV0004766#L163"  # the English closing clause comes first
    assert _values(result, "signed_place") == ["Accra"]


def test_benelux_states_jointly_with_a_counterpart(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0004481")  # Austria and the Benelux governments, readmission
    parties = {p["key"]: p for p in _values(result, "party")}
    assert set(parties) == {"AUT", "BEL", "LUX", "NLD", "benelux"}
    assert parties["AUT"]["role"] == "counterpart" and "Benelux" in parties["BEL"]["note"]
    assert _values(result, "domain") == ["readmission"]


def test_eu_and_its_member_states_with_a_counterpart_and_a_readmission_clause(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0006441")  # EU aviation area with Georgia, amending protocol
    assert {p["key"] for p in _values(result, "party")} == {"europese-unie", "eu-lidstaten", "GEO"}
    (amends,) = _values(result, "amends")
    assert amends["role"] == "amends"


def test_a_treaty_for_a_part_of_the_kingdom(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0003505")  # for Aruba, with Iceland
    parties = {p["key"]: p for p in _values(result, "party")}
    assert set(parties) == {"NLD", "ABW", "ISL"}
    assert parties["ABW"]["role"] == "kingdom_part" and parties["ISL"]["role"] == "counterpart"


def test_a_french_only_text_and_an_old_trade_treaty(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0005995")  # Zuidslavië, 1930, closing clause in French words first
    assert {p["key"] for p in _values(result, "party")} == {"NLD", "YUG"}
    assert _values(result, "signed_on")[0]["date"] == "1930-05-28"
    assert _values(result, "domain") == ["trade_economic"]


def test_the_not_yet_in_force_marker(treaties: Path) -> None:
    marked = _extract(treaties, "BWBV0003538")
    (flag,) = [c for c in marked.candidates if c.field == "not_in_force"]
    cited = read_document(document_path(treaties, "BWBV0003538")).lines[flag.lines[0] - 1]
    assert flag.value is True and "nader te bepalen tijdstip" in cited
    assert not _values(_extract(treaties, "BWBV0004766"), "not_in_force")


def test_what_cannot_be_read_is_left_out_with_a_reason(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0005416")  # signed at two places on two days; EU, USA, Iceland, Norway
    assert not _values(result, "signed_on")
    reasons = {i["field"]: i["reason"] for i in result.issues}
    assert "signed_on" in reasons and "signed_place" in reasons
    quebec = _extract(treaties, "BWBV0001609")  # a province, not a state
    assert not [p for p in _values(quebec, "party") if p["key"] == "CAN"]
    assert any(i["field"] == "party" and "below the level of a state" in i["reason"] for i in quebec.issues)


def test_a_clause_signed_in_two_places_on_one_day_gives_the_date(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0004270")  # "DONE at Monrovia this 27th day of May 2010, and at Monrovia this 27th ..."
    (signed,) = [c for c in result.candidates if c.field == "signed_on"]
    assert signed.value["date"] == "2010-05-27" and signed.confidence >= 0.9
    assert _values(result, "signed_place") == ["Monrovia"]


def test_a_testimonium_without_gedaan_gives_the_date(treaties: Path) -> None:
    result = _extract(treaties, "BWBV0004484")  # "... hebben ondertekend te New York, de 19e april 1967"
    assert _values(result, "signed_on") == [{"date": "1967-04-19", "precision": "day"}]
    assert _values(result, "signed_place") == ["New York"]
    # the parties' names (a list of UN organisations, one of them for civil aviation) do not decide the domain
    assert _values(result, "domain") == ["development"]


def test_an_exchange_of_notes_is_dated_by_its_concluding_letter(treaties: Path) -> None:
    kenya = _extract(treaties, "BWBV0004523")  # note of 30 September 1966, reply of 19 November 1966 (English and Dutch)
    (signed,) = [c for c in kenya.candidates if c.field == "signed_on"]
    assert signed.value["date"] == "1966-11-19" and signed.confidence >= 0.9
    spain = _extract(treaties, "BWBV0004639")  # the "Wijzigt ...; Madrid, 2 juni 1960" status line is not a letter's date
    assert _values(spain, "signed_on") == [{"date": "1963-10-24", "precision": "day"}]
    malaya = _extract(treaties, "BWBV0004753")  # "LEGATIONKuala Lumpur": no half a place name
    assert "Lumpur" not in _values(malaya, "signed_place")


def test_an_entrusted_territory_is_the_counterpart_not_the_entrusting_state(treaties: Path) -> None:
    bermuda = _extract(treaties, "BWBV0003224")  # "Bermuda (zoals gemachtigd door de Regering van het Verenigd Koninkrijk ...)"
    assert {p["key"]: p["role"] for p in _values(bermuda, "party")} == {"NLD": "signatory", "BMU": "counterpart"}
    macau = _extract(treaties, "BWBV0003059")  # "de Speciale Administratieve Regio Macau van de Volksrepubliek China"
    assert {p["key"] for p in _values(macau, "party")} == {"NLD", "MAC"}
    assert all(c.confidence >= 0.9 for c in macau.candidates if c.field == "party")


@pytest.mark.parametrize("sample", [SAMPLE, HELDOUT, HELDOUT2], ids=["sample", "heldout", "heldout2"])
def test_quality_on_the_annotated_samples(sources_dir: Path, sample: Path) -> None:
    """Parties and domain precision >= 0.98, signature date precision >= 0.95 at the bulk-accept threshold, and no wrong date at high confidence."""
    report = evaluate(sample, sources_dir / "treaties", min_confidence=0.9)
    fields = report["fields"]
    assert report["treaties"] >= (40 if sample == SAMPLE else 20)
    assert fields["parties"]["precision"] >= 0.98 and fields["parties"]["recall"] >= 0.95
    assert fields["domain"]["precision"] >= 0.98 and fields["domain"]["recall"] >= 0.98
    assert fields["signed_on"]["precision"] >= 0.98 and fields["signed_on"]["recall"] >= 0.9
    assert not report["wrong"], report["wrong"]
    assert {m["field"] for m in report["missed"]} <= {"parties", "signed_on", "signed_place", "amends"}
    everything = evaluate(sample, sources_dir / "treaties", min_confidence=0.0)
    assert everything["fields"]["signed_on"]["recall"] >= 0.9


def test_the_shipped_reviewed_corpus_cites_lines_that_exist(sources_dir: Path) -> None:
    """loaders/reviewed/treaties.yaml: every treaty once, every locator inside its text, nothing copied but titles."""
    from koppel.loaders.facts import parse_facts
    from koppel.loaders.ingest.review import reviewed_files

    (path,) = reviewed_files()
    facts = parse_facts([path])
    agreements = [n for n in facts.nodes if n.label == "Agreement" and n.properties.get("bwb_id")]
    assert len(agreements) == 970 and len({n.properties["bwb_id"] for n in agreements}) == 970
    # earlier treaties outside the corpus: only what an amending title states, cited to that title, marked as such
    referenced = [n for n in facts.nodes if n.label == "Agreement" and not n.properties.get("bwb_id")]
    assert referenced and all(n.key.startswith("treaty-ref-") and n.properties["description"].startswith("Not in the corpus") for n in referenced)
    targets = {r.end for r in facts.relationships if r.type == "AMENDS"}
    assert {n.key for n in referenced} <= targets and len([r for r in facts.relationships if r.type == "AMENDS"]) > 40
    lengths: dict[str, int] = {}
    for record in [*facts.nodes, *facts.relationships]:
        for locator in record.properties["sources"]:
            doc_id, _, lines = locator.partition("#L")
            if doc_id not in lengths:
                lengths[doc_id] = len(read_document(document_path(sources_dir / "treaties", doc_id)).lines)
            assert int(lines.split("-L")[-1]) <= lengths[doc_id], locator
    morocco = {r.end for r in facts.relationships if r.type == "PARTY_TO" and r.start == "MAR"}
    assert len(morocco) >= 8


def test_the_default_load_holds_the_letter_and_the_treaties() -> None:
    from koppel.loaders import default_facts

    facts, lines = default_facts()
    keys = {n.key for n in facts.nodes}
    assert "kamerbrief-2014-02-25-strategische-landenbenadering-migratie" in keys
    assert "treaty-bwbv0004766" in keys
    assert any(line.startswith("treaties: 970 reviewed treaties") for line in lines)
