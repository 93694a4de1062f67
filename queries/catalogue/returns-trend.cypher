// name: returns-trend
// question: How many nationals of a country returned from the Netherlands each year, against the EU+EFTA total
//   (Eurostat MIGR_EIRTN, persons rounded to 5; several states changed their reporting in 2021; a year without a
//   Dutch row means 0 or not reported; not-available rows are counted, not summed)?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country of citizenship, e.g. IRQ.
// column year (int): calendar year.
// column netherlands (int): persons who left the Netherlands that year (0 if no figure).
// column netherlands_not_available (int): 1 if the Dutch figure is marked not available.
// column eu_efta_total (int): persons who left EU and EFTA states that year (sum of the states with a figure).
// column states_reported (int): EU and EFTA states with a figure that year.
// column states_not_available (int): EU and EFTA states whose figure is marked not available.
MATCH (m:Country)-[:MEMBER_OF]->(x:CountryGroup)
WHERE x.key IN ["eu-lidstaten", "european-free-trade-association"]
WITH collect(DISTINCT m.key) AS members
MATCH (o:ReturnObservation)-[:OF_CITIZENSHIP]->(c:Country {key: $iso3})
MATCH (o)-[:REPORTED_BY]->(g:Country)
WITH o, g, g.key IN members AS in_eu
RETURN o.year AS year,
       {{int(sum(CASE WHEN g.key = "NLD" AND o.persons IS NOT NULL THEN o.persons ELSE 0 END))}} AS netherlands,
       {{int(sum(CASE WHEN g.key = "NLD" AND o.persons IS NULL THEN 1 ELSE 0 END))}} AS netherlands_not_available,
       {{int(sum(CASE WHEN in_eu AND o.persons IS NOT NULL THEN o.persons ELSE 0 END))}} AS eu_efta_total,
       {{int(sum(CASE WHEN in_eu AND o.persons IS NOT NULL THEN 1 ELSE 0 END))}} AS states_reported,
       {{int(sum(CASE WHEN in_eu AND o.persons IS NULL THEN 1 ELSE 0 END))}} AS states_not_available
ORDER BY year
