// tracer_summary: raw counts per school x programme x graduation year (rules in
// queries/tracer_summary.py). Python's shared finish() builds the programme x
// year grid, the rates, the medians, the order and the totals.
// Parameters: $npsn (or null), $program (or null), $as_of 'YYYY-MM-DD',
// $last_cohort (latest graduation year graduated by $as_of), $traced (the traced
// statuses, graph_service.schema.TRACED_STATUSES).

// The programmes of the selected schools.
CALL () {
  MATCH (s:School)-[:HAS_PROGRAM]->(pr:Program)
  WHERE ($npsn IS NULL OR s.npsn = $npsn) AND ($program IS NULL OR pr.code = $program)
  RETURN collect({school_npsn: s.npsn, school_name: s.name, program: pr.code,
                  program_name: pr.name}) AS programs
}

// One row per alumnus: the earliest job started by $as_of, and whether a
// current job (and a current aligned job) exists on $as_of.
// The people: one school's through the Person(school_npsn) index, everyone
// only when $npsn is null (an "$npsn IS NULL OR ..." filter scans them all).
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
  OPTIONAL MATCH (p)-[r:WORKS_AT]->(:Employer)
  WHERE r.start <= $as_of
  WITH p, min(r.start) AS first_start,
       max(CASE WHEN r IS NOT NULL AND (r.end IS NULL OR r.end > $as_of) THEN 1 ELSE 0 END) AS employed,
       max(CASE WHEN r IS NOT NULL AND (r.end IS NULL OR r.end > $as_of) AND r.aligned = true
                THEN 1 ELSE 0 END) AS aligned
  // Months from 1 June of the graduation year to the first job, floored at 0.
  WITH p, employed, aligned,
       CASE WHEN first_start IS NULL THEN null
            ELSE (toInteger(substring(first_start, 0, 4)) - p.graduation_year) * 12
                 + toInteger(substring(first_start, 5, 2)) - 6 END AS wait
  WITH p, employed, aligned, CASE WHEN wait < 0 THEN 0 ELSE wait END AS wait
  WITH p.school_npsn AS school_npsn, p.program_code AS program, p.graduation_year AS graduation_year,
       count(*) AS alumni,
       sum(CASE WHEN p.status = 'bekerja' THEN 1 ELSE 0 END) AS bekerja,
       sum(CASE WHEN p.status = 'melanjutkan' THEN 1 ELSE 0 END) AS melanjutkan,
       sum(CASE WHEN p.status = 'wirausaha' THEN 1 ELSE 0 END) AS wirausaha,
       sum(CASE WHEN p.status = 'mencari_kerja' THEN 1 ELSE 0 END) AS mencari_kerja,
       sum(CASE WHEN p.status IN $traced THEN 0 ELSE 1 END) AS tidak_terdata,
       sum(employed) AS employed, sum(aligned) AS aligned,
       collect(wait) AS waits
  RETURN collect({school_npsn: school_npsn, program: program, graduation_year: graduation_year,
                  alumni: alumni, bekerja: bekerja, melanjutkan: melanjutkan,
                  wirausaha: wirausaha, mencari_kerja: mencari_kerja,
                  tidak_terdata: tidak_terdata, employed: employed, aligned: aligned,
                  waits: waits}) AS groups
}
RETURN programs, groups
