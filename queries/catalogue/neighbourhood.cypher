// name: neighbourhood
// question: What is directly connected to a node, by which relationship and in which direction?
// param key (string, required): key of the node, e.g. IRQ or budapest-process.
// param label (string, default "", values Country|CountryGroup|Organisation|Person|Donor|Forum|Dossier|Agreement|Project|Event|Document|Assessment|Linkage): only neighbours with this label; "" for all.
// column type (string): the relationship type.
// column direction (string): 'out' (key -> neighbour) or 'in' (neighbour -> key).
// column neighbour_key (string): the neighbour's key.
// column neighbour_label (string): its label.
// column neighbour (node): the neighbour.
// column relationship (relationship): the relationship.
// sort: type, direction, neighbour_key
MATCH (n)-[r]->(m)
WHERE n.key = $key AND ($label = '' OR {{label(m)}} = $label)
RETURN {{type(r)}} AS type, 'out' AS direction, m.key AS neighbour_key, {{label(m)}} AS neighbour_label, m AS neighbour, r AS relationship
UNION ALL
MATCH (n)<-[r]-(m)
WHERE n.key = $key AND ($label = '' OR {{label(m)}} = $label)
RETURN {{type(r)}} AS type, 'in' AS direction, m.key AS neighbour_key, {{label(m)}} AS neighbour_label, m AS neighbour, r AS relationship
