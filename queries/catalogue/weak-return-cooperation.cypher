// name: weak-return-cooperation
// question: Which countries cooperate poorly on forced return (by their latest assessment),
//   and which dossiers do they want from the Netherlands or the EU?
// param levels (string[], default ["refuses", "not_willing", "difficult"], values Assessment.level): the assessment levels that count as weak.
// column country (string): ISO code (or key) of the country.
// column name (string): the country's name.
// column level (string): the latest assessed level of return cooperation.
// column trend (string): the trend of that assessment.
// column as_of (date): the date of the latest assessment.
// column wants (map[]): the dossiers and agreements the country wants, as {key, name, label, domain}; empty when none.
// column sources (string[]): locators of the assessment.
MATCH (a:Assessment)-[:CONCERNS]->(c:Country)
WITH c, max(a.as_of) AS latest
MATCH (a:Assessment)-[:CONCERNS]->(c)
WHERE a.as_of = latest AND a.level IN $levels
OPTIONAL MATCH (c)-[:WANTS]->(d)
// a country that wants nothing gets an empty list, not one map of nulls (collect skips the NULL)
WITH c, a, collect(DISTINCT CASE WHEN d IS NULL THEN NULL ELSE {key: d.key, name: d.name, label: {{label(d)}}, domain: d.domain} END) AS wants
RETURN c.key AS country, c.name AS name, a.level AS level, a.trend AS trend, a.as_of AS as_of,
       wants AS wants, a.sources AS sources
ORDER BY country, level
