// How many relationships each of the given nodes has (sizes the drawing's nodes).
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
RETURN id, COUNT { (n)--() } AS degree
