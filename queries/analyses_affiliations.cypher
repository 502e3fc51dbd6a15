// analyses_affiliations: the distinct person-employer pairs the networkx-only
// analyses (key_connectors, industry_clusters) run on; the rules are in
// queries/analytics.py (affiliations), which builds the same pairs from the
// embedded graph.
// Parameters: $as_of, $npsn, $program, $window_start (each or null), $jobs,
// $internships, $last_cohort.
MATCH (p:Person)-[r:WORKS_AT|INTERNED_AT]->(e:Employer)
WHERE ($npsn IS NULL OR p.school_npsn = $npsn) AND ($program IS NULL OR p.program_code = $program)
  AND r.start <= $as_of
  AND ($window_start IS NULL OR r.end IS NULL OR r.end >= $window_start)
  AND ((r:WORKS_AT AND $jobs AND p.graduation_year IS NOT NULL
        AND p.graduation_year <= $last_cohort)
       OR (r:INTERNED_AT AND $internships))
WITH DISTINCT p, e
RETURN p {.nisn, .name, .school_npsn, .program_code, .graduation_year, consent_contact: @consented(p)} AS person,
       e {.code, .name, .sector, .city} AS employer
