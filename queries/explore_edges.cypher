// Every relationship between two nodes of the given set (the induced subgraph).
UNWIND $ids AS id
MATCH (a) WHERE elementId(a) = id
MATCH (a)-[r]->(b)
WHERE elementId(b) IN $ids
RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props
