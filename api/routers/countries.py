"""Countries: the list, a profile, and linkage options."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from koppel.graph.errors import ValidationError
from koppel.queries.answers import Countries, LinkageAnswer, Profile, ReturnSeries

from ..deps import Engine

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
KnownBy = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Only what sources dated on or before this date stated (YYYY-MM-DD).", examples=["2013-01-01"]),
    AfterValidator(_calendar_date),
]


@router.get("", summary="Every country with its return cooperation and counts", response_model=Countries)
def list_countries(engine: Engine, as_of: AsOf = None, known_by: KnownBy = None) -> Countries:
    return engine.countries(as_of=as_of, known_by=known_by)


@router.get("/{iso3}", summary="A country's profile, every item with its locators", response_model=Profile)
def get_country(iso3: CountryKey, engine: Engine, as_of: AsOf = None, known_by: KnownBy = None) -> Profile:
    return engine.profile(iso3, as_of=as_of, known_by=known_by)


@router.get("/{iso3}/linkages", summary="Existing and ranked candidate linkages, with scores, reasons, paths and locators", response_model=LinkageAnswer)
def get_linkages(iso3: CountryKey, engine: Engine, as_of: AsOf = None, known_by: KnownBy = None) -> LinkageAnswer:
    return engine.linkages(iso3, as_of=as_of, known_by=known_by)


class LinkageRun(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"as_of": "2013-01-01", "weights": {"weights": {"demand": 0.4, "risk": 0.8}}}]})
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Ignore facts not yet valid on this date (YYYY-MM-DD).")
    known_by: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Only what sources dated on or before this date stated (YYYY-MM-DD).")
    weights: dict[str, Any] | None = Field(None, description="Weights as in `queries/weights.yaml` (what `koppel linkages --weights FILE` reads); keys left out keep their defaults.")


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValidationError(f"the JSON body gives the key {key!r} twice in one object: give each key once")
        seen.add(key)
    return dict(pairs)


async def _keys_once(request: Request) -> None:
    """Refuse a JSON body that gives a key twice in one object (JSON parsers keep the last silently; a weights file refuses it too)."""
    raw = await request.body()
    if raw:
        with contextlib.suppress(json.JSONDecodeError, RecursionError, UnicodeDecodeError):  # FastAPI reports those itself
            json.loads(raw, object_pairs_hook=_no_key_twice)


@router.post(
    "/{iso3}/linkages", summary="Linkages scored with your own weights (the body of a weights file, as JSON)", response_model=LinkageAnswer,
    dependencies=[Depends(_keys_once)],
)
def post_linkages(iso3: CountryKey, engine: Engine, body: Annotated[LinkageRun, Body()] = LinkageRun()) -> LinkageAnswer:
    return engine.linkages(iso3, as_of=body.as_of, weights=body.weights if body.weights is not None else None, known_by=body.known_by)


# -- issue 12: a country's return series for a chart (Eurostat MIGR_EIRTN) ---------------------------


@router.get(
    "/{iso3}/returns",
    summary="Returns of a country's nationals per reporting state and year, with the Netherlands and the EU+EFTA total (persons, rounded to 5; caveats included)",
    response_model=ReturnSeries,
)
def get_returns(iso3: CountryKey, engine: Engine, as_of: AsOf = None, known_by: KnownBy = None) -> ReturnSeries:
    """Series per reporting state, the Netherlands, the EU+EFTA total, the Dutch share and the trends; every point cites its row (see :meth:`koppel.queries.engine.Koppel.returns`).

    ``as_of``/``known_by``: years after the as-of year, and rows of a dataset dated after known_by, are left out (``withheld`` says why).
    """
    return engine.returns(iso3, as_of=as_of, known_by=known_by)
