// name: linked-dossiers
// question: Which dossiers or agreements are already tied to a country's return cooperation,
//   in which direction (offer or cut), through which channel, and with what outcome?
// param iso3 (string, default ""): only linkages concerning this country; "" for every country.
// param outcome (string, default "", values Linkage.outcome): only this outcome; "" for all.
// column country (string): the country the linkage concerns.
// column linkage (string): key of the Linkage node.
// column linked (string): key of the dossier, agreement or project tied to return.
// column linked_label (string): Dossier, Agreement or Project.
// column domain (string): the dossier's domain (null for agreements and projects).
// column direction (string): positive (an offer) or negative (a cut).
// column status (string): made, proposed, offered or planned.
// column outcome (string): no_result, pending, effective, partial or unknown.
// column channel (string): bilateral, eu, forum or coalition.
// column date (date): when the linkage was made, if the source says.
// column initiated_by (string[]): who made or proposed it.
// column sources (string[]): locators of the linkage.
MATCH (l:Linkage)-[:CONCERNS]->(c:Country)
WHERE ($iso3 = '' OR c.key = $iso3) AND ($outcome = '' OR l.outcome = $outcome)
MATCH (l)-[:LINKS]->(t)
OPTIONAL MATCH (i)-[:INITIATED]->(l)
WITH c, l, t, collect(DISTINCT i.key) AS initiated_by
RETURN c.key AS country, l.key AS linkage, t.key AS linked, {{label(t)}} AS linked_label, t.domain AS domain,
       l.direction AS direction, l.status AS status, l.outcome AS outcome, l.channel AS channel, l.date AS date,
       initiated_by AS initiated_by, l.sources AS sources
ORDER BY country, date, linkage, linked
