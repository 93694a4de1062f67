"""The treaty extractors: a BWB treaty text into candidate facts, each citing its lines.

From one treaty (``../shared/sources/treaties/BWBV*.md``, see its SOURCE.md):

* ``agreement``: the treaty itself: Dutch title (first ``##`` heading), English
  title (an ``####`` heading in English right after it), BWB id, instrument
  (from the title's first words);
* ``domain``: one of twelve domains, from the title's words;
* ``party``: each party named in the title's "tussen ... en ..." part: a
  country by ISO code (see :mod:`.countries`), the Benelux states, the EU
  (with its member states); parts of the Kingdom named anywhere in the title;
* ``signed_on`` / ``signed_place``: the date and place of the closing clause
  ("GEDAAN te ... op ...", "Done at ...", "Fait à ..."); see :mod:`.dates`;
* ``amends``: the earlier treaty a protocol or implementing arrangement
  changes, supplements or carries out, where the title says so and the corpus
  holds it (matched by its BWB link in the text or by title);
* ``not_in_force``: the status line "Treedt in werking op een nader te bepalen
  tijdstip" on every article;
* ``eu_readmission``: an EU-level agreement whose text holds a readmission
  commitment.

A value that cannot be read with confidence is not guessed: it becomes an
``issue`` (field, reason, lines) that ``koppel review`` lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from koppel.loaders.documents import Document

from .countries import KINGDOM_PARTS, find_countries, plain
from .dates import parse_date, read_date

EXTRACTOR = "treaties/2"  # bumped when the extractors change: a re-ingest re-extracts every text

INSTRUMENTS = [
    ("notawisseling", "notawisseling"), ("briefwisseling", "briefwisseling"), ("wisseling van brieven", "briefwisseling"),
    ("exchange of notes", "notawisseling"), ("exchange of letters", "briefwisseling"), ("echange de notes", "notawisseling"),
    ("echange de lettres", "briefwisseling"), ("memorandum", "memorandum"), ("protocol", "protocol"), ("protocole", "protocol"),
    ("verklaring", "verklaring"), ("declaration", "verklaring"), ("regeling", "regeling"), ("arrangement", "regeling"),
    ("akkoord", "akkoord"), ("accoord", "akkoord"), ("accord", "akkoord"), ("overeenkomst", "overeenkomst"), ("agreement", "overeenkomst"),
    ("verdrag", "verdrag"), ("tractaat", "verdrag"), ("convention", "verdrag"), ("treaty", "verdrag"), ("traite", "verdrag"),
]

# Domain rules in order of precedence: the first that matches the title wins.
DOMAINS: list[tuple[str, str]] = [
    ("readmission", r"overname|terug- en overname|readmission|reprise des personnes|terugname"),
    ("visa", r"visum|visa\b|paspoort|passport"),
    ("social_security", r"sociale zekerheid|social security|securite sociale|kinderbijslag|sociale verzekering|ziektekosten|pensioen|uitkering"),
    ("tax", r"belasting|dubbele heffing|tax|impot|fiscal|heffingen"),
    ("investment", r"investering|investment|kapitaalbelegging"),
    ("aviation", r"lucht|air services|air transport|aerien|aviation|vliegveld"),
    ("justice", r"uitlevering|rechtshulp|strafzaken|gevonniste|strafvonnissen|extradition|legal assistance|overbrenging van veroordeelde|tenuitvoerlegging|rechterlijke|vonnissen|burgerlijke zaken|handelszaken|executie|rechtspleging"),
    ("police_drugs", r"politie(?!k)|drugs|verdovende|narcotic|psychotrope|criminaliteit|drugshandel|misdaad|terrorisme"),
    ("labour_migration", r"werving|tewerkstelling|arbeidskrachten|werknemers|emigratie|immigratie|migratie|working holiday|jongerenuitwisseling|stagiairs|arbeid"),
    ("culture_education", r"cultur|onderwijs|wetenschap|educat|school|universit|jeugd"),
    ("development", r"ontwikkelingssamenwerking|technische samenwerking|technical co-?operation|ontwikkeling|financiele samenwerking|hulp|bijstand|schuld|development|deskundigen|vrijwilligers"),
    ("trade_economic", r"handel|economisch|scheepvaart|commerc|trade|economic|associatie|vriendschap|samenwerking|partnerschap|nederzetting|vestiging"),
]

_TITLE = re.compile(r"^##(?!#)\s*(.+?)\s*$")
_SUBTITLE = re.compile(r"^####\s*(.+?)\s*$")
_CLOSING = re.compile(r"(?:^|(?<=[.:;*>]\s)|(?<=[.:;*>]))\W{0,3}(?:GEDAAN|Gedaan|DONE|Done|FAIT|Fait|OPGEMAAKT|Opgemaakt)\b(?=[\s,]+(?:in|te|at|à|a|op|on|le|this|den|de)\b)|\b(?:GEDAAN|DONE|FAIT)\b")
_CLOSING_WORDS = ("GEDAAN", "Gedaan", "DONE", "Done", "FAIT", "Fait", "OPGEMAAKT", "Opgemaakt")
_STATUS_PENDING = "treedt in werking op een nader te bepalen tijdstip"
_ARTICLE = re.compile(r"^###\s*(artikel|article)\b", re.IGNORECASE)
_EU = re.compile(r"europese (gemeenschap|unie|economische gemeenschap)|european (community|union)|communaute europeenne|union europeenne|euratom")
_READMISSION_TEXT = re.compile(r"\b(readmission|readmit|overname van (zijn|hun|eigen) onderdanen|terugname|overnemen van (zijn|hun) onderdanen|overname van onderdanen|terug- en overname|terugovername|overname)\b")
_BENELUX = re.compile(r"benelux|belgi\w*.{0,60}luxemburg|luxemburg\w*.{0,60}belgi", re.DOTALL)
_PARTY_SPLIT = re.compile(r"\b(tussen|between|entre)\b")
_SUBJECT_START = re.compile(
    r"\b(inzake|betreffende|tot (het|de|regeling|vermijding|wijziging|aanvulling|uitvoering|bevordering|vaststelling)|houdende|nopens|"
    r"met betrekking tot|ter |voor de|op het gebied|aangaande|concerning|on the|for the|regarding|relating to|with respect|relatif|"
    r"concernant|sur |pour |tendant|en vue van|in verband met|ten behoeve van de|over de|teneinde|ten einde|in order to|naar aanleiding|"
    r"bij (de|het) (overeenkomst|verdrag|akkoord))"
)
_AMENDS = re.compile(r"\b(tot wijziging van|houdende wijziging van|wijziging van|tot aanvulling van|aanvulling op|ter aanvulling van|aanvullend|"
                     r"voor de uitvoering van|ter uitvoering van|tot uitvoering van|inzake de toepassing van|inzake toepassing van|amending|supplementary to|"
                     r"implementing|additional to|vervanging van)\b")


@dataclass
class Candidate:
    """One candidate fact: what a text says, where, how sure the extractor is.

    ``field`` is one of agreement, domain, party, signed_on, signed_place,
    amends, not_in_force, eu_readmission; ``value`` a JSON-able value;
    ``lines`` (from, to) 1-based; ``confidence`` in [0, 1].
    """

    document: str
    field: str
    value: Any
    lines: tuple[int, int]
    confidence: float
    certainty: str = "stated"
    method: str = "extracted"
    note: str | None = None

    @property
    def locator(self) -> str:
        """``<document>#L<from>-L<to>`` (or ``#L<n>`` for one line)."""
        a, b = self.lines
        return f"{self.document}#L{a}" if a == b else f"{self.document}#L{a}-L{b}"

    def identity(self) -> str:
        """What the candidate is about, independent of its value where only one value may hold."""
        if self.field == "party":
            return f"{self.document}|party|{self.value['key']}"
        return f"{self.document}|{self.field}"


@dataclass
class Extraction:
    """The candidates and the values left out (``issues``: field, reason, lines) of one treaty."""

    document: str
    candidates: list[Candidate] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    def leave_out(self, name: str, reason: str, lines: tuple[int, int] | None = None) -> None:
        """Record a value not given, with the reason and (where known) the lines it would come from."""
        self.issues.append({"field": name, "reason": reason, "lines": list(lines) if lines else None})


def _instrument(title: str) -> str | None:
    low = plain(title)
    head = low[:60]
    best: tuple[int, str] | None = None
    for word, instrument in INSTRUMENTS:
        position = head.find(word)
        if position >= 0 and (best is None or position < best[0]):
            best = (position, instrument)
    if best is None:
        return None
    # "Overeenkomst in de vorm van een briefwisseling" is an exchange of letters
    if best[1] in ("overeenkomst", "akkoord") and re.search(r"in de vorm van een (brief|nota)wisseling", low[:120]):
        return "briefwisseling" if "brief" in low[:120] else "notawisseling"
    return best[1]


def _domain(title: str) -> tuple[str, float] | None:
    """The domain from the title's words; the subject (the title without its list of parties) is read first.

    The parties' names must not decide the domain: "... en de Internationale
    Burgerluchtvaart Organisatie ... inzake technische hulp" is development, not
    aviation. Only when the subject has no domain word is the whole title read.
    """
    whole = plain(title)
    part = _party_part(title)
    subject = whole.replace(part, " ") if part else whole
    hits = [name for name, pattern in DOMAINS if re.search(pattern, subject)]
    low = subject
    general = hits[:1] == ["trade_economic"] and not re.search(r"handel|scheepvaart|commerc|trade|economisch|economic", subject)
    if not hits or general:
        # no domain word in the subject, or only "samenwerking": the parties' names may say it ("Organisatie voor Migratie")
        whole_hits = [name for name, pattern in DOMAINS if re.search(pattern, whole)]
        if whole_hits and (not hits or whole_hits[0] != "trade_economic"):
            hits, low = whole_hits, whole
    if not hits:
        return None
    if hits[0] != "trade_economic" or re.search(r"handel|scheepvaart|commerc|trade|economisch|economic", low):
        return hits[0], 0.95
    return hits[0], 0.8  # only a general word such as "samenwerking" or "vriendschap"


_KINGDOM_FOR = re.compile(r",?\s*\b(ten behoeve van|met betrekking tot|voor|in respect of|for|pour)\s+(de |het |l'|les |the )?"
                          r"(nederlandse antillen|aruba|curacao|sint maarten|netherlands antilles|antilles neerlandaises)"
                          r"(\s+en\s+(aruba|de nederlandse antillen))?,?")


# A territory that signs under the authority of another state ("Bermuda (zoals gemachtigd door de Regering van het
# Verenigd Koninkrijk ...)", "het Britse Overzeese Gebied Montserrat", "de Speciale Administratieve Regio Macau van de
# Volksrepubliek China"): the entrusting state is named, but it is not a party.
_ENTRUSTING = re.compile(
    r"\(?\s*zoals gemachtigd(?: krachtens de volmacht)? (?:door|van) (?:de regering van )?het verenigd koninkrijk"
    r"(?: van groot-brittannie en noord-ierland)?\s*\)?|\bbritse overzeese gebied\b|\bbritish overseas territory\b|"
    r"(?<=administratieve regio )(\w+) van de volksrepubliek china"
)


def _party_part(title: str) -> str:
    """The 'tussen A en B' part of a title (up to where the subject begins); 'for Aruba' and entrusting phrases removed."""
    low = _ENTRUSTING.sub(lambda m: m.group(1) or " ", _KINGDOM_FOR.sub(" ", plain(title)))
    match = _PARTY_SPLIT.search(low)
    if not match:
        return ""
    rest = low[match.end():]
    subject = _SUBJECT_START.search(rest)
    # subject words inside a bracketed list of Benelux states do not end the parties
    return rest[: subject.start()] if subject and subject.start() > 8 else rest


def extract(document: Document) -> Extraction:
    """Candidates for one treaty text (see the module docstring)."""
    doc_id = document.info.id
    lines = document.lines
    result = Extraction(doc_id)

    title_no = next((i for i, line in enumerate(lines[:40], start=1) if _TITLE.match(line)), None)
    if title_no is None:
        result.leave_out("agreement", "no '##' title heading in the first 40 lines")
        return result
    title = _TITLE.match(lines[title_no - 1]).group(1).strip()
    title_en = None
    for j in range(title_no, min(title_no + 4, len(lines))):
        sub = _SUBTITLE.match(lines[j])
        if sub:
            text = sub.group(1).strip()
            if re.search(r"\b(between|agreement|convention|treaty|protocol|exchange|of the)\b", text, re.IGNORECASE) and text != title:
                title_en = text
            break
    instrument = _instrument(title)
    agreement = {"name": title, "bwb_id": doc_id}
    if title_en:
        agreement["title_en"] = title_en
    if instrument:
        agreement["instrument"] = instrument
    else:
        result.leave_out("instrument", "the title does not begin with a known instrument word", (title_no, title_no))
    result.candidates.append(Candidate(doc_id, "agreement", agreement, (title_no, title_no), 0.99 if instrument else 0.9))

    domain = _domain(title)
    if domain:
        result.candidates.append(Candidate(doc_id, "domain", domain[0], (title_no, title_no), domain[1]))
    else:
        result.leave_out("domain", "no domain word in the title", (title_no, title_no))

    _parties(result, title, title_no)
    _signature(result, lines)
    _amends(result, title, title_no, lines)
    _marker(result, lines)
    _eu_readmission(result, title, title_no, lines)
    return result


def _parties(result: Extraction, title: str, title_no: int) -> None:
    doc_id = result.document
    part = _party_part(title)
    where = (title_no, title_no)
    low = plain(title)
    eu = bool(_EU.search(part)) if part else False
    found = [m.iso3 for m in find_countries(part)] if part else []
    benelux = bool(part and _BENELUX.search(part)) and {"BEL", "LUX"} <= set(found) | ({"BEL", "LUX"} if "benelux" in part else set())
    if not part:
        result.leave_out("party", "the title has no 'tussen/between/entre' part naming the parties", where)
        return
    parties: dict[str, dict[str, Any]] = {}
    if re.search(r"\blid-?staten van de europese (unie|gemeenschappen?)\b|\bmember states of the european", part) and not re.search(r"\b(haar|hun|zijn|its|their) lid-?staten", part):
        # a convention among the member states themselves, not an agreement of the EU with a third party
        eu = False
        result.leave_out("party", "a convention among the EU member states: no bilateral counterpart", where)
        result.candidates.append(Candidate(result.document, "party", {"key": "eu-lidstaten", "label": "CountryGroup", "role": "signatory"}, where, 0.85))
        return
    # "Uitvoeringsprotocol bij de Overeenkomst tussen A en B": an implementing protocol may have other parties than the
    # treaty it implements (protocols and exchanges "bij" a treaty have the same parties and keep their confidence)
    referenced = low.startswith("uitvoerings") and re.match(r"^(.{0,80}?)\bbij (de|het) (overeenkomst|verdrag|akkoord)\b", low) and low.find(" bij ") < low.find(" tussen ")
    sub = re.search(r"\b(vlaamse|franse|duitstalige) gemeenschap|\b(vlaams|waals|brussels hoofdstedelijk) gewest|\bquebec\b|\bprovincie\b", part)
    if sub:
        result.leave_out("party", f"a counterpart below the level of a state ({sub.group(0)}); not recorded as a country", where)
        found = [iso3 for iso3 in found if iso3 == "NLD"]
    if eu:
        parties["europese-unie"] = {"key": "europese-unie", "label": "Organisation", "role": "signatory"}
        if re.search(r"(haar|hun|zijn|its|their|ses) (lid-?staten|member states|etats membres)", part):
            parties["eu-lidstaten"] = {"key": "eu-lidstaten", "label": "CountryGroup", "role": "signatory"}
    if benelux:
        parties["benelux"] = {"key": "benelux", "label": "CountryGroup", "role": "signatory"}
        for iso3 in ("BEL", "LUX", "NLD"):
            parties[iso3] = {"key": iso3, "label": "Country", "role": "signatory", "note": "one of the Benelux states acting jointly"}
    for iso3 in found:
        if iso3 in KINGDOM_PARTS or iso3 in parties:
            continue
        role = "signatory" if iso3 == "NLD" else "counterpart"
        parties[iso3] = {"key": iso3, "label": "Country", "role": role}
    # The Kingdom is a party whenever a treaty of this corpus is not EU-only
    if "NLD" not in parties and not eu:
        if re.search(r"nederland|koninkrijk der nederlanden|pays-bas|netherlands", low):
            parties["NLD"] = {"key": "NLD", "label": "Country", "role": "signatory"}
    for match in find_countries(title):
        if match.iso3 in KINGDOM_PARTS and match.iso3 not in parties:
            parties[match.iso3] = {"key": match.iso3, "label": "Country", "role": "kingdom_part",
                                   "note": f"the Kingdom acts for {KINGDOM_PARTS[match.iso3]}"}
    counterparts = [p for p in parties.values() if p["role"] == "counterpart"]
    if benelux and not counterparts and not eu:
        # a treaty among the Benelux states themselves
        for iso3 in ("BEL", "LUX"):
            parties[iso3] = {"key": iso3, "label": "Country", "role": "counterpart"}
        parties.pop("benelux")
        counterparts = [parties["BEL"], parties["LUX"]]
    if not counterparts and not eu:
        result.leave_out("party", "no counterpart country recognised in the title's parties", where)
    # the Kingdom (and the part it acts for) is named in the title whatever the counterpart: its confidence does not
    # depend on how many counterparts were recognised
    confidence = 0.97 if (len(counterparts) == 1 or eu or benelux) else 0.85
    if referenced:
        result.leave_out("party", "the parties named are those of the treaty this one belongs to ('bij de Overeenkomst tussen ...'); check them", where)
    for party in parties.values():
        sure = 0.97 if party["role"] in ("signatory", "kingdom_part") and party["key"] in ("NLD", *KINGDOM_PARTS) else confidence
        result.candidates.append(Candidate(doc_id, "party", party, where, 0.7 if referenced else sure))


_PLACE = re.compile(
    r"(?:\b(?i:te|at|in)|\bà|\ba)\s+(?P<place>(?:'s-|’s-|[A-ZÀ-Ý])[^,;*(]*?)"
    r"(?=\s*(?:,|\.|;|\(|\s+op\b|\s+on\b|\s+le\b|\s+de\b|\s+den\b|\s+deze\b|\s+this\b|\s+the\b|\s+\d|\s+in\b|\s+en deux\b|$))"
)


# A testimonium without "GEDAAN/Done/Fait": "TEN BLIJKE WAARVAN ... hebben ondertekend te New York, de 19e april 1967"
_TESTIMONIUM = re.compile(r"TEN BLIJKE WAARVAN|Ten blijke waarvan|IN WITNESS WHEREOF|In witness whereof|EN FOI DE QUOI|En foi de quoi")
_SIGNED_AT = re.compile(r"\b(?:ondertekend|getekend|signed|sign[ée]s?)\s*,?\s+(?=(?:te|at|in|à|a)\s+(?:'s-|’s-|[A-ZÀ-Ý]))")
# The second half of a clause signed in two places: "..., and at Monrovia this 27th day of May 2010"
_SECOND_PLACE = re.compile(r"\b(en te|and at|et a|et à)\b", re.IGNORECASE)


def _one_clause(text: str) -> tuple[Any, str | None, bool]:
    """(reading of the date, place, signed in two places) of one closing clause.

    A clause signed in two places is split at "en te / and at / et à": when
    both halves give one and the same date it is the date (and the place, when
    it is the same too); when they differ the clause gives no date.
    """
    plain_text = re.sub(r"<[^>]*>", "", text)
    split = _SECOND_PLACE.search(text)
    if not split:
        place = _PLACE.search(plain_text[:160])
        return read_date(text), (place.group("place").strip() if place else None), False
    first, second = text[: split.start()], "te " + text[split.end():]
    dates = {read_date(first), read_date(second)}
    places = set()
    for half in (first, second):
        place = _PLACE.search(re.sub(r"<[^>]*>", "", half)[:160])
        places.add(plain(place.group("place").strip()) if place else None)
    reading = dates.pop() if len(dates) == 1 else None
    one_place = places.pop() if len(places) == 1 else None
    place = _PLACE.search(plain_text[:160]) if one_place else None
    return reading, (place.group("place").strip() if place else None), not one_place


def _signature(result: Extraction, lines: tuple[str, ...]) -> None:
    doc_id = result.document
    clauses = []
    for i, line in enumerate(lines, start=1):
        if not any(word in line for word in _CLOSING_WORDS):
            continue
        found = _CLOSING.search(line)
        if found:
            clauses.append((i, line[found.start():]))
    if not clauses:
        for i, line in enumerate(lines, start=1):
            testimonium = _TESTIMONIUM.search(line)
            signed = _SIGNED_AT.search(line, testimonium.end()) if testimonium else None
            if signed:
                clauses.append((i, line[signed.end():]))
    if not clauses:
        if not _letter_dates(result, lines):
            result.leave_out("signed_on", "no closing clause (GEDAAN te / Done at / Fait à) and no dated letter")
        return
    dates = []
    for number, line in clauses:
        text = line.strip("*_ ")
        text = re.split(r"\*|\|", text)[0][:400]
        reading, place, two_places = _one_clause(text)
        parsed = (reading.date, reading.precision) if reading else None
        dates.append((number, text, parsed, place, two_places, reading))
    readable = [d for d in dates if d[2]]
    if not readable:
        first = dates[0]
        reason = "the closing clause names two places with different dates" if first[4] else "the date in the closing clause could not be read"
        result.leave_out("signed_on", reason, (first[0], first[0]))
    else:
        distinct = {d[2] for d in readable}
        number, text, (date, precision), place, _, reading = readable[0]
        numeric = [d[5] for d in readable if d[5].numeric]
        if len(distinct) > 1:
            # language versions or a later protocol: the first clause is the treaty's; say so by a lower confidence
            confidence = 0.75
            note = f"{len(distinct)} different dates in {len(readable)} closing clauses; the first is taken"
        elif numeric and len(numeric) == len(readable) and _ambiguous(date) and not any(re.match(r"\W*(GEDAAN|Gedaan|FAIT|Fait|OPGEMAAKT)", d[1]) for d in readable):
            # "on 11/12/96" in an English clause only: day first is the reading, but month first cannot be ruled out
            confidence, note = 0.85, "a date in digits only, read day first"
        else:
            confidence = 0.97 if precision == "day" else 0.85
            note = None
        result.candidates.append(Candidate(doc_id, "signed_on", {"date": date.isoformat(), "precision": precision}, (number, number), confidence, note=note))
    placed = [d for d in dates if d[3] and not d[4]]
    if placed:
        number, _text, _parsed, place, _, _ = placed[0]
        place = re.sub(r"\s+", " ", place).strip(" .")
        if 1 < len(place) <= 40 and not re.search(r"\d|\b(en|and|et)\b", place):
            places = {plain(d[3]) for d in placed}
            one_date = len({d[2] for d in dates if d[2]}) <= 1
            # several spellings of one place in the language versions of one signature
            confidence = 0.95 if len(places) == 1 else (0.92 if one_date else 0.8)
            result.candidates.append(Candidate(doc_id, "signed_place", place, (number, number), confidence))
        else:
            result.leave_out("signed_place", "the place in the closing clause could not be read", (number, number))
    else:
        result.leave_out("signed_place", "no place of signature in the closing clause", (dates[0][0], dates[0][0]))


_WIJZIGT = re.compile(r"^(Wijzigt|Vult aan|Wijziging van)\s+(?P<title>.+?);\s*(?P<place>[^,;]+),\s*(?P<date>\d{2}-\d{2}-\d{4})\s*$")


_LETTER_DATE = re.compile(
    r"(?<![A-Za-z])(?P<place>'s-Gravenhage|’s-Gravenhage|(?:(?:La|Le|Les|The|Den|El|San|Santa|Port|Saint|Kuala|New|Addis|Dar) )?[A-Z][a-zà-ÿ'’-]+(?: [A-Z][a-zà-ÿ'’-]+)?),\s+(?:le |de |den |the )?"
    r"(?P<date>\d{1,2}(?:st|nd|rd|th|e|de)?\.? (?:de )?[A-Za-zéäû]+\.?,? (?:de )?\d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})"
)


def _ambiguous(date: Any) -> bool:
    """A date whose day and month could be swapped (both 1-12 and different): "11/12/96"."""
    return date.day <= 12 and date.month <= 12 and date.day != date.month


# "### Nr. II", "### No. I" ("### No. 4338" and "### N° 3 ATJ" are a note's reference number, not a letter's place)
_LETTER_HEADING = re.compile(r"^###\s*(?:Nr\.?\s*([IVXLC]+|\d{1,2})|(?:No|N°)\.?\s*([IVXLC]+))\.?\s*$")
# an annex heading ends the letter before it (its date is at the letter's foot, not the annex's)
_ANNEX_HEADING = re.compile(r"^###\s*(?:Anexo|Annex|Annexe|Bijlage|Anlage)\b", re.IGNORECASE)
# "19th November, 1966,Nairobi.": a letter's date before its place
_DATE_PLACE = re.compile(r"(?P<date>\d{1,2}(?:st|nd|rd|th|e)?\.? [A-Za-zéäû]+\.?,? \d{4}),\s*(?P<place>[A-Z][a-zà-ÿ'’-]+(?: [A-Z][a-zà-ÿ'’-]+)?)\s*[.*]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_STATUS_LINE = re.compile(r"^(Wijzigt|Vult aan|Wijziging van|Treedt in werking|Vervalt)\b")


def _roman(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _own_date(body: list[tuple[int, str]]) -> tuple[int, Any, str | None] | None:
    """The date a letter carries itself: at its head (first 160 characters) or its foot (last 90 characters).

    Dates quoted inside the letter ("your note of 21 June 1990") are in its
    middle and are not read. Head and foot disagreeing gives None.
    """
    if not body:
        return None
    first_no, first = body[0]
    last_no, last = body[-1]
    foot = re.sub(r"\*[^*]*\*", " ", last).rstrip()[-90:]
    found = []
    for number, window in ((first_no, first[:160]), (last_no, foot)):
        reading = read_date(window)
        if reading:
            place = _LETTER_DATE.search(window) or _DATE_PLACE.search(window)
            # "LEGATIONKuala Lumpur": a name glued to the word before it is not read as a place
            glued = place and place.start() > 0 and window[place.start() - 1] == " " and re.search(r"[A-Za-z]{2,} $", window[: place.start()])
            if place and (glued and window[: place.start()].rstrip().split()[-1][:1].isupper()):
                place = None
            found.append((number, reading.date, place.group("place") if place and parse_date(place.group("date")) == (reading.date, "day") else None))
    if not found or len({f[1] for f in found}) > 1:
        return None
    return found[0]


def _letter_dates(result: Extraction, lines: tuple[str, ...]) -> bool:
    """An exchange of notes or letters: the date of its concluding letter (the reply, the highest "Nr."), else of the last dated letter.

    The letters are the ``### Nr. I``, ``### Nr. II`` sections (a second
    language version repeats the numbers). The concluding letter's own date
    (see :func:`_own_date`) is taken with confidence 0.92 when every version
    of it that carries a date carries the same one and no earlier letter is
    dated later; otherwise 0.8, as for the older reading below.
    """
    sections: list[tuple[int, list[tuple[int, str]]]] = []
    in_annex = False
    for number, line in enumerate(lines, start=1):
        heading = _LETTER_HEADING.match(line.strip())
        if heading:
            sections.append((_roman(heading.group(1) or heading.group(2)), []))
            in_annex = False
        elif _ANNEX_HEADING.match(line.strip()):
            in_annex = True
        elif sections and not in_annex and line.strip() and not line.startswith("#") and not _STATUS_LINE.match(line.strip()):
            sections[-1][1].append((number, line))
    if len(sections) >= 2:
        own = [(n, _own_date(body)) for n, body in sections]
        last = max(n for n, _ in sections)
        concluding = [d for n, d in own if n == last and d]
        earlier = [d for n, d in own if n != last and d]
        if concluding and len({d[1] for d in concluding}) == 1:
            number, date, _ = concluding[0]
            place = next((d[2] for d in concluding if d[2]), None)
            sure = not any(d[1] > date for d in earlier) and (len(concluding) > 1 or bool(earlier))
            confidence = 0.92 if sure else 0.8
            note = "an exchange of letters or notes: the date of the letter that concludes it"
            result.candidates.append(Candidate(result.document, "signed_on", {"date": date.isoformat(), "precision": "day"}, (number, number), confidence, note=note))
            if place and len(place) <= 40:
                result.candidates.append(Candidate(result.document, "signed_place", place, (number, number), confidence, note=note))
            return True
    dated = []
    for number, line in enumerate(lines, start=1):
        if _STATUS_LINE.match(line.strip()):
            continue
        for match in _LETTER_DATE.finditer(line):
            parsed = parse_date(match.group("date"))
            if parsed:
                dated.append((number, match.group("place"), parsed[0]))
    if not dated:
        return False
    number, place, date = dated[-1]
    note = "an exchange of letters or notes: the date of its last letter"
    result.candidates.append(Candidate(result.document, "signed_on", {"date": date.isoformat(), "precision": "day"}, (number, number), 0.8, note=note))
    if len(place) <= 40:
        result.candidates.append(Candidate(result.document, "signed_place", place, (number, number), 0.8, note=note))
    return True


# "Briefwisseling ... bij de Handelsovereenkomst van 2 juni 1960", "Tweede Protocol bij het Verdrag ...": an instrument
# attached to an earlier treaty (not "bijstand bij de invordering", "de bij de Raad van Europa aangesloten landen")
_ATTACHED = re.compile(r"\b(?:behorende )?bij (?:de|het) (?:op .{0,60}? ondertekende |[a-z]+e )?[a-z-]*(?:overeenkomst|verdrag|akkoord|protocol|tractaat)\b")


def _amends(result: Extraction, title: str, title_no: int, lines: tuple[str, ...] = ()) -> None:
    low = plain(title)
    match = _AMENDS.search(low)
    attached = None if match else _ATTACHED.search(low)
    head_protocol = _instrument(title) == "protocol" or low.startswith(("aanvullend", "administratief", "uitvoeringsakkoord", "uitvoeringsovereenkomst"))
    if not match and not attached and not head_protocol:
        return
    word = match.group(1) if match else ""
    if "wijziging" in word or "amending" in word or "vervanging" in word:
        role, confidence = "amends", 0.95
    elif "uitvoering" in word or "toepassing" in word or "implementing" in word or low.startswith(("administratief", "uitvoerings")):
        role, confidence = "implements", 0.9
    elif match or attached:
        role, confidence = "supplements", 0.9
    else:
        role, confidence = "supplements", 0.6
    if attached:  # the earlier treaty's name begins after "bij de"
        match_end = attached.start() + len(re.match(r"(?:behorende )?bij (?:de|het) ", low[attached.start():]).group(0))
    else:
        match_end = match.end() if match else None
    value: dict[str, Any] = {"role": role, "target_title": (title[match_end:] if match_end is not None else title).strip()[:300]}
    where = (title_no, title_no)
    for number, line in enumerate(lines[:200], start=1):
        status = _WIJZIGT.match(line.strip())
        if status:
            day, month, year = status.group("date").split("-")
            value["target_date"] = f"{year}-{month}-{day}"
            value["target_place"] = status.group("place").strip()
            where = (title_no, number)
            break
    else:
        dated = re.search(r"\b(?:op|van|of|du)\s+(\d{1,2}\s+\w+\s+\d{4})", title[match_end:] if match_end is not None else title)
        parsed = parse_date(dated.group(1)) if dated else None
        if parsed:
            value["target_date"] = parsed[0].isoformat()
    result.candidates.append(Candidate(result.document, "amends", value, where, confidence,
                                       note="the AMENDS relationship is made when the earlier treaty is in the accepted corpus"))


def _marker(result: Extraction, lines: tuple[str, ...]) -> None:
    articles = [i for i, line in enumerate(lines, start=1) if _ARTICLE.match(line)]
    statuses = []
    for number in articles:
        for j in range(number, min(number + 3, len(lines))):
            text = lines[j].strip().lower()
            if text.startswith("treedt in werking") or text.startswith("vervalt") or text.startswith("is nog niet in werking"):
                statuses.append((j + 1, text))
                break
    all_status = [(j, line.strip().lower()) for j, line in enumerate(lines, start=1) if line.strip().lower().startswith("treedt in werking")]
    pending = [s for s in all_status if _STATUS_PENDING in s[1]]
    if pending and len(pending) == len(all_status) and len(pending) >= max(1, len(articles) // 2):
        result.candidates.append(Candidate(result.document, "not_in_force", True, (pending[0][0], pending[0][0]), 0.95,
                                           note=f"every status line ({len(pending)}) says it enters into force at a date still to be set"))
    elif pending:
        result.leave_out("not_in_force", f"{len(pending)} of {len(all_status)} status lines say 'not yet in force'", (pending[0][0], pending[0][0]))


def _eu_readmission(result: Extraction, title: str, title_no: int, lines: tuple[str, ...]) -> None:
    part = _party_part(title)
    if not part or not _EU.search(part):
        return
    for number, line in enumerate(lines, start=1):
        low = plain(line)
        if re.search(r"\b(readmission|readmit|overname|terugname|terug te nemen|over te nemen)\b", low) and re.search(
            r"onderdanen|nationals|personen|persons|ressortissants", low
        ):
            result.candidates.append(Candidate(result.document, "eu_readmission", True, (number, number), 0.9,
                                               note="an EU-level agreement with a readmission commitment"))
            return
