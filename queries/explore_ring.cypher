// The last step of explore.around(), ordered and capped in the database: the
// neighbours (either direction) of the frontier ($ids, element ids) not already
// drawn ($seen) and kept by the explorer's filters, in groups (label; for a
// person also whether $names lets them be named: @shown), each with its size
// and its first $take nodes by key. A hub employer has ~17k people; the
// drawing keeps $take, so only those leave the database. A hidden person is
// ordered by a keyed hash the database cannot compute: their group comes back
// without nodes (explore_ring_hidden.cypher lists their keys when needed).
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)--(m)
WITH DISTINCT m
WITH m, labels(m)[0] AS label
WHERE NOT elementId(m) IN $seen AND __RING_FILTER__
WITH m, label, __KEY__ AS key, __SHOWN__ AS shown
ORDER BY key
WITH label, shown, count(*) AS total, collect(m) AS ms
RETURN label, shown, total,
       CASE WHEN shown THEN [x IN ms[..$take] | {eid: elementId(x), p: x __FIELDS__}] ELSE [] END AS nodes
