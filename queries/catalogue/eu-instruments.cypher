// name: eu-instruments
// question: Which EU-level instruments (readmission agreement, visa facilitation agreement,
//   mobility partnership) are in place, under way or missing for a country?
// param iso3 (string, default ""): only this country; "" for every country with an assessment, a linkage or an agreement.
// param instruments (string[], default ["readmission_agreement", "visa_facilitation_agreement", "mobility_partnership"], values Agreement.agreement_type): the instrument types to check.
// column country (string): ISO code (or key) of the country.
// column instrument (string): the agreement type checked.
// column present (bool): an agreement of this type exists for the country, whatever its status.
// column agreements (string[]): keys of the agreements found.
// column statuses (string[]): their statuses.
// column state (string): 'missing', or the most advanced status found
//   (in_force, signed, adopted, negotiated, under_negotiation, planned, requested, unsigned, contested).
MATCH (c:Country)
WHERE ($iso3 = '' AND (EXISTS { MATCH (c)<-[:CONCERNS]-(:Assessment) } OR EXISTS { MATCH (c)<-[:CONCERNS]-(:Linkage) }
                       OR EXISTS { MATCH (c)-[:PARTY_TO]->(:Agreement) } OR EXISTS { MATCH (c)<-[:CONCERNS]-(:Agreement) }))
   OR c.key = $iso3
UNWIND $instruments AS instrument
OPTIONAL MATCH (g:Agreement)
WHERE g.agreement_type = instrument
  AND (EXISTS { MATCH (c)-[:PARTY_TO|SIGNED]->(g) } OR EXISTS { MATCH (g)-[:CONCERNS]->(c) })
WITH c, instrument, collect(DISTINCT g.key) AS agreements, collect(DISTINCT g.status) AS statuses
RETURN c.key AS country, instrument AS instrument, size(agreements) > 0 AS present,
       agreements AS agreements, statuses AS statuses,
       CASE WHEN 'in_force' IN statuses THEN 'in_force'
            WHEN 'signed' IN statuses THEN 'signed'
            WHEN 'adopted' IN statuses THEN 'adopted'
            WHEN 'negotiated' IN statuses THEN 'negotiated'
            WHEN 'under_negotiation' IN statuses THEN 'under_negotiation'
            WHEN 'planned' IN statuses THEN 'planned'
            WHEN 'requested' IN statuses THEN 'requested'
            WHEN 'unsigned' IN statuses THEN 'unsigned'
            WHEN 'contested' IN statuses THEN 'contested'
            ELSE 'missing' END AS state
ORDER BY country, instrument
