"""One rule for a country: koppel.queries.countries on real stores (embedded and Neo4j)."""

from __future__ import annotations

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.queries.countries import country_key, normalise
from koppel.queries.profile import get_country


def test_the_rule_without_a_store():
    assert normalise("irq") == "IRQ" and normalise(" Irq ") == "IRQ"
    assert normalise("SOMALILAND") == "somaliland"
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(ValidationError, match="not a valid key"):
            normalise(bad)


def test_codes_slugs_names_and_aliases_find_one_country(seeded_store):
    for text in ("IRQ", "irq", " Irq ", "Irak", "iraq", "IRAQ", "Republic of Iraq", "Irakezen"):
        assert country_key(seeded_store, text) == "IRQ", text
    assert country_key(seeded_store, "Somaliland") == "somaliland"
    assert country_key(seeded_store, "SOMALILAND") == "somaliland"


def test_unknown_text_and_typos_are_not_found(seeded_store):
    for text in ("ZZZ", "Irakk", "Ira"):  # exact names only: a typo is never another country
        with pytest.raises(NotFound, match=f"no country '{text}' in the graph"):
            country_key(seeded_store, text)


def test_an_empty_store_has_no_country(empty_store):
    with pytest.raises(NotFound, match="no country 'IRQ' in the graph"):
        country_key(empty_store, "IRQ")


def test_the_profile_lookup_follows_the_same_rule(seeded_store):
    assert get_country(seeded_store, "iraq")["key"] == "IRQ"
    assert get_country(seeded_store, "Somaliland")["key"] == "somaliland"
    with pytest.raises(NotFound, match="no country 'ZZZ' in the graph"):
        get_country(seeded_store, "ZZZ")
