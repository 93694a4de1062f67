// name: offers-and-cuts
// question: What has been offered to countries in exchange for cooperation on return, and what
//   was cut when it failed: offers, conditional offers and aid cuts, with amounts and dates?
// param iso3 (string, default ""): only events concerning this country; "" for all.
// column country (string): the country the event concerns or targets.
// column date (date): the event's date.
// column key (string): the event's key.
// column kind (string): offer, conditional_offer or aid_cut.
// column name (string): its name.
// column amount_eur (float): the amount in euro, if the source names one.
// column about (string[]): keys of the dossiers, projects or agreements it concerns.
// column sources (string[]): locators of the event.
MATCH (e:Event)-[:CONCERNS|TARGETS]->(c:Country)
WHERE e.kind IN ['offer', 'conditional_offer', 'aid_cut'] AND ($iso3 = '' OR c.key = $iso3)
OPTIONAL MATCH (e)-[:CONCERNS]->(x:Dossier|Project|Agreement)
WITH c, e, collect(DISTINCT x.key) AS about
RETURN c.key AS country, e.date AS date, e.key AS key, e.kind AS kind, e.name AS name, e.amount_eur AS amount_eur,
       about AS about, e.sources AS sources
ORDER BY country, date, key
