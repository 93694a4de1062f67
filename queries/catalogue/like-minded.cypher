// name: like-minded
// question: Which destination countries or groups have the same return problem with a country
//   of origin (like-minded states), and who belongs to the coalitions among them?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country of origin, e.g. IRQ.
// column key (string): key of the like-minded country or group.
// column name (string): its name.
// column label (string): Country or CountryGroup.
// column kind (string): for a group, its kind (coalition, union, ...); null for a country.
// column members (string[]): for a group, the keys of its members; empty for a country.
// column note (string): the relationship's note, if any.
// column sources (string[]): locators of the relationship that says so.
MATCH (c:Country {key: $iso3})<-[r:SHARES_PROBLEM_WITH]-(s)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(s)
WITH s, r, collect(DISTINCT m.key) AS members
RETURN s.key AS key, s.name AS name, {{label(s)}} AS label, s.kind AS kind, members AS members,
       r.note AS note, r.sources AS sources
ORDER BY label, key
