// name: shortest-connection
// question: How are two nodes connected: every shortest chain of relationships (up to four hops)
//   between, say, the Netherlands and a country, through forums, groups, donors or agreements?
// param from (string, required): key of the first node, e.g. NLD.
// param to (string, required): key of the second node, e.g. AFG.
// column hops (int): the number of relationships on the path.
// column nodes (sequence): the keys of the nodes along the path, from 'from' to 'to'.
// column labels (sequence): their labels.
// column types (sequence): the relationship types along the path (direction not shown).
// sort: nodes, types
MATCH (a), (b)
WHERE a.key = $from AND b.key = $to
MATCH {{all_shortest(p, (a), (b), 1, 4)}}
RETURN length(p) AS hops, {{keys(nodes(p))}} AS nodes, {{labels_of(nodes(p))}} AS labels, {{types(relationships(p))}} AS types
