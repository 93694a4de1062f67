"""Plain words in English and Dutch for what a strategist reads: no keys, no enum values, no relationship types.

A :class:`Text` is one sentence or phrase in both languages. The tables below
turn the schema's coded values (dossier domains, statuses, outcomes, channels,
fragility factors) into words; :func:`name_of` turns a node into its display
name (English, else Dutch, else a humanised key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """One sentence or phrase in English (``en``) and Dutch (``nl``)."""

    en: str
    nl: str

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "nl": self.nl}

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.nl + other.nl)


def join(parts: list[Text], sep: str = "; ") -> Text:
    """The parts joined by ``sep`` in each language."""
    return Text(sep.join(p.en for p in parts if p.en), sep.join(p.nl for p in parts if p.nl))


def sentence(text: Text) -> Text:
    """``text`` with a capital first letter and a final full stop, in both languages."""
    def fix(s: str) -> str:
        s = s.strip()
        if not s:
            return s
        s = s[0].upper() + s[1:]
        return s if s.endswith(".") else s + "."
    return Text(fix(text.en), fix(text.nl))


DOMAINS: dict[str, Text] = {
    "development_aid": Text("development aid", "ontwikkelingshulp"),
    "aviation": Text("air services", "luchtvaart"),
    "labour_mobility": Text("labour mobility", "arbeidsmobiliteit"),
    "student_mobility": Text("student mobility", "studentenmobiliteit"),
    "visa_facilitation": Text("visa facilitation", "visumfacilitatie"),
    "readmission": Text("readmission", "terug- en overname"),
    "return": Text("forced return", "gedwongen terugkeer"),
    "reintegration": Text("reintegration support", "herintegratiesteun"),
    "border_management": Text("border management", "grensbewaking"),
    "migration_capacity": Text("migration-service capacity", "capaciteit van migratiediensten"),
    "displaced_persons": Text("support for displaced persons", "steun aan ontheemden"),
    "reception_of_minors": Text("reception of returning minors", "opvang van terugkerende minderjarigen"),
    "migration_and_development": Text("migration and development", "migratie en ontwikkeling"),
    "knowledge_sharing": Text("knowledge sharing", "kennisdeling"),
    "return_message": Text("the return message", "de terugkeerboodschap"),
    # treaty domains (the treaty corpus)
    "social_security": Text("social security", "sociale zekerheid"),
    "taxation": Text("taxation", "belastingen"),
    "tax": Text("taxation", "belastingen"),
    "investment": Text("investment protection", "investeringsbescherming"),
    "culture": Text("cultural cooperation", "culturele samenwerking"),
    "legal_assistance": Text("legal assistance", "rechtshulp"),
    "extradition": Text("extradition", "uitlevering"),
    "trade": Text("trade", "handel"),
    "shipping": Text("shipping", "scheepvaart"),
    "development_cooperation": Text("development cooperation", "ontwikkelingssamenwerking"),
    "visa": Text("visas", "visa"),
    "labour": Text("labour", "arbeid"),
    "education": Text("education", "onderwijs"),
    "science": Text("science", "wetenschap"),
    "police": Text("police cooperation", "politiesamenwerking"),
    "other": Text("other matters", "overige zaken"),
}

DOSSIER_STATUS: dict[str, Text] = {
    "requested": Text("requested", "gevraagd"),
    "offered": Text("offered", "aangeboden"),
    "under_discussion": Text("under discussion", "in bespreking"),
    "in_place": Text("in place", "lopend"),
    "cut": Text("cut", "gekort"),
    "planned": Text("planned", "gepland"),
    "stalled": Text("stalled", "vastgelopen"),
}

OUTCOMES: dict[str, Text] = {
    "effective": Text("effective", "effectief"),
    "partial": Text("partly effective", "deels effectief"),
    "pending": Text("still pending", "nog open"),
    "unknown": Text("outcome unknown", "uitkomst onbekend"),
    "no_result": Text("without result", "zonder resultaat"),
}

CHANNELS: dict[str, Text] = {
    "bilateral": Text("bilateral", "bilateraal"),
    "eu": Text("EU", "EU"),
    "forum": Text("forum", "forum"),
    "coalition": Text("coalition of like-minded states", "coalitie van gelijkgezinde landen"),
}

FRAGILITY: dict[str, Text] = {
    "post_conflict": Text("post-conflict", "post-conflict"),
    "failed_state_history": Text("a history as a failed state", "een verleden als falende staat"),
    "weak_government": Text("a weak government", "een zwak bestuur"),
    "secession": Text("secession", "afscheiding"),
    "mass_displacement": Text("mass displacement", "massale ontheemding"),
}

AGREEMENT_TYPES: dict[str, Text] = {
    "mou": Text("memorandum of understanding", "memorandum van overeenstemming"),
    "readmission_agreement": Text("readmission agreement", "overnameovereenkomst"),
    "visa_facilitation_agreement": Text("visa facilitation agreement", "visumfacilitatieovereenkomst"),
    "mobility_partnership": Text("mobility partnership", "mobiliteitspartnerschap"),
    "treaty": Text("treaty", "verdrag"),
}


def coded(table: dict[str, Text], value: str | None) -> Text:
    """The words for a coded value; an unknown code is humanised (underscores become spaces)."""
    if value in table:
        return table[value]
    words = (value or "").replace("_", " ").strip() or "unknown"
    return Text(words, words)


def domain(value: str | None) -> Text:
    """The words for a dossier or treaty domain."""
    return coded(DOMAINS, value)


def name_of(node: dict[str, Any] | None, lang: str = "en") -> str:
    """A node's display name in ``lang`` ("en" or "nl"): the name in that language, else ``name``, else the key humanised."""
    node = node or {}
    first = node.get("name_en") if lang == "en" else node.get("name_nl")
    found = first or node.get("name") or node.get("name_en") or node.get("name_nl")
    if found:
        return str(found)
    return str(node.get("key") or "?").replace("-", " ").replace("_", " ")


def names(node: dict[str, Any] | None) -> Text:
    """A node's display name in both languages."""
    return Text(name_of(node, "en"), name_of(node, "nl"))


def fragility_words(factors: list[str]) -> Text:
    """The recorded fragility factors as a phrase, e.g. "post-conflict, mass displacement"."""
    return join([coded(FRAGILITY, f) for f in factors], ", ")
