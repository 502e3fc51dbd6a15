// One kind of a node's relationships (as in explore_entity_rows.cypher) to
// the given others ($ids, element ids): the hidden people explore.entity() lists.
MATCH __MATCH__
UNWIND $ids AS id
MATCH (m) WHERE elementId(m) = id
MATCH (n)__REL__(m)
WHERE $now IS NULL OR (r.end IS NULL OR r.end >= $current_on) = $now
RETURN labels(m)[0] AS label, m __FIELDS__ AS other, COUNT { (m)--() } AS degree, properties(r) AS props
