// The graph page's first view, raw material: per employer, how many of the
// school's people work there now (WORKS_AT, current on $as_of) or interned
// there (INTERNED_AT, any year), by programme; and the employers the school
// or one of its programmes partners with on $as_of. The shared shaping in
// explore.focus() ranks and caps them (the networkx twin builds the same rows).
CALL () {
  MATCH (p:Person {school_npsn: $npsn})-[r:WORKS_AT|INTERNED_AT]->(e:Employer)
  WHERE type(r) = 'INTERNED_AT'
     OR ((r.start IS NULL OR r.start <= $as_of) AND (r.end IS NULL OR r.end > $as_of))
  RETURN e.code AS code, p.program_code AS program, type(r) AS type,
         count(DISTINCT p) AS people
  UNION ALL
  MATCH (x)-[r:PARTNERS_WITH]->(e:Employer)
  WHERE (x:School AND x.npsn = $npsn) OR (x:Program AND x.school_npsn = $npsn)
  WITH e, r
  WHERE (r.start IS NULL OR r.start <= $as_of) AND (r.end IS NULL OR r.end >= $as_of)
  RETURN DISTINCT e.code AS code, null AS program, type(r) AS type, 1 AS people
}
RETURN code, program, type, people
