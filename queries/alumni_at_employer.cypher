// alumni_at_employer: the alumni jobs at one employer (rules in queries/alumni_at_employer.py).
// Parameters: $employer, $npsn (or null), $current_only, $as_of 'YYYY-MM-DD'.
// Alumni without consent come back without NISN and name; no contact details.
MATCH (e:Employer {code: $employer})
MATCH (p:Person)-[r:WORKS_AT]->(e)
WHERE p.graduation_year IS NOT NULL
  AND (r.start IS NULL OR r.start <= $as_of)
  AND ($npsn IS NULL OR p.school_npsn = $npsn)
WITH p, r, (r.end IS NULL OR r.end > $as_of) AS current,
     @consented(p) AS shown
WHERE current OR NOT $current_only
WITH p, r, current, shown
ORDER BY current DESC, p.graduation_year DESC, p.nisn, r.start
RETURN CASE WHEN shown THEN p.nisn END AS nisn,
       CASE WHEN shown THEN p.name END AS name,
       p.school_npsn AS school_npsn, p.program_code AS program,
       p.graduation_year AS graduation_year, r.title AS title,
       r.start AS since, r.end AS until, current, shown AS consent_contact
