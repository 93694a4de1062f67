// name: group-members
// question: Who are the members of a group (the EU member states, the Eastern Partnership,
//   the Silk Route countries, a coalition of like-minded states), of a forum or of an organisation?
// param group_key (string, required): key of the group, forum or organisation, e.g. silk-route-countries.
// column key (string): the member's key.
// column name (string): its name.
// column label (string): Country, CountryGroup or Organisation.
// column role (string): the membership's role, if any.
// column sources (string[]): locators of the membership.
MATCH (m)-[r:MEMBER_OF]->(g:CountryGroup|Forum|Organisation)
WHERE g.key = $group_key
RETURN m.key AS key, m.name AS name, {{label(m)}} AS label, r.role AS role, r.sources AS sources
ORDER BY label, key
