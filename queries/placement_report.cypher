// placement_report: the school's graduates with their jobs started by $as_of,
// each job with what tells its channel (rules in queries/work.py: a BKK
// referral accepted at that employer, the job's own channel, an internship
// there before the job). Python's shared finisher groups by year and programme.
// Parameters: $npsn, $program (or null), $year (or null), $as_of, $accepted ('diterima').
MATCH (s:School {npsn: $npsn})-[:HAS_PROGRAM]->(:Program)<-[:STUDIED_IN]-(p:Person)
WHERE p.school_npsn = $npsn AND p.graduation_year IS NOT NULL
  AND ($program IS NULL OR p.program_code = $program)
  AND ($year IS NULL OR p.graduation_year = $year)
WITH DISTINCT p
CALL (p) {
  MATCH (p)-[w:WORKS_AT]->(e:Employer)
  WHERE w.start <= $as_of
  RETURN collect({start: w.start, channel: w.channel, code: e.code, name: e.name,
                  interned: EXISTS { MATCH (p)-[i:INTERNED_AT]->(e) WHERE i.start <= w.start },
                  referred: EXISTS { MATCH (p)-[x:REFERRED_TO]->(:Vacancy)-[:AT]->(e)
                                     WHERE x.status = $accepted }}) AS jobs
}
RETURN p.nisn AS nisn, p.graduation_year AS year, p.program_code AS program, jobs
