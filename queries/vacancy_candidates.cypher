// vacancy_candidates: the school's people in the programmes a vacancy wants,
// with what decides whether they are candidates (rules in queries/work.py:
// graduates and final-year students not employed on $as_of) and any referral
// to this vacancy. Python's shared finisher filters, adds each candidate's
// strongest referral path (referral_paths) and ranks.
// Parameters: $id.
MATCH (v:Vacancy {id: $id})
MATCH (s:School {npsn: v.school_npsn})-[:HAS_PROGRAM]->(pr:Program)<-[:STUDIED_IN]-(p:Person)
WHERE p.school_npsn = v.school_npsn
  AND (v.programs IS NULL OR size(v.programs) = 0 OR p.program_code IN v.programs)
WITH DISTINCT v, p
RETURN p {.nisn, .name, .program_code, .graduation_year, .entry_year, .status} AS person,
       [(p)-[w:WORKS_AT]->(:Employer) | w {.start, .end}] AS jobs,
       [(p)-[x:REFERRED_TO]->(v) | x {.status, .date}] AS referrals
