// name: search
// question: Which nodes have this text in their name, Dutch or English name, aliases or key?
// param text (string, required): the text to look for (case-insensitive), e.g. Boedapest or irak.
// param label (string, default "", values Country|CountryGroup|Organisation|Person|Donor|Forum|Dossier|Agreement|Project|Event|Document|Assessment|Linkage): only this label; "" for all.
// column key (string): the node's key.
// column label (string): its label.
// column name (string): its name.
// column name_en (string): its English name, if any.
MATCH (n)
WHERE ($label = '' OR {{label(n)}} = $label)
  AND (lower(n.key) CONTAINS lower($text) OR lower(n.name) CONTAINS lower($text)
       OR lower(coalesce(n.name_en, '')) CONTAINS lower($text) OR lower(coalesce(n.name_nl, '')) CONTAINS lower($text)
       OR lower(coalesce(n.description, '')) CONTAINS lower($text))
RETURN n.key AS key, {{label(n)}} AS label, n.name AS name, n.name_en AS name_en
ORDER BY label, key
