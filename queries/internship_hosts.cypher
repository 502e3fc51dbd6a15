// internship_hosts: per host employer, placements started in the window,
// interns, graduated interns, those later hired there, and the scores (rules in
// queries/internship_monitoring.py). Python's shared hosts_finish() derives
// the rates and flags, orders and limits.
// Parameters: $npsn (or null), $program (or null), $as_of, $window_start, $last_cohort.
// The people: one school's through the Person(school_npsn) index, everyone
// only when $npsn is null (an "$npsn IS NULL OR ..." filter scans them all).
CALL () {
  MATCH (p:Person {school_npsn: $npsn})
  RETURN p
  UNION ALL
  WITH $npsn AS npsn WHERE npsn IS NULL
  MATCH (p:Person)
  RETURN p
}
MATCH (p)-[i:INTERNED_AT]->(e:Employer)
WHERE ($program IS NULL OR p.program_code = $program)
  AND i.start >= $window_start AND i.start <= $as_of
WITH e, p, i, p.graduation_year IS NOT NULL AND p.graduation_year <= $last_cohort AS eligible
WITH e, p, i, eligible,
     eligible AND EXISTS {
       MATCH (p)-[w:WORKS_AT]->(e) WHERE w.start >= i.start AND w.start <= $as_of
     } AS hired
WITH e, count(i) AS placements, count(DISTINCT p) AS interns,
     count(DISTINCT CASE WHEN eligible THEN p END) AS eligible,
     count(DISTINCT CASE WHEN hired THEN p END) AS hired,
     sum(coalesce(i.score, 0)) AS score_sum, count(i.score) AS scored
RETURN e.code AS code, e.name AS name, e.sector AS sector, e.city AS city,
       EXISTS {
         MATCH (h)-[m:PARTNERS_WITH]->(e)
         WHERE m.start <= $as_of AND (m.end IS NULL OR m.end >= $as_of)
           AND ($npsn IS NULL OR (h:School AND h.npsn = $npsn) OR (h:Program AND h.school_npsn = $npsn))
       } AS partner,
       placements, interns, eligible, hired, score_sum, scored
