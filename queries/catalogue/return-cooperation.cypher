// name: return-cooperation
// question: How well does each country cooperate on forced return, as the sources assess it,
//   and how is it changing?
// param as_of (date, default 9999-12-31): use the latest assessment on or before this date.
// column country (string): ISO code (or key) of the country.
// column name (string): the country's name.
// column level (string): refuses, not_willing, difficult, slightly_improved, increased or good.
// column trend (string): improving, stable, worsening or unknown.
// column assessed (date): the date of the assessment used.
// column risk_factors (string[]): situations that make pressure risky (post_conflict, weak_government, ...).
// column sources (string[]): locators of the assessment.
MATCH (a:Assessment)-[:CONCERNS]->(c:Country)
WHERE a.as_of <= $as_of
WITH c, max(a.as_of) AS latest
MATCH (a:Assessment)-[:CONCERNS]->(c)
WHERE a.as_of = latest
RETURN c.key AS country, c.name AS name, a.level AS level, a.trend AS trend, a.as_of AS assessed,
       c.risk_factors AS risk_factors, a.sources AS sources
ORDER BY country, level, trend
