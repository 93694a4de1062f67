// name: agreements
// question: Which agreements (MoUs, readmission and visa facilitation agreements, mobility
//   partnerships, declarations) exist, of which type and status, and who are the parties?
// param agreement_type (string, default "", values Agreement.agreement_type): only this type; "" for all.
// param status (string, default "", values Agreement.status): only this status; "" for all.
// param iso3 (string, default ""): only agreements this country is party to or that concern it; "" for all.
// column key (string): the agreement's key.
// column name (string): its name.
// column agreement_type (string): mou, readmission_agreement, visa_facilitation_agreement, mobility_partnership, ...
// column status (string): requested, negotiated, signed, unsigned, in_force, ...
// column date_signed (date): when it was signed, if known.
// column parties (string[]): keys of the parties (countries, organisations, groups).
// column concerns (string[]): keys of the countries and dossiers it concerns.
// column sources (string[]): locators of the agreement.
MATCH (g:Agreement)
WHERE ($agreement_type = '' OR g.agreement_type = $agreement_type) AND ($status = '' OR g.status = $status)
  AND ($iso3 = '' OR EXISTS { MATCH (:Country {key: $iso3})-[:PARTY_TO|SIGNED]->(g) }
                  OR EXISTS { MATCH (g)-[:CONCERNS]->(:Country {key: $iso3}) })
OPTIONAL MATCH (p)-[:PARTY_TO|SIGNED]->(g)
WITH g, collect(DISTINCT p.key) AS parties
OPTIONAL MATCH (g)-[:CONCERNS]->(x)
WITH g, parties, collect(DISTINCT x.key) AS concerns
RETURN g.key AS key, g.name AS name, g.agreement_type AS agreement_type, g.status AS status,
       g.date_signed AS date_signed, parties AS parties, concerns AS concerns, g.sources AS sources
ORDER BY agreement_type, key
