"""Countries: the list with their latest return cooperation, and one country's profile."""

import datetime as dt
from typing import Any

from pydantic import Field

from .base import Answer, Open


class LatestAssessment(Answer):
    """A country's latest return cooperation assessment."""

    level: str | None = None
    trend: str | None = None
    as_of: dt.date | str | None = None


class CountrySummary(Open):
    key: str
    name: str | None = None
    name_en: str | None = None
    has_iso_code: bool | None = None
    return_cooperation: LatestAssessment | None = Field(None, description="The latest assessment: level, trend, as_of.")
    counts: dict[str, int]


class Countries(Answer):
    countries: list[CountrySummary]
    as_of: str | None = Field(None, description="Read at this ISO date (valid time), if asked.")
    known_by: str | None = Field(None, description="Only what sources dated on or before this ISO date stated, if asked.")


class ProfileItem(Open):
    """A node tied to the country: its properties plus how it is tied (``via``, ``through``) and the evidence of those ties."""

    key: str
    label: str
    name: str | None = None
    sources: list[str] = Field(default_factory=list)
    via: list[str] = Field(default_factory=list, description="Relationship type chains from the country, e.g. `MEMBER_OF/PARTY_TO`.")
    through: list[str] = Field(default_factory=list, description="Keys of the nodes in between.")
    evidence: list[str] = Field(default_factory=list, description="Locators of the relationships that tie it.")


class ReturnPoint(Answer):
    """One reporting state's (or the Netherlands') figure for one year: persons (``None``: not available), availability, the rows it cites."""

    year: int
    persons: int | None = None
    availability: str
    sources: list[str] = Field(default_factory=list)


class ReturnTotal(Answer):
    """The EU+EFTA total for one year (persons; ``None``: no state reported) and the Dutch share of it in per cent."""

    year: int
    persons: int | None = None
    states_reported: int
    states_not_available: int
    netherlands_share_pct: float | None = None


class ReturnState(Answer):
    """One reporting state's series."""

    state: str
    name: str | None = None
    in_eu_efta: bool
    points: list[ReturnPoint]


class Trend(Answer):
    """Change over the last years with a figure (persons, per cent): ``direction`` falling, rising, stable or unknown."""

    from_year: int | None = None
    to_year: int | None = None
    change: int | None = None
    change_pct: float | None = None
    direction: str


class ReturnTrends(Answer):
    netherlands: Trend
    eu_efta: Trend
    netherlands_fell_while_eu_did_not: bool | None = None


class ProfileReturns(Answer):
    """A profile's return series: the Netherlands, the EU+EFTA total, the Dutch share and the trends (per-state series are at /returns)."""

    country: str
    name: str | None = None
    unit: str = Field(description="Always `persons` (rounded to 5 by Eurostat).")
    dataset: str
    caveats: str
    absent_rule: str
    eu_efta_states: list[str]
    years: list[int]
    netherlands: list[ReturnPoint]
    eu_efta_total: list[ReturnTotal]
    trend: ReturnTrends
    as_of: str | None = Field(None, description="Read at this ISO date, if asked.")
    known_by: str | None = Field(None, description="Only rows of sources dated on or before this ISO date, if asked.")
    withheld: str | None = Field(None, description="Why rows were left out for known time, if any were.")


class ReturnSeries(ProfileReturns):
    """Returns of a country's nationals per reporting state and year (Eurostat MIGR_EIRTN; see :func:`koppel.queries.returns.return_series`)."""

    states: list[ReturnState]


class Treaty(Answer):
    """A treaty (an Agreement with a BWB id) tied to the country, with its evidence (locators of the treaty and of its tie)."""

    key: str
    name: str | None = None
    name_en: str | None = None
    bwb_id: str | None = None
    instrument: str | None = None
    date_signed: dt.date | str | None = None
    date_signed_precision: str | None = None
    signed_place: str | None = None
    not_in_force: bool | None = None
    eu_level: bool | None = None
    readmission_clause: bool | None = None
    evidence: list[str] = Field(default_factory=list)


class TreatyGroup(Answer):
    """The treaties of one domain (``None``: no domain), in date order."""

    domain: str | None = None
    count: int
    treaties: list[Treaty]


class VisaRequirement(Answer):
    """What nationals need for a short stay in one destination (Passport Index row; the Netherlands: the Schengen list)."""

    destination: str
    requirement: str | None = None
    visa_required: bool | None = None
    visa_free_days: int | None = None
    as_of: dt.date | str | None = Field(None, description="The dataset's date.")
    sources: list[str] = Field(default_factory=list)


class DataWithheld(Answer):
    """Why data-layer rows were left out for known time (``None``: nothing was)."""

    returns: str | None = None
    visa: str | None = None


class Profile(Open):
    """Everything the graph holds about one country, section by section."""

    country: dict[str, Any]
    as_of: str | None = None
    known_by: str | None = Field(None, description="Only what sources dated on or before this ISO date stated.")
    groups: list[ProfileItem] = Field(default_factory=list)
    return_cooperation: list[ProfileItem] = Field(default_factory=list)
    dossiers: list[ProfileItem] = Field(default_factory=list)
    agreements: list[ProfileItem] = Field(default_factory=list)
    forums: list[ProfileItem] = Field(default_factory=list)
    projects: list[ProfileItem] = Field(default_factory=list)
    donors: list[ProfileItem] = Field(default_factory=list)
    events: list[ProfileItem] = Field(default_factory=list)
    linkages: list[ProfileItem] = Field(default_factory=list)
    partners: list[ProfileItem] = Field(default_factory=list)
    treaties: list[TreatyGroup] = Field(default_factory=list, description="The treaties among the agreements, by domain.")
    returns: ProfileReturns | None = Field(None, description="Return series (Eurostat MIGR_EIRTN); None when known time leaves no row.")
    visa: list[VisaRequirement] = Field(default_factory=list, description="Short-stay visa requirement per destination.")
    data_withheld: DataWithheld | None = Field(None, description="At as_of/known_by: why data-layer rows were left out.")
