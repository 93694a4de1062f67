// name: linkage-before-after
// question: For every dated linkage, how many nationals of its country returned from the Netherlands on average in
//   the years before and after its year (that year itself on neither side), and how many years each mean covers
//   (Eurostat MIGR_EIRTN 2014-2023, persons rounded to 5; years without a Dutch row are left out here; several states
//   changed their reporting in 2021)?
// column linkage (string): key of the linkage.
// column name (string): its name.
// column country (string): ISO code of the country.
// column date (date): the linkage's date.
// column mean_before (float): mean persons per year before the linkage's year (null if none).
// column years_before (int): years with a Dutch figure before.
// column mean_after (float): mean persons per year after the linkage's year (null if none).
// column years_after (int): years with a Dutch figure after.
// column sources (string[]): locators of the linkage.
MATCH (l:Linkage)-[:CONCERNS]->(c:Country)
WHERE l.date IS NOT NULL
OPTIONAL MATCH (c)<-[:OF_CITIZENSHIP]-(o:ReturnObservation)-[:REPORTED_BY]->(:Country {key: "NLD"})
WITH l, c, o, left({{str(l.date)}}, 4) AS y
RETURN l.key AS linkage, l.name AS name, c.key AS country, l.date AS date,
       round(avg(CASE WHEN o.persons IS NOT NULL AND {{str(o.year)}} < y THEN o.persons END), 1) AS mean_before,
       count(CASE WHEN o.persons IS NOT NULL AND {{str(o.year)}} < y THEN 1 END) AS years_before,
       round(avg(CASE WHEN o.persons IS NOT NULL AND {{str(o.year)}} > y THEN o.persons END), 1) AS mean_after,
       count(CASE WHEN o.persons IS NOT NULL AND {{str(o.year)}} > y THEN 1 END) AS years_after,
       l.sources AS sources
ORDER BY country, date, linkage
