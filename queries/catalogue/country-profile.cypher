// name: country-profile
// question: What does the graph hold about one country: its status, risk factors, latest
//   assessment of return cooperation, and how many dossiers, linkages, agreements, forums and projects touch it?
// param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. GHA.
// column country (node): the country.
// column groups (string[]): keys of the groups and organisations it is a member of.
// column dossiers (int): dossiers held with it.
// column linkages (int): linkages that concern it.
// column agreements (int): agreements it is party to or that concern it.
// column forums (int): forums it takes part in directly.
// column projects (int): projects that benefit it directly.
// column assessments (int): assessments of its return cooperation.
MATCH (c:Country {key: $iso3})
OPTIONAL MATCH (c)-[:MEMBER_OF]->(g)
WITH c, collect(DISTINCT g.key) AS groups
RETURN c AS country, groups AS groups,
       COUNT { MATCH (c)<-[:BETWEEN]-(:Dossier) } AS dossiers,
       COUNT { MATCH (c)<-[:CONCERNS]-(:Linkage) } AS linkages,
       COUNT { MATCH (c)-[:PARTY_TO]->(:Agreement) } + COUNT { MATCH (c)<-[:CONCERNS]-(:Agreement) } AS agreements,
       COUNT { MATCH (c)-[:PARTICIPATES_IN|MEMBER_OF]->(:Forum) } AS forums,
       COUNT { MATCH (c)<-[:BENEFITS]-(:Project) } AS projects,
       COUNT { MATCH (c)<-[:CONCERNS]-(:Assessment) } AS assessments
