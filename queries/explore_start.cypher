// The start node of a neighbourhood; __MATCH__ comes from the schema.
MATCH __MATCH__
RETURN elementId(n) AS eid, labels(n)[0] AS label, n __FIELDS__ AS p
