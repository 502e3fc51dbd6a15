// analyses_affiliations: the distinct person-employer pairs the networkx-only
// analyses (key_connectors, industry_clusters) run on; the rules are in
// queries/analytics.py (affiliations), which builds the same pairs from the
// embedded graph.
// Parameters: $as_of, $npsn, $program, $window_start (each or null), $jobs,
// $internships, $last_cohort.
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
MATCH (p)-[r:WORKS_AT|INTERNED_AT]->(e:Employer)
WHERE ($program IS NULL OR p.program_code = $program)
  AND r.start <= $as_of
  AND ($window_start IS NULL OR r.end IS NULL OR r.end >= $window_start)
  AND ((r:WORKS_AT AND $jobs AND p.graduation_year IS NOT NULL
        AND p.graduation_year <= $last_cohort)
       OR (r:INTERNED_AT AND $internships))
WITH DISTINCT p, e
RETURN p {.nisn, .name, .school_npsn, .program_code, .graduation_year, consent_contact: @consented(p)} AS person,
       e {.code, .name, .sector, .city} AS employer
