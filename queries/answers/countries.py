"""Countries: the list with their latest return cooperation, and one country's profile."""

from typing import Any

from pydantic import Field

from .base import Answer, Open


class CountrySummary(Open):
    key: str
    name: str | None = None
    name_en: str | None = None
    has_iso_code: bool | None = None
    return_cooperation: dict[str, Any] | None = Field(None, description="The latest assessment: level, trend, as_of.")
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
