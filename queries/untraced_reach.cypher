// untraced_reach: untraced alumni, the traced consenting alumni per cohort
// (classmates), and per untraced alumnus the co-workers and internship peers
// whose periods overlap (rules in queries/untraced_reach.py). Python's shared
// finish() combines the ties, ranks, hides names without consent and orders.
// Parameters: $npsn, $program, $graduation_year (each or null), $as_of,
// $last_cohort, $traced (the statuses that count as traced).
//
// People are found through the Person(school_npsn) index, one school at a time
// (an "$npsn IS NULL OR p.school_npsn = $npsn" filter would scan all people).

// Co-workers and internship peers of the same school with overlapping periods:
// per school, the employers of its untraced alumni joined with those of its
// traced consenting alumni (walking out from an employer would visit every
// person at a hub employer: hundreds of thousands at M). First, so that the
// join's rows carry no large list.
CALL () {
  CALL () {
    WITH $npsn AS school WHERE school IS NOT NULL
    RETURN school
    UNION
    WITH $npsn AS npsn WHERE npsn IS NULL
    MATCH (p:Person)
    RETURN DISTINCT p.school_npsn AS school
  }
  CALL (school) {
    MATCH (u:Person {school_npsn: school})-[a:WORKS_AT|INTERNED_AT]->(e:Employer)
          <-[b:WORKS_AT|INTERNED_AT]-(c:Person {school_npsn: school})
    USING JOIN ON e
    WHERE u.graduation_year IS NOT NULL AND u.graduation_year <= $last_cohort
      AND (u.status IS NULL OR NOT u.status IN $traced)
      AND ($program IS NULL OR u.program_code = $program)
      AND ($graduation_year IS NULL OR u.graduation_year = $graduation_year)
      AND @consented(c) AND c.status IN $traced
      AND c.graduation_year IS NOT NULL AND c.graduation_year <= $last_cohort
      AND type(a) = type(b) AND c <> u
      AND a.start <= $as_of AND b.start <= $as_of
      AND a.start <= coalesce(b.end, $as_of) AND b.start <= coalesce(a.end, $as_of)
    RETURN u, a, c
  }
  RETURN collect({nisn: u.nisn,
                  person: {nisn: c.nisn, name: c.name, program: c.program_code,
                           graduation_year: c.graduation_year},
                  coworker: a:WORKS_AT, intern_peer: a:INTERNED_AT}) AS links
}

// The alumni in scope (one school's, or everyone's only when $npsn is null).
CALL () {
  CALL () {
    MATCH (p:Person {school_npsn: $npsn})
    RETURN p
    UNION ALL
    WITH $npsn AS npsn WHERE npsn IS NULL
    MATCH (p:Person)
    RETURN p
  }
  WITH p
  WHERE p.graduation_year IS NOT NULL AND p.graduation_year <= $last_cohort
    AND ($program IS NULL OR p.program_code = $program)
    AND ($graduation_year IS NULL OR p.graduation_year = $graduation_year)
  RETURN collect(p) AS scope
}

// The untraced alumni in scope.
CALL (scope) {
  UNWIND scope AS u
  WITH u
  WHERE u.status IS NULL OR NOT u.status IN $traced
  RETURN collect(u) AS found
}

// Traced, consenting alumni per cohort in scope: the classmates.
CALL (scope) {
  UNWIND scope AS c
  WITH c
  WHERE @consented(c) AND c.status IN $traced
  WITH c.school_npsn AS school, c.program_code AS program, c.graduation_year AS year,
       collect({nisn: c.nisn, name: c.name, program: c.program_code,
                graduation_year: c.graduation_year}) AS people
  RETURN collect({school_npsn: school, program: program, graduation_year: year,
                  people: people}) AS classmates
}
RETURN [u IN found | {nisn: u.nisn, name: u.name, consent: @consented(u),
                      school_npsn: u.school_npsn, program: u.program_code,
                      graduation_year: u.graduation_year, status: u.status}] AS untraced,
       classmates, links
