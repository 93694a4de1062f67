// name: coalition-candidates
// question: Which other members of a country's groups have the same return problem: fewer returns from the
//   Netherlands between two years while EU and EFTA states together did not return fewer (coalition candidates for
//   working through a group. Eurostat MIGR_EIRTN, persons rounded to 5; reporting changes in 2021)?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. GHA.
// param from_year (int, default 2021): the first year compared.
// param to_year (int, default 2023): the last year compared.
// column group_key (string): key of the shared group.
// column group_name (string): its name.
// column country (string): ISO code of the other member.
// column name (string): the other member's name.
// column nl_from (int): persons who left the Netherlands in from_year.
// column nl_to (int): persons who left the Netherlands in to_year.
// column eu_from (int): persons who left EU and EFTA states in from_year.
// column eu_to (int): persons who left EU and EFTA states in to_year.
MATCH (m:Country)-[:MEMBER_OF]->(x:CountryGroup)
WHERE x.key IN ["eu-lidstaten", "european-free-trade-association"]
WITH collect(DISTINCT m.key) AS members
MATCH (:Country {key: $iso3})-[:MEMBER_OF]->(grp:CountryGroup)<-[:MEMBER_OF]-(c:Country)
WHERE c.key <> $iso3 AND NOT c.key IN members
MATCH (o:ReturnObservation)-[:OF_CITIZENSHIP]->(c)
MATCH (o)-[:REPORTED_BY]->(g:Country)
WHERE o.year IN [$from_year, $to_year] AND o.persons IS NOT NULL AND g.key IN members
WITH grp, c,
     {{int(sum(CASE WHEN g.key = "NLD" AND o.year = $from_year THEN o.persons ELSE 0 END))}} AS nl_from,
     {{int(sum(CASE WHEN g.key = "NLD" AND o.year = $to_year THEN o.persons ELSE 0 END))}} AS nl_to,
     {{int(sum(CASE WHEN o.year = $from_year THEN o.persons ELSE 0 END))}} AS eu_from,
     {{int(sum(CASE WHEN o.year = $to_year THEN o.persons ELSE 0 END))}} AS eu_to
WHERE nl_to < nl_from AND eu_to >= eu_from
RETURN grp.key AS group_key, grp.name AS group_name, c.key AS country, c.name AS name, nl_from, nl_to, eu_from, eu_to
ORDER BY group_key, country
