// name: who-funds-what
// question: Which donor funds which project, for whom, and with how much?
// param donor (string, default ""): only this donor's key (or the key of the country or organisation it belongs to); "" for all.
// column donor (string): the donor's key.
// column donor_of (string): the country or organisation the donor belongs to.
// column project (string): the project's key.
// column project_name (string): its name.
// column amount_eur (float): what this donor gives, if known.
// column project_amount_eur (float): the project's whole amount, if known.
// column beneficiaries (string[]): keys of whom the project benefits.
// column sources (string[]): locators of the funding relationship.
MATCH (d:Donor)-[f:FUNDS]->(p:Project)
OPTIONAL MATCH (d)-[:DONOR_OF]->(o)
WITH d, f, p, o
WHERE $donor = '' OR d.key = $donor OR o.key = $donor
OPTIONAL MATCH (p)-[:BENEFITS]->(b)
WITH d, f, p, o, collect(DISTINCT b.key) AS beneficiaries
RETURN d.key AS donor, o.key AS donor_of, p.key AS project, p.name AS project_name, f.amount_eur AS amount_eur,
       p.amount_eur AS project_amount_eur, beneficiaries AS beneficiaries, f.sources AS sources
ORDER BY project, donor
