// internship_monitoring: per school and supervising teacher, the placements that
// ended in the window and those with fewer monitoring visits than expected
// (rules in queries/internship_monitoring.py). Python's shared
// monitoring_finish() sorts, hides names without consent, orders and limits.
// Parameters: $npsn (or null), $program (or null), $as_of, $window_start,
// $min_visits, $long_visits, $long_months.
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
MATCH (p)-[r:INTERNED_AT]->(e:Employer)
WHERE ($program IS NULL OR p.program_code = $program)
  AND r.end IS NOT NULL AND r.end >= $window_start AND r.end <= $as_of
WITH p, r, e,
     CASE WHEN date(r.end) > date(r.start) + duration({months: $long_months})
          THEN $long_visits ELSE $min_visits END AS expected,
     coalesce(r.monitoring_visits, 0) AS visits
WITH p.school_npsn AS school_npsn, r.supervisor AS supervisor, count(*) AS placements,
     collect(CASE WHEN visits < expected THEN {
       nisn: p.nisn, name: p.name, consent: @consented(p), program: p.program_code,
       employer_code: e.code, employer_name: e.name, start: r.start, end: r.end,
       visits: visits, expected: expected} END) AS under
RETURN school_npsn, supervisor, placements, under
