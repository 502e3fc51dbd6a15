// alumni_register: current jobs of alumni graduated by $as_of, with the filters
// (rules in queries/alumni_register.py). Rows only for consenting alumni;
// the others are counted. Python's shared finish() orders and limits.
// Parameters: $npsn, $program, $year_from, $year_to, $employer, $sector (each
// or null), $featured_only, $min_tenure_months, $as_of, $last_cohort, $featured_prop
// ('featured': read by name so that a database where no one is featured yet
// does not warn about an unknown property key on every run).
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
MATCH (p)-[r:WORKS_AT]->(e:Employer)
WHERE p.graduation_year IS NOT NULL AND p.graduation_year <= $last_cohort
  AND ($program IS NULL OR p.program_code = $program)
  AND ($year_from IS NULL OR p.graduation_year >= $year_from)
  AND ($year_to IS NULL OR p.graduation_year <= $year_to)
  AND ($employer IS NULL OR e.code = $employer)
  AND ($sector IS NULL OR e.sector = $sector)
  AND (NOT $featured_only OR p[$featured_prop] = true)
  AND r.start <= $as_of AND (r.end IS NULL OR r.end > $as_of)
// Whole months from the start to $as_of, floored.
WITH p, r, e,
     (toInteger(substring($as_of, 0, 4)) - toInteger(substring(r.start, 0, 4))) * 12
       + toInteger(substring($as_of, 5, 2)) - toInteger(substring(r.start, 5, 2))
       - CASE WHEN substring($as_of, 8, 2) < substring(r.start, 8, 2) THEN 1 ELSE 0 END AS tenure
WHERE tenure >= $min_tenure_months
WITH p, r, e, tenure, @consented(p) AS shown
RETURN collect(CASE WHEN shown THEN {
         nisn: p.nisn, name: p.name, school_npsn: p.school_npsn, program: p.program_code,
         graduation_year: p.graduation_year, employer_code: e.code, employer_name: e.name,
         sector: e.sector, city: e.city, title: r.title, since: r.start, tenure_months: tenure,
         aligned: r.aligned, featured: coalesce(p[$featured_prop] = true, false)} END) AS rows,
       count(DISTINCT CASE WHEN NOT shown THEN p END) AS hidden
