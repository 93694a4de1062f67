// name: shared-forums
// question: In which forums and dialogues do the Netherlands and a country both take part,
//   directly or through a group or organisation (the Silk Route countries, the EU)?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. AFG.
// param partner (string, default "NLD"): the other side; NLD for the Netherlands.
// column forum (string): the forum's key.
// column name (string): its name.
// column kind (string): consultative_process, dialogue, policy_framework, ...
// column country_direct (bool): the country takes part itself.
// column country_via (string[]): keys of the country's groups or organisations that take part.
// column partner_direct (bool): the partner takes part itself.
// column partner_via (string[]): keys of the partner's groups or organisations that take part.
// column sources (string[]): locators of the forum.
MATCH (f:Forum)
WHERE (EXISTS { MATCH (:Country {key: $iso3})-[:PARTICIPATES_IN|MEMBER_OF]->(f) }
       OR EXISTS { MATCH (:Country {key: $iso3})-[:MEMBER_OF]->(:CountryGroup|Organisation)-[:PARTICIPATES_IN|MEMBER_OF]->(f) })
  AND (EXISTS { MATCH (:Country {key: $partner})-[:PARTICIPATES_IN|MEMBER_OF]->(f) }
       OR EXISTS { MATCH (:Country {key: $partner})-[:MEMBER_OF]->(:CountryGroup|Organisation)-[:PARTICIPATES_IN|MEMBER_OF]->(f) })
OPTIONAL MATCH (:Country {key: $iso3})-[:MEMBER_OF]->(cg:CountryGroup|Organisation)-[:PARTICIPATES_IN|MEMBER_OF]->(f)
WITH f, collect(DISTINCT cg.key) AS country_via
OPTIONAL MATCH (:Country {key: $partner})-[:MEMBER_OF]->(pg:CountryGroup|Organisation)-[:PARTICIPATES_IN|MEMBER_OF]->(f)
WITH f, country_via, collect(DISTINCT pg.key) AS partner_via
RETURN f.key AS forum, f.name AS name, f.kind AS kind,
       EXISTS { MATCH (:Country {key: $iso3})-[:PARTICIPATES_IN|MEMBER_OF]->(f) } AS country_direct,
       country_via AS country_via,
       EXISTS { MATCH (:Country {key: $partner})-[:PARTICIPATES_IN|MEMBER_OF]->(f) } AS partner_direct,
       partner_via AS partner_via, f.sources AS sources
ORDER BY forum
