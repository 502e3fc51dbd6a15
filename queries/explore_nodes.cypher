// Nodes by element id, with the fields a summary needs.
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
RETURN elementId(n) AS eid, labels(n)[0] AS label, n __FIELDS__ AS p
