// The people of one kind of a node's relationships (as in
// explore_entity_rows.cypher) that $names hides: element ids and keys only.
// explore.entity() orders them by their keyed hash, when one could be listed.
MATCH __MATCH__
MATCH (n)__REL__(m:Person)
WHERE $now IS NULL OR (r.end IS NULL OR r.end >= $current_on) = $now
WITH DISTINCT m, 'Person' AS label
WHERE NOT __SHOWN__
RETURN collect([elementId(m), __KEY__]) AS people
