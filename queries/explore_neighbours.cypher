// One breadth-first step: the distinct neighbours (either direction) of the
// frontier nodes, given by element id. Only summary fields leave the database;
// degrees are fetched later, for the nodes kept (explore_degrees.cypher).
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)--(m)
WITH DISTINCT m
RETURN elementId(m) AS eid, labels(m)[0] AS label, m __FIELDS__ AS p
