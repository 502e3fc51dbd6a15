// One node and how many relationships of each kind it has: type, direction
// (out), for the types in $split whether the relationship is current on
// $current_on (no end, or an end on or after it; else null), how many, and
// how many of them lead to a person $names hides (@shown). The relationships
// themselves are read per kind, ordered and capped (explore_entity_rows.cypher).
// __MATCH__ is the node pattern built from the schema's key for the label.
MATCH __MATCH__
RETURN properties(n) AS p, COUNT { (n)--() } AS degree, COLLECT {
  MATCH (n)-[r]-(m)
  WITH type(r) AS type, startNode(r) = n AS out, m, labels(m)[0] AS label,
       CASE WHEN type(r) IN $split THEN r.end IS NULL OR r.end >= $current_on END AS now
  WITH type, out, now, __SHOWN__ AS shown
  WITH type, out, now, count(*) AS rows, sum(CASE WHEN shown THEN 0 ELSE 1 END) AS hidden
  RETURN {type: type, out: out, now: now, rows: rows, hidden: hidden}
} AS kinds
