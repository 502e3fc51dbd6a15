// The school, the employer, the school's people who worked or interned there
// and their programmes: the evidence graph of one prospective partner.
MATCH (s:School {npsn: $npsn})
MATCH (e:Employer {code: $code})
CALL (s, e) {
  RETURN s AS n
  UNION
  RETURN e AS n
  UNION
  MATCH (n:Person {school_npsn: $npsn})-[:WORKS_AT|INTERNED_AT]->(e)
  RETURN n
  UNION
  MATCH (p:Person {school_npsn: $npsn})-[:WORKS_AT|INTERNED_AT]->(e)
  MATCH (p)-[:STUDIED_IN]->(n:Program)
  RETURN n
}
RETURN elementId(n) AS eid, labels(n)[0] AS label, n __FIELDS__ AS p
