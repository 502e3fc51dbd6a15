// The people of explore_ring.cypher's ring that $names hides: their element
// ids and keys only (explore.around() orders them by their keyed hash and
// reads the few it keeps with explore_nodes.cypher).
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)--(m:Person)
WITH DISTINCT m
WITH m, 'Person' AS label
WHERE NOT elementId(m) IN $seen AND __RING_FILTER__ AND NOT __SHOWN__
RETURN collect([elementId(m), __KEY__]) AS people
