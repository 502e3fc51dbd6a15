// One group of explore_ring.cypher's ring (__LABEL__, from the schema; the
// people $names lets be named), its first $take nodes by key. A hidden person
// is ordered by a keyed hash the database cannot compute: their keys come
// from explore_ring_hidden.cypher when one of them could be drawn.
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)--(m:__LABEL__)
WITH DISTINCT m
WITH m, labels(m)[0] AS label
WHERE NOT elementId(m) IN $seen AND __RING_FILTER__ AND __SHOWN__
WITH m, __KEY__ AS key
ORDER BY key
LIMIT $take
RETURN elementId(m) AS eid, labels(m)[0] AS label, m __FIELDS__ AS p
