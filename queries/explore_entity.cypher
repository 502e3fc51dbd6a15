// One node and every relationship it has, with the other end summarised.
// __MATCH__ is the node pattern built from the schema's key for the label.
MATCH __MATCH__
OPTIONAL MATCH (n)-[r]-(m)
WITH n, collect(CASE WHEN r IS NULL THEN NULL ELSE {
  type: type(r), out: startNode(r) = n, props: properties(r),
  label: labels(m)[0], other: m __FIELDS__, degree: COUNT { (m)--() }
} END) AS rels
RETURN properties(n) AS p, rels, COUNT { (n)--() } AS degree
