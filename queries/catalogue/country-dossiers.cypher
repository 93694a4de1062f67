// name: country-dossiers
// question: Which dossiers exist between a country and the Netherlands or the EU, who wants
//   and who controls each, and which are already tied to return cooperation?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. IRQ.
// param domain (string, default "", values Dossier.domain): only dossiers of this domain; "" for all.
// column key (string): the dossier's key.
// column dossier (node): the dossier.
// column domain (string): its domain (development_aid, aviation, visa_facilitation, ...).
// column status (string): its status (requested, offered, in_place, cut, ...), if known.
// column wanted_by (string[]): keys of the countries or organisations that want it.
// column controlled_by (string[]): keys of who decides on it (the Netherlands, the EU).
// column linkages (string[]): keys of the Linkage nodes that tie it to return.
// column sources (string[]): locators of the passages the dossier comes from.
MATCH (c:Country {key: $iso3})<-[:BETWEEN]-(d:Dossier)
WHERE $domain = '' OR d.domain = $domain
OPTIONAL MATCH (w)-[:WANTS]->(d)
WITH d, collect(DISTINCT w.key) AS wanted_by
OPTIONAL MATCH (k)-[:CONTROLS]->(d)
WITH d, wanted_by, collect(DISTINCT k.key) AS controlled_by
OPTIONAL MATCH (l:Linkage)-[:LINKS]->(d)
WITH d, wanted_by, controlled_by, collect(DISTINCT l.key) AS linkages
RETURN d.key AS key, d AS dossier, d.domain AS domain, d.status AS status,
       wanted_by AS wanted_by, controlled_by AS controlled_by, linkages AS linkages, d.sources AS sources
ORDER BY domain, key
