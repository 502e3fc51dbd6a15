// The last step of explore.around(), counted: the neighbours (either
// direction) of the frontier ($ids, element ids) not already drawn ($seen) and
// kept by the explorer's filters, in groups (label; for a person also whether
// $names lets them be named: @shown), with their sizes. No property but the
// filters' is read: a hub employer has ~17k people, and the drawing keeps a
// few dozen nodes, taken by explore_ring_nodes.cypher from the groups that
// come first (schools, programmes, employers, people, vacancies).
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)--(m)
WITH DISTINCT m
WITH m, labels(m)[0] AS label
WHERE NOT elementId(m) IN $seen AND __RING_FILTER__
WITH label, __SHOWN__ AS shown
RETURN label, shown, count(*) AS total
