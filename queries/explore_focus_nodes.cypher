// The nodes of the graph page's first view: the school, its programmes and
// the employers explore.focus() kept ($codes).
CALL () {
  MATCH (n:School {npsn: $npsn})
  RETURN n
  UNION
  MATCH (:School {npsn: $npsn})-[:HAS_PROGRAM]->(n:Program)
  RETURN n
  UNION
  MATCH (n:Employer) WHERE n.code IN $codes
  RETURN n
}
RETURN elementId(n) AS eid, labels(n)[0] AS label, n __FIELDS__ AS p
