// name: precedents
// question: Where was a dossier of this kind (aid, aviation, mobility, visa facilitation, ...)
//   tied to return cooperation, in which direction, and what came of it?
// param domain (string, default "", values Dossier.domain): the dossier domain; "" for every domain.
// param direction (string, default "", values Linkage.direction): only positive or negative linkages; "" for both.
// column domain (string): the domain of the linked dossier (null when an agreement or project was linked).
// column linked (string): key of the linked dossier, agreement or project.
// column linked_label (string): Dossier, Agreement or Project.
// column country (string): the country whose cooperation it was tied to.
// column direction (string): positive or negative.
// column channel (string): bilateral, eu, forum or coalition.
// column status (string): made, proposed, offered or planned.
// column outcome (string): no_result, pending, effective, partial or unknown.
// column date (date): when, if the source says.
// column sources (string[]): locators of the linkage.
MATCH (l:Linkage)-[:LINKS]->(t)
WHERE ($domain = '' OR t.domain = $domain) AND ($direction = '' OR l.direction = $direction)
OPTIONAL MATCH (l)-[:CONCERNS]->(c:Country)
RETURN t.domain AS domain, t.key AS linked, {{label(t)}} AS linked_label, c.key AS country,
       l.direction AS direction, l.channel AS channel, l.status AS status, l.outcome AS outcome,
       l.date AS date, l.sources AS sources
ORDER BY domain, country, linked, direction, channel
