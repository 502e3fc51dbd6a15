// untraced_reach: untraced alumni, the traced consenting alumni per cohort
// (classmates), and per untraced alumnus the co-workers and internship peers
// whose periods overlap (rules in queries/untraced_reach.py). Python's shared
// finish() combines the ties, ranks, hides names without consent and orders.
// Parameters: $npsn, $program, $graduation_year (each or null), $as_of,
// $last_cohort, $traced (the statuses that count as traced).

// The untraced alumni in scope.
CALL () {
  MATCH (u:Person)
  WHERE u.graduation_year IS NOT NULL AND u.graduation_year <= $last_cohort
    AND (u.status IS NULL OR NOT u.status IN $traced)
    AND ($npsn IS NULL OR u.school_npsn = $npsn)
    AND ($program IS NULL OR u.program_code = $program)
    AND ($graduation_year IS NULL OR u.graduation_year = $graduation_year)
  RETURN collect(u) AS found
}

// Traced, consenting alumni per cohort in scope: the classmates.
CALL () {
  MATCH (c:Person)
  WHERE c.graduation_year IS NOT NULL AND c.graduation_year <= $last_cohort
    AND @consented(c) AND c.status IN $traced
    AND ($npsn IS NULL OR c.school_npsn = $npsn)
    AND ($program IS NULL OR c.program_code = $program)
    AND ($graduation_year IS NULL OR c.graduation_year = $graduation_year)
  WITH c.school_npsn AS school, c.program_code AS program, c.graduation_year AS year,
       collect({nisn: c.nisn, name: c.name, program: c.program_code,
                graduation_year: c.graduation_year}) AS people
  RETURN collect({school_npsn: school, program: program, graduation_year: year,
                  people: people}) AS classmates
}

// Co-workers and internship peers of the same school with overlapping periods.
CALL (found) {
  UNWIND found AS u
  MATCH (u)-[a:WORKS_AT|INTERNED_AT]->(:Employer)<-[b:WORKS_AT|INTERNED_AT]-(c:Person)
  WHERE type(a) = type(b) AND c <> u AND c.school_npsn = u.school_npsn
    AND @consented(c) AND c.status IN $traced
    AND c.graduation_year IS NOT NULL AND c.graduation_year <= $last_cohort
    AND a.start <= $as_of AND b.start <= $as_of
    AND a.start <= coalesce(b.end, $as_of) AND b.start <= coalesce(a.end, $as_of)
  RETURN collect({nisn: u.nisn,
                  person: {nisn: c.nisn, name: c.name, program: c.program_code,
                           graduation_year: c.graduation_year},
                  coworker: a:WORKS_AT, intern_peer: a:INTERNED_AT}) AS links
}
RETURN [u IN found | {nisn: u.nisn, name: u.name, consent: @consented(u),
                      school_npsn: u.school_npsn, program: u.program_code,
                      graduation_year: u.graduation_year, status: u.status}] AS untraced,
       classmates, links
