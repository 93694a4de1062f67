"""Countries: the list, a profile, and linkage options."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AfterValidator

from koppel.queries.linkage import linkages
from koppel.queries.profile import country_profile, country_summaries

from ..deps import Store

router = APIRouter(prefix="/api/countries", tags=["countries"])
CountryKey = Annotated[str, Path(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", examples=["IRQ"], description="ISO 3166-1 alpha-3 code or slug.")]


def _calendar_date(text: str | None) -> dt.date | None:
    # A plain date type would also read `0` as a Unix timestamp; only YYYY-MM-DD is a date here.
    return None if text is None else dt.date.fromisoformat(text)


AsOf = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Ignore facts not yet valid on this date (YYYY-MM-DD).", examples=["2013-01-01"]),
    AfterValidator(_calendar_date),
]


@router.get("", summary="Every country with its return cooperation and counts")
def list_countries(store: Store) -> dict[str, Any]:
    return {"countries": country_summaries(store)}


@router.get("/{iso3}", summary="A country's profile, every item with its locators")
def get_country(iso3: CountryKey, store: Store, as_of: AsOf = None) -> dict[str, Any]:
    return country_profile(store, iso3, as_of=as_of)


@router.get("/{iso3}/linkages", summary="Existing and ranked candidate linkages, with scores, reasons, paths and locators")
def get_linkages(iso3: CountryKey, store: Store, as_of: AsOf = None) -> dict[str, Any]:
    return linkages(store, iso3, as_of=as_of)
