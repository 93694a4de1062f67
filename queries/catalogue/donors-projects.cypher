// name: donors-projects
// question: Which projects benefit a country, or a group of countries (a region, a route),
//   and which donors fund them with how much?
// param target (string, required): key of the country (ISO alpha-3) or group, e.g. AFG or silk-route-countries.
// param include_groups (bool, default true): for a country, also projects that benefit its groups.
// column project (string): the project's key.
// column name (string): its name.
// column purpose (string): its purpose, if the source gives it.
// column status (string): proposed, conditional_offer, funded or planned.
// column amount_eur (float): the project's amount in euro, if known.
// column beneficiaries (string[]): keys of the countries and groups it benefits.
// column donors (map[]): the donors as {donor, of, amount_eur}: the donor key, whose donor side it is, the amount it gives.
// column sources (string[]): locators of the project.
MATCH (t:Country|CountryGroup|Organisation)
WHERE t.key = $target
MATCH (p:Project)-[:BENEFITS]->(b)
WHERE b.key = t.key
   OR ($include_groups AND EXISTS { MATCH (t)-[:MEMBER_OF]->(b) })
WITH DISTINCT p
OPTIONAL MATCH (p)-[:BENEFITS]->(x)
WITH p, collect(DISTINCT x.key) AS beneficiaries
OPTIONAL MATCH (d:Donor)-[f:FUNDS]->(p)
OPTIONAL MATCH (d)-[:DONOR_OF]->(o)
WITH p, beneficiaries, collect(DISTINCT {donor: d.key, of: o.key, amount_eur: f.amount_eur}) AS donors
RETURN p.key AS project, p.name AS name, p.purpose AS purpose, p.status AS status, p.amount_eur AS amount_eur,
       beneficiaries AS beneficiaries, donors AS donors, p.sources AS sources
ORDER BY project
