// prospective_partners: employers a school reaches but has no active partnership with.
// The rules are in queries/prospective_partners.py (the networkx twin); this
// file returns one row per employer with the raw material, and Python's
// shared finish() picks champions and the recommended programme, orders and
// applies the limit.
// Parameters: $npsn, $program (or null), $as_of 'YYYY-MM-DD', $category (or null),
// $limit, $weights.
MATCH (s:School {npsn: $npsn})

// Sectors of the school's programmes (or of the chosen one), for `aligned`.
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_PROGRAM]->(pr:Program)
  WHERE $program IS NULL OR pr.code = $program
  WITH collect(pr.sectors) AS lists
  RETURN reduce(acc = [], l IN lists | acc + coalesce(l, [])) AS sectors
}

// Partnerships of the school and of any of its programmes (whatever $program is).
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_PROGRAM]->{0,1}(holder)-[m:PARTNERS_WITH]->(e:Employer)
  RETURN
    collect(DISTINCT CASE WHEN (m.start IS NULL OR m.start <= $as_of)
                           AND (m.end IS NULL OR m.end >= $as_of) THEN e END) AS active,
    collect(DISTINCT CASE WHEN m.end IS NOT NULL AND m.end < $as_of THEN e END) AS ended
}

// Person evidence: the school's people, reached from the school through its
// programme hubs (the loader keeps a person's STUDIED_IN in step with its
// school_npsn and program_code; both are still checked), and their jobs and
// internships that have started by $as_of. Anchored on the school, the plan
// does not depend on statistics (an index seek on Person.school_npsn was at
// times planned as a scan of that index).
CALL (s) {
  MATCH (s)-[:HAS_PROGRAM]->(:Program)<-[:STUDIED_IN]-(p:Person)
  WHERE p.school_npsn = $npsn AND ($program IS NULL OR p.program_code = $program)
  WITH DISTINCT p
  MATCH (p)-[r:WORKS_AT|INTERNED_AT]->(e:Employer)
  WHERE r.start IS NULL OR r.start <= $as_of
  // One row per person and employer.
  WITH e, p,
       sum(CASE WHEN type(r) = 'INTERNED_AT' THEN 1 ELSE 0 END) AS internships,
       max(CASE WHEN type(r) = 'WORKS_AT' AND p.graduation_year IS NOT NULL
                 AND (r.end IS NULL OR r.end > $as_of) THEN 1 ELSE 0 END) AS current,
       max(CASE WHEN type(r) = 'WORKS_AT' AND p.graduation_year IS NOT NULL
                 AND r.end IS NOT NULL AND r.end <= $as_of THEN 1 ELSE 0 END) AS worked
  // One row per employer and programme.
  WITH e, p.program_code AS program,
       sum(current) AS current, sum(worked * (1 - current)) AS past, sum(internships) AS internships,
       collect(CASE WHEN current = 1 AND @consented(p)
                    THEN {nisn: p.nisn, name: p.name, program: p.program_code,
                          graduation_year: p.graduation_year} END) AS champions
  // One row per employer.
  WITH e, sum(current) AS current_alumni, sum(past) AS past_alumni,
       sum(internships) AS internships,
       collect({program: program, current: current, internships: internships}) AS programs,
       collect(champions) AS champion_lists
  RETURN collect({employer: e, current_alumni: current_alumni, past_alumni: past_alumni,
                  internships: internships, programs: programs,
                  champions: reduce(acc = [], c IN champion_lists | acc + c)}) AS found
}

// Former partners without person evidence are listed too.
WITH s, sectors, active, ended, found, [f IN found | f.employer] AS seen
UNWIND found + [e IN ended WHERE NOT e IN seen |
                {employer: e, current_alumni: 0, past_alumni: 0, internships: 0,
                 programs: [], champions: []}] AS row
WITH s, sectors, ended, row, row.employer AS e
WHERE NOT e IN active
WITH s, sectors, row, e, e IN ended AS former_partner,
     coalesce(e.sector IN sectors, false) AS aligned
WHERE row.current_alumni + row.past_alumni + row.internships > 0 OR former_partner
WITH s, row, e, former_partner, aligned,
     CASE WHEN former_partner THEN 'former_partner'
          WHEN row.current_alumni > 0 THEN 'alumni_employer'
          WHEN row.internships > 0 THEN 'internship_host'
          ELSE 'past_alumni_only' END AS category
WHERE $category IS NULL OR category = $category
WITH s, e, row, aligned, former_partner, category,
     $weights.current_alumni * row.current_alumni + $weights.past_alumni * row.past_alumni
       + $weights.internships * row.internships
       + CASE WHEN aligned THEN $weights.aligned ELSE 0 END AS score
// Only rows that can make the first $limit: scores at or above the $limit-th
// best. Ties at that score all come back; Python's finish() orders them by
// name and code (string order is left to Python) and cuts at $limit.
ORDER BY score DESC
WITH s, collect({e: e, row: row, aligned: aligned, former_partner: former_partner,
                 category: category, score: score}) AS ranked
WITH s, ranked, ranked[size(ranked[..$limit]) - 1].score AS threshold
UNWIND [x IN ranked WHERE x.score >= threshold] AS x
WITH s, x, x.e AS e, x.row AS row
RETURN e.code AS code, e.name AS name, e.sector AS sector, e.city AS city,
       x.category AS category, x.score AS score,
       row.current_alumni AS current_alumni, row.past_alumni AS past_alumni,
       row.internships AS internships, x.aligned AS aligned, x.former_partner AS former_partner,
       reduce(latest = null, d IN [(s)-[c:CONTACTED]->(e) WHERE c.date <= $as_of | c.date] |
              CASE WHEN latest IS NULL OR d > latest THEN d ELSE latest END) AS last_contact,
       row.programs AS programs, row.champions AS champions
