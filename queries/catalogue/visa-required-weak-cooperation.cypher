// name: visa-required-weak-cooperation
// question: Which countries whose nationals need a visa for the Netherlands (the Schengen list; passport index of
//   12 January 2025) cooperate poorly on forced return by their latest assessment, so that visa facilitation (an
//   offer) and EU visa measures under article 25a of the Visa Code (pressure) are levers at all?
// param levels (string[], default ["refuses", "not_willing", "difficult"], values Assessment.level): the assessment levels that count as weak.
// column country (string): ISO code of the country.
// column name (string): the country's name.
// column requirement (string): what its nationals need for the Netherlands.
// column level (string): the latest assessed level of return cooperation.
// column as_of (date): the date of that assessment.
// column sources (string[]): locators of the visa row and of the assessment.
MATCH (c:Country)-[v:VISA_REQUIREMENT]->(:Country {key: "NLD"})
WHERE v.visa_required = true
MATCH (a:Assessment)-[:CONCERNS]->(c)
WITH c, v, max(a.as_of) AS latest
MATCH (a:Assessment)-[:CONCERNS]->(c)
WHERE a.as_of = latest AND a.level IN $levels
RETURN c.key AS country, c.name AS name, v.requirement AS requirement, a.level AS level, a.as_of AS as_of,
       v.sources + a.sources AS sources
ORDER BY country
