"""One function per kind of candidate, each pure: a :class:`Neighbourhood` and the weights in, candidate dicts out.

Every function returns a list of candidates built by :func:`build` (see
:func:`koppel.queries.linkage.linkages` for the shape). The factor values and
the plain sentences are made here; the facts come from the neighbourhood only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from koppel.queries.linkage import sentences as say
from koppel.queries.linkage.reading import Neighbourhood, brief, edge, sources_of
from koppel.queries.linkage.scoring import Factors, precedent_value, score
from koppel.queries.linkage.sentences import Text
from koppel.queries.linkage.weights import FACTORS, Weights
from koppel.queries.returns import before_after

ASK_DOMAINS = frozenset({"return", "readmission", "reception_of_minors", "return_message"})
"""Dossier domains of what the Netherlands asks (return itself), never offered or cut."""
OPEN_STATUSES = frozenset({"requested", "offered", "under_discussion", "planned"})
IN_PLACE_STATUSES = frozenset({"in_place"})
CHANNELS = ("bilateral", "eu", "forum", "coalition")
EU_READMISSION = "eu-instrument:readmission-visa-facilitation"
EU_MOBILITY = "eu-instrument:mobility-partnership"
EU_VISA_MEASURES = "eu-instrument:visa-measures"
# Their Dutch names, in the letter's own terms where it has them: "terug- en
# overnameovereenkomsten, al dan niet gekoppeld aan visumfacilitatie" (kamerbrief
# 2014-02-25, L166-L167) and "mobiliteitspartnerschappen" (L176-L178). The letter
# does not name the Visa Code's article 25a: that name is our translation.
EU_NAMES_NL = {
    EU_READMISSION: "EU-terug- en overnameovereenkomst met visumfacilitatie",
    EU_VISA_MEASURES: "EU-visummaatregelen (Visumcode, artikel 25a)",
    EU_MOBILITY: "EU-mobiliteitspartnerschap",
}

KINDS = ("dossier", "treaty", "eu_instrument", "forum", "coalition", "generic")
"""Kinds of candidate; all but ``generic`` are specific to the country."""


@dataclass(frozen=True)
class Reason:
    """Why one factor of a candidate has its value: words in both languages and exactly the facts it rests on.

    ``nodes`` and ``edges`` (``start|TYPE|end``) are the graph path the value
    was read from; ``sources`` the locators of those facts (empty for a prior,
    which rests on no fact).
    """

    factor: str
    weight: float
    value: float
    text: Text
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``factor, weight, value, text`` (English), ``text_nl``, ``path {nodes, edges}``, ``sources``."""
        return {
            "factor": self.factor,
            "weight": self.weight,
            "value": round(self.value, 4),
            "text": self.text.en,
            "text_nl": self.text.nl,
            "path": {"nodes": list(dict.fromkeys(self.nodes)), "edges": list(dict.fromkeys(self.edges))},
            "sources": sorted(dict.fromkeys(self.sources)),
        }


@dataclass(frozen=True)
class Part:
    """A factor value with its words and facts, before the weight is attached.

    ``inferred``: the value rests on koppel's inference (another state's data
    read as the country's, see :func:`inferred_basis`), not only on stated facts.
    """

    value: float
    text: Text
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    inferred: bool = False


def part(value: float, text: Text, nodes: list[str] | tuple[str, ...] = (), edges: list[str] | tuple[str, ...] = (),
         sources: list[str] | tuple[str, ...] = (), *, inferred: bool = False) -> Part:
    return Part(value, text, tuple(nodes), tuple(edges), tuple(sources), inferred)


def inferred_basis(hood: Neighbourhood) -> Text | None:
    """Why another state's visa rule or return figures are read as the country's (None when they are not).

    The basis is in the graph: the country has no ISO 3166 code and broke away
    from that state (the secession event, with its locators in the reasons),
    and the data that were read in its place (the return figures, the visa
    list) have no entry for it; that they count its nationals under that state
    is koppel's inference, said as such.
    """
    counted = hood.counted_under
    if not counted:
        return None
    country, parent = say.names(hood.country), say.names(counted["parent"])
    year = str(counted["event"].get("date") or "")[:4]
    when = Text(f" in {year}", f" in {year}") if year else Text("", "")
    read = [t for t, used in ((Text("the return figures", "de terugkeercijfers"), (hood.returns or {}).get("inferred")),
                              (Text("the visa list", "de visumlijst"), (hood.visa or {}).get("inferred"))) if used]
    if not read:
        return None
    what = Text(" and ".join(t.en for t in read), " en ".join(t.nl for t in read))
    has = Text("has", "kent") if read == [Text("the visa list", "de visumlijst")] else Text("have", "kennen")
    return Text(f"inferred: {country.en} has no ISO country code and broke away from {parent.en}{when.en}; {what.en} {has.en} no entry for it, "
                f"so its nationals are counted there as nationals of {parent.en}",
                f"afgeleid: {country.nl} heeft geen ISO-landcode en scheidde zich{when.nl} af van {parent.nl}; {what.nl} {has.nl} het niet, "
                f"dus tellen zijn onderdanen daar als onderdanen van {parent.nl}")


def who(hood: Neighbourhood, key: str) -> Text:
    """The display name of a node of the neighbourhood; the Netherlands and the EU by their own names."""
    if key == hood.nl:
        return Text("the Netherlands", "Nederland")
    if key == hood.eu:
        return Text("the European Union", "de Europese Unie")
    return say.names(hood.nodes.get(key) or {"key": key})


def _reason(factor: str, weights: Weights, p: Part) -> Reason:
    weight = weights.risk_weight if factor == "risk" else weights.factors[factor]
    return Reason(factor, weight, p.value, p.text, p.nodes, p.edges, p.sources)


# -- factors shared by every kind --------------------------------------------------------------

def channel_part(hood: Neighbourhood, w: Weights, channel: str, path: dict[str, Any] | None = None) -> tuple[Part, dict[str, Any] | None]:
    """The channel factor: 1.0 open, 0.6 for an EU channel not yet used with the country, ``channel.closed`` when closed; plus breadth."""
    own = path or hood.channels.get(channel)
    others = sorted(c for c in hood.channels if c != channel)
    value = 1.0 if own and not own.get("weak") else w.channel_closed if not own else 0.6
    value = min(1.0, value + w.channel_breadth * len(others) / len(CHANNELS))
    ch = say.coded(say.CHANNELS, channel)
    country = say.names(hood.country)
    if own and not own.get("weak"):
        text = Text(f"the {ch.en} channel is open with {country.en}", f"het kanaal ({ch.nl}) met {country.nl} is open")
    elif own:
        text = Text(f"the {ch.en} channel exists but is not yet used with {country.en}", f"het kanaal ({ch.nl}) bestaat maar wordt met {country.nl} nog niet gebruikt")
    else:
        text = Text(f"no {ch.en} channel with {country.en} is recorded yet", f"nog geen kanaal ({ch.nl}) met {country.nl} vastgelegd")
    if others:
        also = say.join([say.coded(say.CHANNELS, c) for c in others], ", ")
        text = text + Text(f"; also open: {also.en}", f"; ook open: {also.nl}")
    own = own or {}
    nodes, edges, sources = list(own.get("nodes", [])), list(own.get("edges", [])), list(own.get("sources", []))
    evidence = return_evidence(hood, w)
    if evidence and channel in ("bilateral", "eu", "coalition"):
        favoured = channel in evidence["channels"]
        if favoured:
            value = min(1.0, value + w.returns_channel_bonus)
            text = text + Text("; the return figures point to this channel: ", "; de terugkeercijfers wijzen op dit kanaal: ") + evidence["text"]
        elif channel in ("bilateral", "eu"):
            value = max(0.0, value - w.returns_channel_bonus / 2)
            text = text + Text("; the return figures point to another channel: ", "; de terugkeercijfers wijzen op een ander kanaal: ") + evidence["text"]
        nodes += evidence["nodes"]
        edges += evidence["edges"]
        sources += evidence["sources"]
    return part(value, text, nodes, edges, sources), own or None


def _persons(n: int) -> str:
    return f"{n:,}".replace(",", "\u2009")


def _change(t: dict[str, Any]) -> Text:
    pct = t["change_pct"]
    how = Text(f"fell {abs(pct):g} %", f"daalde {abs(pct):g} %") if t["direction"] == "falling" else (
        Text(f"rose {abs(pct):g} %", f"steeg {abs(pct):g} %") if t["direction"] == "rising" else Text("stayed about level", "bleef ongeveer gelijk"))
    span = f"{t['from_year']}: {_persons(t['first'])}, {t['to_year']}: {_persons(t['last'])}"
    return Text(f"{how.en} ({span})", f"{how.nl.replace('.', ',')} ({span})")


def return_evidence(hood: Neighbourhood, w: Weights) -> dict[str, Any] | None:
    """Which channel the return figures point to, or None: a fall across the rest of Europe points to the EU and coalitions,
    a fall in the Netherlands only to bilateral levers (computed once per answer, kept in ``hood.returns``)."""
    if not hood.returns or hood.returns.get("inferred"):
        return None  # another state's figures (an inference) only feed the coalition candidate, never the channel of every candidate
    if "evidence" in hood.returns:
        return hood.returns["evidence"]
    from koppel.queries.linkage.reading import trend

    nl = trend(hood.returns.get("nl", []), w.returns_band)
    europe = trend(hood.returns.get("europe", []), w.returns_band)
    hood.returns["trend_nl"], hood.returns["trend_europe"] = nl, europe
    evidence = None
    country = say.names(hood.country)
    if nl["direction"] == "falling" or europe["direction"] == "falling":
        nl_text = (Text(f"returns of nationals of {country.en} from the Netherlands {_change(nl).en}",
                        f"terugkeer van onderdanen van {country.nl} uit Nederland {_change(nl).nl}") if nl["direction"] != "unknown"
                   else Text("no Dutch return figures", "geen Nederlandse terugkeercijfers"))
        eu_text = (Text(f"from the rest of Europe {_change(europe).en}", f"uit de rest van Europa {_change(europe).nl}") if europe["direction"] != "unknown"
                   else Text("no figures for the rest of Europe", "geen cijfers voor de rest van Europa"))
        channels = ("eu", "coalition") if europe["direction"] == "falling" else ("bilateral",)
        cited = [p for t in (nl, europe) for p in (t["points"][:1] + t["points"][-1:] if t["points"] else [])]
        obs = [p["key"] for p in (nl["points"][:1] + nl["points"][-1:])] if nl["points"] else []
        evidence = {
            "channels": channels,
            "text": say.join([nl_text, eu_text], ", "),
            "nodes": [hood.key, *obs],
            "edges": [edge(k, "OF_CITIZENSHIP", hood.key) for k in obs],
            "sources": sorted({s for p in cited for s in p["sources"]}),
        }
    hood.returns["evidence"] = evidence
    return evidence


def risk_part(hood: Neighbourhood, w: Weights, direction: str) -> Part:
    """Risk: a quarter (``risk.offer_share``) of the fragility for an offer; for pressure the fragility or the other Dutch interests."""
    frag = say.fragility_words(hood.fragility_factors)
    sources = sources_of(hood.country) if hood.fragility_factors else []
    if direction == "positive":
        value = hood.fragility * w.offer_risk_share
        text = (Text(f"the recorded fragility ({frag.en}) weighs little on an offer", f"de vastgelegde kwetsbaarheid ({frag.nl}) weegt weinig bij een aanbod")
                if hood.fragility_factors else Text("no fragility recorded; an offer carries little risk", "geen kwetsbaarheid vastgelegd; een aanbod brengt weinig risico"))
        return part(value, text, [hood.key], [], sources)
    interests = [k for k, e in hood.dossiers.items() if e["node"].get("status") in IN_PLACE_STATUSES | OPEN_STATUSES]
    interests += [k for k, e in hood.agreements.items() if e["node"].get("status") in ("in_force", "signed")]
    interest_value = min(1.0, w.interests_per_dossier * max(0, len(interests) - 1))
    value = max(hood.fragility, interest_value)
    parts: list[Text] = []
    nodes = [hood.key]
    if hood.fragility_factors:
        parts.append(Text(f"pressure may alienate a fragile state ({frag.en})", f"druk kan een kwetsbare staat van ons vervreemden ({frag.nl})"))
    if interest_value:
        n = len(interests) - 1
        parts.append(Text(f"{n} other Dutch dossier(s) or agreement(s) with {say.name_of(hood.country)} would be weighed against it",
                          f"{n} ander(e) Nederlands(e) dossier(s) of verdrag(en) met {say.name_of(hood.country, 'nl')} wegen mee"))
        nodes += sorted(interests)
        for k in sorted(interests):
            node = (hood.dossiers.get(k) or hood.agreements.get(k) or {}).get("node")
            sources += sources_of(node)
    text = say.join(parts) if parts else Text("no fragility or other interests recorded", "geen kwetsbaarheid of andere belangen vastgelegd")
    return part(value, text, nodes, [], sources)


def precedent_part(hood: Neighbourhood, w: Weights, tags: list[tuple[str, ...]], label: Text) -> tuple[Part, int]:
    """Precedents of the kinds ``tags`` names, one per linkage, this country's own left out; returns the part and the number of cases.

    Computed once per answer for the same tags and label (kept in ``hood.measured``).
    """
    memo = ("precedent", tuple(tags), label)
    if memo not in hood.measured:
        hood.measured[memo] = _precedent_part(hood, w, tags, label)
    return hood.measured[memo]


def _precedent_part(hood: Neighbourhood, w: Weights, tags: list[tuple[str, ...]], label: Text) -> tuple[Part, int]:
    positions = sorted({p for tag in tags for p in hood.precedent_index.get(tag, ())})
    seen: dict[str, dict[str, Any]] = {}
    for position in positions:
        row = hood.precedents[position]
        link = row["linkage"]
        if hood.key in row["countries"] or link["key"] in seen:
            continue
        seen[link["key"]] = row
    rows = [seen[k] for k in sorted(seen)]
    outcomes = []
    measured = 0
    for r in rows:
        effect = measured_effect(hood, r["linkage"], w)
        if effect is not None:
            measured += 1
            outcomes.append(effect["outcome"])
        else:
            outcomes.append(r["linkage"].get("outcome") or "unknown")
    value = precedent_value(outcomes, w)
    if rows:
        def summary(lang: str) -> str:
            items = []
            for r in rows[:4]:
                where = "/".join(say.name_of(c, lang) for c in r["country_nodes"]) or ("no single country" if lang == "en" else "geen enkel land")
                effect = measured_effect(hood, r["linkage"], w)
                if effect is not None and effect["change_pct"] is not None:
                    pct = f"{effect['change_pct']:+g}"
                    measured_text = Text(f"returns {pct} % after", f"terugkeer {pct.replace('.', ',')} % erna")
                    items.append(f"{where}: {measured_text.en if lang == 'en' else measured_text.nl}")
                    continue
                outcome = say.coded(say.OUTCOMES, r["linkage"].get("outcome"))
                items.append(f"{where}: {outcome.en if lang == 'en' else outcome.nl}")
            return ", ".join(items)
        text = Text(f"{len(rows)} earlier case(s) of {label.en} elsewhere ({summary('en')})",
                    f"{len(rows)} eerder(e) geval(len) van {label.nl} elders ({summary('nl')})")
        if measured:
            text = text + Text(f"; {measured} judged by measured return figures before and after",
                               f"; {measured} beoordeeld op gemeten terugkeercijfers ervoor en erna")
    else:
        text = Text(f"no earlier case of {label.en} elsewhere; a neutral prior", f"geen eerder geval van {label.nl} elders; een neutrale aanname")
    nodes: list[str] = []
    edges: list[str] = []
    sources: list[str] = []
    for row in rows[:3]:
        link = row["linkage"]
        nodes += [link["key"], row["target"], *row["countries"]]
        edges.append(edge(link["key"], "LINKS", row["target"]))
        edges += [edge(link["key"], "CONCERNS", c) for c in row["countries"]]
        sources += sources_of(link)
        effect = measured_effect(hood, link, w)
        if effect:
            sources += effect["sources"]
    return part(value, text, nodes, edges, sources), len(rows)


def measured_effect(hood: Neighbourhood, link: dict[str, Any], w: Weights) -> dict[str, Any] | None:
    """The Dutch return figures before and after a dated linkage, and the outcome they show; None without figures on both sides.

    Before: the mean of the years before the linkage's year; after: the mean
    of the years after it (its own year belongs to neither). A rise beyond
    ``returns.fall`` reads as ``effective``, a fall beyond it as
    ``no_result``, anything between as ``unknown``.
    """
    memo = (link.get("key", ""), w.returns_band)
    if memo in hood.effects:
        return hood.effects[memo]
    hood.effects[memo] = effect = _measure(hood, link, w)
    return effect


def _measure(hood: Neighbourhood, link: dict[str, Any], w: Weights) -> dict[str, Any] | None:
    date = link.get("date")
    points = hood.precedent_returns.get(link.get("key", ""), [])
    if not date or not points:
        return None
    around = before_after(points, str(date)[:10])
    b, a = around["mean_before"], around["mean_after"]
    if b is None or a is None:
        return None
    change = None if b == 0 else (a - b) / b
    outcome = ("effective" if a > 0 else "unknown") if change is None else "effective" if change > w.returns_band else "no_result" if change < -w.returns_band else "unknown"
    return {"before": b, "after": a, "years_before": around["years_before"], "years_after": around["years_after"],
            "change_pct": None if change is None else round(change * 100, 1), "outcome": outcome,
            "sources": sorted({s for p in points if p["year"] != around["year"] for s in p["sources"]})}


def control_part(hood: Neighbourhood, w: Weights, key: str, controls: list[tuple[str, dict[str, Any]]]) -> tuple[Part, str | None]:
    """Who decides on ``key``: the Netherlands (``control.netherlands``), the EU (``control.eu``) or nobody recorded; and that side."""
    sides = sorted(((hood.partner_side.get(c), c, rel) for c, rel in controls if hood.partner_side.get(c)), key=lambda t: (t[0] != "netherlands", t[1]))
    if sides:
        side, who_key, rel = sides[0]
        value = w.control["netherlands" if side == "netherlands" else "eu"]
        who_text = who(hood, who_key)
        text = (Text(f"{who_text.en} decides on it", f"{who_text.nl} beslist erover") if side == "netherlands"
                else Text(f"{who_text.en} decides on it, the Netherlands being one voice among the member states",
                          f"{who_text.nl} beslist erover; Nederland is één stem onder de lidstaten"))
        return part(value, text, [who_key, key], [edge(who_key, "CONTROLS", key)], sources_of(rel)), side
    return part(w.control["unknown"], Text("nobody is recorded as deciding on it", "niet vastgelegd wie erover beslist"), [key]), None


def build(hood: Neighbourhood, w: Weights, *, target: dict[str, Any], kind: str, direction: str, action: Text, channel: str,
          demand: Part, control: Part, precedent: tuple[Part, int], channel_path: dict[str, Any] | None = None) -> dict[str, Any]:
    """One candidate, JSON-ready (see :func:`koppel.queries.linkage.linkages` for the fields)."""
    ch, _ = channel_part(hood, w, channel, channel_path)
    risk = risk_part(hood, w, direction)
    positive_value = 1.0 if direction == "positive" else 0.0
    positive = part(
        positive_value,
        Text("an offer, the kind of linkage the letter prefers", "een aanbod, de koppeling waar de brief de voorkeur aan geeft") if positive_value
        else Text("pressure rather than an offer, which the letter ranks below offers", "druk in plaats van een aanbod, wat de brief lager stelt"),
        [target["key"]],
    )
    specific_value = 0.0 if kind == "generic" else 1.0
    country = say.names(hood.country)
    specific = part(
        specific_value,
        Text(f"from the landscape of {country.en} itself", f"uit het eigen landschap van {country.nl}") if specific_value
        else Text(f"one of the letter's general instruments, not specific to {country.en}", f"een van de algemene instrumenten uit de brief, niet specifiek voor {country.nl}"),
        [target["key"]],
    )
    factors = Factors(demand.value, control.value, precedent[0].value, ch.value, positive_value, risk.value, specific_value)
    reasons = [_reason(f, w, p) for f, p in zip((*FACTORS, "risk"), (demand, control, precedent[0], ch, positive, specific, risk), strict=True)]
    name = say.names(target)
    basis = inferred_basis(hood) if any(p.inferred for p in (demand, control, precedent[0], ch, risk)) else None
    why = say.sentence(say.join([Text(f"{action.en} {name.en}", f"{name.nl} {action.nl}") + Text(": ", ": ") + demand.text, control.text]
                                + ([risk.text] if risk.value > 0 else []), "; ") + (Text(f" ({basis.en})", f" ({basis.nl})") if basis else Text("", "")))
    return {
        "key": f"{target['key']}@{direction}",
        "kind": kind,
        "country_specific": kind != "generic",
        "dossier": target,
        "direction": direction,
        "action": action.as_dict(),
        "channel": channel,
        "score": score(factors, w),
        "why": why.as_dict(),
        "sources": sorted({s for r in reasons for s in r.sources}),
        "precedents": precedent[1],
        "factors": {f: round(getattr(factors, f), 4) for f in (*FACTORS, "risk")},
        "reasons": [r.as_dict() for r in reasons],
        "robustness": None,
        "inferred": basis.as_dict() if basis else None,
        "_factors": factors,
    }


# -- the kinds ----------------------------------------------------------------------------------

def _action(direction: str, status: str | None) -> Text:
    if direction == "negative":
        return Text("cut", "korten") if status in IN_PLACE_STATUSES else Text("hold back", "aanhouden")
    if status in IN_PLACE_STATUSES:
        return Text("expand", "uitbreiden")
    return Text("offer", "aanbieden")


def dossier_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Dossiers held with the country that we decide on and that are not linked yet, in each direction that exists.

    A dossier in place (aid that flows) can be expanded or cut; a dossier the
    country has asked for can be granted or held back; an open offer, plan or
    discussion only granted. Dossiers of the return side itself
    (:data:`ASK_DOMAINS`) and dossiers decided by someone else are skipped.
    """
    out = []
    sides = {hood.key, *hood.counterparts}
    country = say.names(hood.country)
    for key, entry in hood.dossiers.items():
        node = entry["node"]
        domain = node.get("domain")
        status = node.get("status")
        if key in covered["keys"] or domain in ASK_DOMAINS or status == "cut":
            continue
        if domain == "visa_facilitation" and hood.visa and not hood.visa["required"]:
            continue  # a visa-free nationality gets no visa lever
        control, side = control_part(hood, w, key, entry["controls"])
        if side is None and entry["controls"]:
            continue  # decided by someone else (the country itself): not a lever of ours
        wants = [(asker, rel) for asker, rel in entry["wants"] if asker in sides]
        side_key, between_rel = entry["between"][0]
        if wants:
            asker, rel = wants[0]
            who_text = who(hood, asker)
            demand = part(w.demand_wants, Text(f"{who_text.en} has asked for it", f"{who_text.nl} heeft erom gevraagd"), [asker, key], [edge(asker, "WANTS", key)], sources_of(rel))
        elif status in OPEN_STATUSES:
            st = say.coded(say.DOSSIER_STATUS, status)
            demand = part(w.demand_engaged, Text(f"it is {st.en} with {country.en}", f"het is {st.nl} met {country.nl}"), [key, side_key], [edge(key, "BETWEEN", side_key)], sources_of(between_rel))
        else:
            dom = say.domain(domain)
            demand = part(w.prior(domain), Text(f"no wish of {country.en} recorded; the usual interest in {dom.en}", f"geen wens van {country.nl} vastgelegd; de gebruikelijke belangstelling voor {dom.nl}"), [key])
        directions = ["positive"]
        if status in IN_PLACE_STATUSES or (wants and status == "requested"):
            directions.append("negative")
        channel = "eu" if side == "eu" else "bilateral"
        for direction in directions:
            dom = say.domain(domain)
            label = Text(f"{'pressure' if direction == 'negative' else 'an offer'} of {dom.en}", f"{'druk' if direction == 'negative' else 'een aanbod'} met {dom.nl}")
            precedent = precedent_part(hood, w, [("domain", domain or "", direction)], label)
            out.append(build(hood, w, target=brief(node, "Dossier"), kind="dossier", direction=direction, action=_action(direction, status),
                             channel=channel, demand=demand, control=control, precedent=precedent))
    return out


def generic_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The letter's generic instruments, skipped when the country already has a dossier or linkage of the same domain.

    Their demand is the domain's prior: it rests on no fact about the country,
    so its reason cites no source.
    """
    out = []
    seen: set[str] = set()
    country = say.names(hood.country)
    for row in hood.generic:
        node = row["dossier"]
        key = node["key"]
        domain = node.get("domain")
        if key in seen or key in covered["keys"] or domain in ASK_DOMAINS or domain in covered["domains"]:
            continue
        seen.add(key)
        control, side = control_part(hood, w, key, row["controls"])
        if side is None and row["controls"]:
            continue
        if domain == "visa_facilitation" and hood.visa and not hood.visa["required"]:
            continue  # a visa-free nationality gets no visa lever
        dom = say.domain(domain)
        demand = part(w.prior(domain) * w.generic_share, Text(f"a general instrument {country.en} has not asked for; the usual interest in {dom.en}",
                                            f"een algemeen instrument waar {country.nl} niet om vroeg; de gebruikelijke belangstelling voor {dom.nl}"),
                      [key, row["framework"]["key"]], [edge(key, "PART_OF", row["framework"]["key"])])
        precedent = precedent_part(hood, w, [("domain", domain or "", "positive")], Text(f"an offer of {dom.en}", f"een aanbod met {dom.nl}"))
        out.append(build(hood, w, target=brief(node, "Dossier"), kind="generic", direction="positive", action=Text("offer", "aanbieden"),
                         channel="eu" if side == "eu" else "bilateral", demand=demand, control=control, precedent=precedent))
    return out


def _eu_control(hood: Neighbourhood, w: Weights, what: Text) -> Part:
    return part(w.control["eu"], Text(f"the European Union decides on {what.en}; the Netherlands is one voice among the member states",
                                      f"de Europese Unie beslist over {what.nl}; Nederland is één stem onder de lidstaten"),
                [hood.nl, hood.eu], [edge(hood.nl, "MEMBER_OF", hood.eu)], sources_of(hood.nl_eu_rel()))


def eu_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]], *, visa_required: bool | None = None) -> list[dict[str, Any]]:
    """EU instruments: readmission with visa facilitation, visa measures (the pressure side), a mobility partnership.

    Visa facilitation and visa measures are levers only for a nationality that
    needs a visa: ``visa_required`` False (visa-free) drops both; None
    (unknown) keeps the offer and drops the measures.
    """
    if not hood.nl_in_eu:
        return []
    out = []
    types = covered["agreement_types"]
    sides = {hood.key, *hood.counterparts}
    country = say.names(hood.country)
    wants_visa = [(asker, key, rel) for key, e in hood.dossiers.items() if e["node"].get("domain") == "visa_facilitation"
                  for asker, rel in e["wants"] if asker in sides]
    visa_tags = [("agreement_type", "readmission_agreement"), ("agreement_type", "visa_facilitation_agreement"),
                 ("channel-domain", "eu", "visa_facilitation"), ("channel-domain", "eu", "readmission")]
    visa_open = not ({"readmission_agreement", "visa_facilitation_agreement"} & types) and "visa_facilitation" not in covered["domains"]
    if visa_open and visa_required is not False:
        target = {"key": EU_READMISSION, "name": "EU readmission agreement with visa facilitation", "name_nl": EU_NAMES_NL[EU_READMISSION], "domain": "visa_facilitation", "label": "Instrument"}
        if wants_visa:
            asker, key, rel = wants_visa[0]
            who_text = who(hood, asker)
            demand = part(w.demand_wants, Text(f"{who_text.en} has asked for visa facilitation", f"{who_text.nl} heeft om visumfacilitatie gevraagd"), [asker, key], [edge(asker, "WANTS", key)], sources_of(rel))
        else:
            demand = part(w.prior("visa_facilitation"), Text(f"no wish of {country.en} for visa facilitation recorded; the usual interest in it",
                                                             f"geen wens van {country.nl} om visumfacilitatie vastgelegd; de gebruikelijke belangstelling ervoor"), [hood.key])
        control = _eu_control(hood, w, Text("readmission and visa facilitation agreements", "overname- en visumfacilitatieovereenkomsten"))
        precedent = precedent_part(hood, w, visa_tags, Text("readmission tied to visa facilitation", "overname gekoppeld aan visumfacilitatie"))
        out.append(build(hood, w, target=target, kind="eu_instrument", direction="positive", action=Text("offer", "aanbieden"), channel="eu",
                         demand=demand, control=control, precedent=precedent))
    if visa_required:
        target = {"key": EU_VISA_MEASURES, "name": "EU visa measures (Visa Code, article 25a)", "name_nl": EU_NAMES_NL[EU_VISA_MEASURES], "domain": "visa_facilitation", "label": "Instrument"}
        visa = hood.visa or {}
        counted = hood.counted_under if visa.get("inferred") else None
        if counted:
            parent = say.names(counted["parent"])
            demand = part(w.prior("visa_facilitation"), Text(f"nationals of {parent.en} need a visa for the Netherlands, and those of {country.en} are counted with them, so visa rules weigh for them",
                                                             f"onderdanen van {parent.nl} hebben een visum nodig voor Nederland en die van {country.nl} worden met hen meegeteld, dus visumregels wegen voor hen"),
                          [*counted["nodes"], hood.nl], [*counted["edges"], visa["edge"]], [*visa.get("sources", []), *counted["sources"]], inferred=True)
        else:
            demand = part(w.prior("visa_facilitation"), Text(f"nationals of {country.en} need a visa for the Netherlands, so visa rules weigh for them",
                                                             f"onderdanen van {country.nl} hebben een visum nodig voor Nederland, dus visumregels wegen voor hen"),
                          [hood.key, hood.nl], [visa["edge"]] if visa else [], visa.get("sources", []))
        control = _eu_control(hood, w, Text("visa measures under the Visa Code", "visummaatregelen onder de Visumcode"))
        precedent = precedent_part(hood, w, [("domain", "visa_facilitation", "negative")], Text("visa pressure", "visumdruk"))
        out.append(build(hood, w, target=target, kind="eu_instrument", direction="negative", action=Text("apply", "toepassen"), channel="eu",
                         demand=demand, control=control, precedent=precedent))
    if "mobility_partnership" not in types:
        target = {"key": EU_MOBILITY, "name": "EU mobility partnership", "name_nl": EU_NAMES_NL[EU_MOBILITY], "domain": "labour_mobility", "label": "Instrument"}
        demand = part(w.prior("labour_mobility"), Text(f"no wish of {country.en} for a mobility partnership recorded; the usual interest in labour mobility",
                                                       f"geen wens van {country.nl} om een mobiliteitspartnerschap vastgelegd; de gebruikelijke belangstelling voor arbeidsmobiliteit"), [hood.key])
        control = _eu_control(hood, w, Text("mobility partnerships, with willing member states", "mobiliteitspartnerschappen, met bereidwillige lidstaten"))
        precedent = precedent_part(hood, w, [("agreement_type", "mobility_partnership"), ("channel-domain", "eu", "labour_mobility"),
                                             ("channel-domain", "eu", "student_mobility"), ("channel-domain", "eu", "reintegration")],
                                   Text("EU mobility partnerships", "EU-mobiliteitspartnerschappen"))
        out.append(build(hood, w, target=target, kind="eu_instrument", direction="positive", action=Text("offer", "aanbieden"), channel="eu",
                         demand=demand, control=control, precedent=precedent))
    return out


def forum_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Forums the Netherlands (or the EU) shares with the country, not yet used for a linkage."""
    out = []
    country = say.names(hood.country)
    for key, path, node in hood.shared_forums():
        if key in covered["forums"] or key in covered["keys"]:
            continue
        forum = say.names(node)
        demand = part(w.prior(None), Text(f"{country.en} takes part in {forum.en}", f"{country.nl} neemt deel aan {forum.nl}"),
                      path["nodes"][:2], path["edges"][:1], path["sources"][:1])
        control = part(w.control["eu"] if any(hood.partner_side.get(v) == "eu" for v in path["nodes"]) else w.control["netherlands"],
                       Text("the Netherlands takes part too and can raise return there", "Nederland neemt ook deel en kan terugkeer daar aankaarten"),
                       path["nodes"], path["edges"], path["sources"])
        precedent = precedent_part(hood, w, [("channel", "forum")], Text("linkage through a forum", "koppeling via een forum"))
        out.append(build(hood, w, target=brief(node, "Forum"), kind="forum", direction="positive", action=Text("raise return in", "inzetten voor terugkeer"),
                         channel="forum", demand=demand, control=control, precedent=precedent, channel_path=path))
    return out


def coalition_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Joint action with like-minded states that share the return problem, when no coalition linkage exists yet."""
    if "coalition" in covered["channels"] or not hood.like_minded:
        return []
    rows = sorted(hood.like_minded, key=lambda r: (r["label"] != "CountryGroup", r["node"]["key"]))
    row = rows[0]
    node = row["node"]
    nl_member = hood.nl in (row["members"] or [])
    nodes = [node["key"], hood.key] + ([hood.nl] if nl_member else [])
    edges = [edge(node["key"], "SHARES_PROBLEM_WITH", hood.key)] + ([edge(hood.nl, "MEMBER_OF", node["key"])] if nl_member else [])
    country = say.names(hood.country)
    demand = part(w.prior(None), Text(f"{len(rows)} like-minded state(s) or group(s) have the same return problem with {country.en}",
                                      f"{len(rows)} gelijkgezind(e) land(en) of groep(en) hebben hetzelfde terugkeerprobleem met {country.nl}"),
                  nodes, edges, sources_of(row["rel"]))
    control = part(w.control["netherlands"] if nl_member else w.control["eu"],
                   Text("the Netherlands is a member of the coalition", "Nederland is lid van de coalitie") if nl_member
                   else Text("the Netherlands would have to join or form it", "Nederland zou zich erbij moeten aansluiten of haar vormen"),
                   nodes, edges, sources_of(row["rel"]))
    precedent = precedent_part(hood, w, [("channel", "coalition")], Text("joint action with like-minded states", "gezamenlijk optreden met gelijkgezinde landen"))
    return [build(hood, w, target=brief(node, row["label"]), kind="coalition", direction="positive", action=Text("act jointly with", "benaderen voor gezamenlijk optreden"),
                  channel="coalition", demand=demand, control=control, precedent=precedent)]


TREATY_DOSSIER_DOMAINS = {
    "aviation": "aviation", "development": "development_aid", "labour_migration": "labour_mobility",
    "culture_education": "student_mobility", "visa": "visa_facilitation", "readmission": "readmission",
}
"""Treaty domains that match a dossier domain: a linkage or dossier of that domain covers the treaty's domain too."""
BOTH_WAYS = frozenset({"aviation", "development", "labour_migration"})
"""Treaty domains in force that are a lever both ways (more under the treaty, or holding further steps back)."""


def _in_force(node: dict[str, Any]) -> bool:
    return not node.get("not_in_force") and node.get("status") in ("signed", "in_force", None)


def treaty_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The country's own treaties with the Netherlands, one candidate per treaty domain and direction.

    Per domain the representative treaty is one signed but not yet in force
    (to bring into force, or to hold back), else the latest in force (to build
    on; aviation, development and labour migration also to hold back further
    steps). Skipped: EU-level agreements (the EU channel), readmission and
    visa treaties (what we ask, and the visa levers), and domains a linkage or
    dossier of the country already covers.
    """
    by_domain: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {}
    for key, entry in hood.agreements.items():
        node = entry["node"]
        domain = node.get("domain")
        if node.get("agreement_type") != "treaty" or not domain or node.get("eu_level") or key in covered["keys"]:
            continue
        if domain in ("readmission", "visa") or TREATY_DOSSIER_DOMAINS.get(domain, domain) in covered["domains"]:
            continue
        party = next((rel for via, rel_type, rel in entry["edges"] if via == hood.key and rel_type == "PARTY_TO"), None)
        if party is None:
            continue
        by_domain.setdefault(domain, []).append((key, node, party))
    out = []
    country = say.names(hood.country)
    for domain, treaties in sorted(by_domain.items()):
        pending = sorted((t for t in treaties if not _in_force(t[1])), key=lambda t: (str(t[1].get("date_signed") or ""), t[0]), reverse=True)
        in_force = sorted((t for t in treaties if _in_force(t[1])), key=lambda t: (str(t[1].get("date_signed") or ""), t[0]), reverse=True)
        key, node, party = (pending or in_force)[0]
        entry = hood.agreements[key]
        wanted = next((rel for via, rel_type, rel in entry["edges"] if rel_type == "WANTS" and via == hood.key), None)
        dom = say.domain(domain)
        mapped = TREATY_DOSSIER_DOMAINS.get(domain, domain)
        date = str(node.get("date_signed") or "")[:10]
        since = Text(f" (signed {date})", f" (getekend {date})") if date else Text("", "")
        if wanted is not None:
            demand = part(w.demand_wants, Text(f"{country.en} has asked for it", f"{country.nl} heeft erom gevraagd"), [hood.key, key], [edge(hood.key, "WANTS", key)], sources_of(wanted))
        elif pending:
            demand = part(w.demand_engaged, Text(f"{country.en} signed it{since.en} but it is not yet in force", f"{country.nl} tekende het{since.nl} maar het is nog niet in werking"),
                          [hood.key, key], [edge(hood.key, "PARTY_TO", key)], sources_of(party, node))
        else:
            more = Text(f", one of {len(in_force)} in this domain", f", een van {len(in_force)} op dit terrein") if len(in_force) > 1 else Text("", "")
            demand = part(w.treaty(domain), Text(f"{country.en} has a treaty on {dom.en} with the Netherlands{since.en}{more.en}; the usual interest in it",
                                                 f"{country.nl} heeft een verdrag over {dom.nl} met Nederland{since.nl}{more.nl}; de gebruikelijke belangstelling ervoor"),
                          [hood.key, key], [edge(hood.key, "PARTY_TO", key)], sources_of(party, node))
        control = part(w.control["netherlands"], Text("the Netherlands is a party and decides on its own steps", "Nederland is partij en beslist over de eigen stappen"),
                       [key], [], sources_of(party))
        directions = ["positive", "negative"] if pending or domain in BOTH_WAYS else ["positive"]
        for direction in directions:
            if pending:
                action = Text("bring into force", "in werking laten treden") if direction == "positive" else Text("hold back ratification of", "bekrachtiging aanhouden van")
            else:
                action = Text("offer more under", "meer aanbieden onder") if direction == "positive" else Text("hold back further steps under", "verdere stappen aanhouden onder")
            label = Text(f"{'pressure' if direction == 'negative' else 'an offer'} of {dom.en}", f"{'druk' if direction == 'negative' else 'een aanbod'} met {dom.nl}")
            precedent = precedent_part(hood, w, [("domain", mapped, direction)], label)
            target = {**brief(node, "Agreement"), "domain": mapped}
            out.append(build(hood, w, target=target, kind="treaty", direction=direction, action=action, channel="bilateral",
                             demand=demand, control=control, precedent=precedent))
    return out


def return_coalition_candidates(hood: Neighbourhood, w: Weights, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Like-minded states from the return data: European states whose returns of the country's nationals fell too.

    Needs at least two such states besides the Netherlands (falling beyond
    ``returns.fall`` over the last three years with a figure), and no
    coalition linkage for the country yet.
    """
    if "coalition" in covered["channels"] or not hood.returns:
        return []
    from koppel.queries.linkage.reading import trend

    falling = []
    for state, points in hood.returns.get("states", {}).items():
        if state == hood.nl:
            continue
        t = trend(points, w.returns_band)
        if t["direction"] == "falling":
            falling.append((state, t))
    if len(falling) < 2:
        return []
    falling.sort(key=lambda st: (st[1]["change_pct"] if st[1]["change_pct"] is not None else 0, st[0]))
    names = hood.returns.get("names", {})
    country = say.names(hood.country)
    counted = hood.counted_under if hood.returns.get("inferred") else None
    whose = say.names(counted["parent"]) if counted else country  # another state's figures: said as such, and marked inferred
    shown = falling[:4]
    listed = say.join([say.names(names.get(s, {"key": s})) for s, _ in shown], ", ")
    more = len(falling) - len(shown)
    extra = Text(f" and {more} more", f" en {more} andere") if more else Text("", "")
    nodes = [hood.key] + [s for s, _ in falling]
    obs = [p for _, t in falling for p in (t["points"][:1] + t["points"][-1:])]
    sources = sorted({x for p in obs for x in p["sources"]})
    edges = [edge(p["key"], "REPORTED_BY", s) for s, t in falling for p in (t["points"][:1] + t["points"][-1:])]
    path = {"nodes": nodes, "edges": edges, "sources": sources}
    target = {"key": f"return-coalition:{hood.key}", "name": f"States whose returns to {whose.en} fell: {listed.en}{extra.en}",
              "name_nl": f"Landen met dalende terugkeer naar {whose.nl}: {listed.nl}{extra.nl}", "domain": None, "label": "CountryGroup"}
    if counted:
        demand = part(w.prior(None), Text(f"{len(falling)} European states saw returns of nationals of {whose.en}, with whom those of {country.en} are counted, fall as well: {listed.en}{extra.en}",
                                          f"{len(falling)} Europese landen zagen de terugkeer van onderdanen van {whose.nl}, met wie die van {country.nl} worden meegeteld, ook dalen: {listed.nl}{extra.nl}"),
                      [*nodes, *counted["nodes"]], [*edges, *counted["edges"]], [*sources, *counted["sources"]], inferred=True)
    else:
        demand = part(w.prior(None), Text(f"{len(falling)} European states saw returns of nationals of {country.en} fall as well: {listed.en}{extra.en}",
                                          f"{len(falling)} Europese landen zagen de terugkeer van onderdanen van {country.nl} ook dalen: {listed.nl}{extra.nl}"),
                      nodes, edges, sources)
    control = part(w.control["eu"], Text("the Netherlands would have to form the coalition with them", "Nederland zou de coalitie met hen moeten vormen"), [hood.nl])
    precedent = precedent_part(hood, w, [("channel", "coalition")], Text("joint action with like-minded states", "gezamenlijk optreden met gelijkgezinde landen"))
    return [build(hood, w, target=target, kind="coalition", direction="positive", action=Text("act jointly with", "benaderen voor gezamenlijk optreden"),
                  channel="coalition", demand=demand, control=control, precedent=precedent, channel_path=path)]
