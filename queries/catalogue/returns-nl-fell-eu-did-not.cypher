// name: returns-nl-fell-eu-did-not
// question: Whose nationals returned less from the Netherlands between two years while returns from EU and EFTA
//   states as a whole did not fall (a fall only in the Netherlands points to bilateral levers. Eurostat MIGR_EIRTN,
//   persons rounded to 5; several states, the Netherlands among them, changed their reporting in 2021: compare years
//   on the same side of that change)?
// param from_year (int, default 2021): the first year compared.
// param to_year (int, default 2023): the last year compared.
// param min_persons (int, default 20): leave out countries with fewer Dutch returns than this in from_year.
// column country (string): ISO code of the country of citizenship.
// column name (string): the country's name.
// column nl_from (int): persons who left the Netherlands in from_year.
// column nl_to (int): persons who left the Netherlands in to_year.
// column eu_from (int): persons who left EU and EFTA states in from_year.
// column eu_to (int): persons who left EU and EFTA states in to_year.
MATCH (m:Country)-[:MEMBER_OF]->(x:CountryGroup)
WHERE x.key IN ["eu-lidstaten", "european-free-trade-association"]
WITH collect(DISTINCT m.key) AS members
MATCH (o:ReturnObservation)-[:REPORTED_BY]->(g:Country)
WHERE o.year IN [$from_year, $to_year] AND o.persons IS NOT NULL AND g.key IN members
MATCH (o)-[:OF_CITIZENSHIP]->(c:Country)
WITH c,
     {{int(sum(CASE WHEN g.key = "NLD" AND o.year = $from_year THEN o.persons ELSE 0 END))}} AS nl_from,
     {{int(sum(CASE WHEN g.key = "NLD" AND o.year = $to_year THEN o.persons ELSE 0 END))}} AS nl_to,
     {{int(sum(CASE WHEN o.year = $from_year THEN o.persons ELSE 0 END))}} AS eu_from,
     {{int(sum(CASE WHEN o.year = $to_year THEN o.persons ELSE 0 END))}} AS eu_to
WHERE nl_from >= $min_persons AND nl_to < nl_from AND eu_to >= eu_from
RETURN c.key AS country, c.name AS name, nl_from, nl_to, eu_from, eu_to
ORDER BY country
