// name: country-timeline
// question: What happened between the Netherlands (or the EU) and a country, in date order:
//   visits, meetings, offers, cuts, signings, return movements?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. IRQ.
// param from (date, default 0001-01-01): first date to show.
// param to (date, default 9999-12-31): last date to show.
// column date (date): the event's date (the first day of the month or year when the source is less precise).
// column date_precision (string): day, month, year or late_year.
// column key (string): the event's key.
// column event (node): the event.
// column kind (string): visit, meeting, decision, aid_cut, offer, signing, return_movement, ...
// column name (string): its name.
// column actors (string[]): keys of who initiated or took part.
// column sources (string[]): locators of the event.
MATCH (c:Country {key: $iso3})<-[:CONCERNS|TARGETS|LOCATED_IN]-(e:Event)
WHERE e.date IS NOT NULL AND e.date >= $from AND e.date <= $to
WITH DISTINCT e
OPTIONAL MATCH (a)-[:INITIATED|PARTICIPATES_IN]->(e)
WITH e, collect(DISTINCT a.key) AS actors
RETURN e.date AS date, e.date_precision AS date_precision, e.key AS key, e AS event, e.kind AS kind, e.name AS name,
       actors AS actors, e.sources AS sources
ORDER BY date, key
