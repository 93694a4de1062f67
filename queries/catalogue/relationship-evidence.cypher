// name: relationship-evidence
// question: On what evidence does one relationship rest: which passages of which sources
//   say that START_KEY -TYPE-> END_KEY, and what do they say about both ends?
// param start_key (string, required): key of the start node.
// param type (string, required, values MEMBER_OF|PART_OF|PARTICIPATES_IN|PARTY_TO|BETWEEN|WANTS|CONTROLS|FUNDS|DONOR_OF|BENEFITS|CONCERNS|LINKS|INITIATED|TARGETS|RESULTED_IN|EVIDENCED_BY|LOCATED_IN|HOLDS_OFFICE|SIGNED|ADDRESSED_TO|RESPONDS_TO|SHARES_PROBLEM_WITH): the relationship type.
// param end_key (string, required): key of the end node.
// column start_key (string): key of the start node.
// column start_label (string): its label.
// column type (string): the relationship type.
// column end_key (string): key of the end node.
// column end_label (string): its label.
// column relationship (relationship): the relationship with its properties (role, note, validity).
// column sources (string[]): locators of the relationship itself.
// column start_sources (string[]): locators of the start node.
// column end_sources (string[]): locators of the end node.
MATCH (a)-[r]->(b)
WHERE a.key = $start_key AND b.key = $end_key AND {{type(r)}} = $type
RETURN a.key AS start_key, {{label(a)}} AS start_label, {{type(r)}} AS type, b.key AS end_key, {{label(b)}} AS end_label,
       r AS relationship, r.sources AS sources, a.sources AS start_sources, b.sources AS end_sources
ORDER BY start_key, end_key
