// program_alignment: per programme, the sections where its alumni work and the
// sections of its active partners (rules in queries/program_alignment.py).
// Python's shared finish() orders the lists, derives the gaps and the order.
// Parameters: $npsn (or null), $program (or null), $as_of, $window_start,
// $year_start ('YYYY-01-01' of $as_of), $last_cohort, $school_partners, $sync_kind.
MATCH (s:School)-[:HAS_PROGRAM]->(pr:Program)
WHERE ($npsn IS NULL OR s.npsn = $npsn) AND ($program IS NULL OR pr.code = $program)

// Alumni with a job in the window (distinct people), and those at employers without a sector.
CALL (pr) {
  OPTIONAL MATCH (p:Person {school_npsn: pr.school_npsn, program_code: pr.code})-[r:WORKS_AT]->(e:Employer)
  WHERE p.graduation_year IS NOT NULL AND p.graduation_year <= $last_cohort
    AND r.start <= $as_of AND (r.end IS NULL OR r.end >= $window_start)
  RETURN count(DISTINCT p) AS alumni_in_window,
         count(DISTINCT CASE WHEN e.sector IS NULL THEN p END) AS unknown_sector_alumni
}

// The same jobs per section: each alumnus once per section.
CALL (pr) {
  MATCH (p:Person {school_npsn: pr.school_npsn, program_code: pr.code})-[r:WORKS_AT]->(e:Employer)
  WHERE p.graduation_year IS NOT NULL AND p.graduation_year <= $last_cohort
    AND r.start <= $as_of AND (r.end IS NULL OR r.end >= $window_start)
    AND e.sector IS NOT NULL
  WITH e.sector AS sector, count(DISTINCT p) AS alumni
  RETURN collect({sector: sector, alumni: alumni}) AS alumni_sectors
}

// Partnerships of the programme, and of its school for employers in its sectors.
CALL (s, pr) {
  CALL (s, pr) {
    MATCH (pr)-[m:PARTNERS_WITH]->(e:Employer)
    RETURN e, m
    UNION ALL
    MATCH (s)-[m:PARTNERS_WITH]->(e:Employer)
    WHERE $school_partners AND e.sector IN coalesce(pr.sectors, [])
    RETURN e, m
  }
  RETURN
    collect(DISTINCT CASE WHEN m.start <= $as_of AND (m.end IS NULL OR m.end >= $as_of)
                          THEN e END) AS active,
    collect(DISTINCT CASE WHEN $sync_kind IN coalesce(m.kinds, []) AND m.start <= $as_of
                               AND (m.end IS NULL OR m.end >= $year_start) THEN e END) AS sync
}
RETURN pr.school_npsn AS school_npsn, pr.code AS program, pr.name AS program_name,
       coalesce(pr.sectors, []) AS program_sectors, alumni_in_window, unknown_sector_alumni,
       alumni_sectors,
       size(active) AS partners,
       [x IN reduce(acc = [], e IN active | CASE WHEN e.sector IS NULL OR e.sector IN acc THEN acc
                                                 ELSE acc + e.sector END)
        | {sector: x, partners: size([e IN active WHERE e.sector = x])}] AS partner_sectors,
       size(sync) AS sync_partners
