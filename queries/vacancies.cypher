// vacancies: a school's vacancies with their employer and referral counts
// (rules in queries/work.py). Parameters: $npsn, $id (or null for all).
MATCH (v:Vacancy {school_npsn: $npsn})
WHERE $id IS NULL OR v.id = $id
OPTIONAL MATCH (v)-[:AT]->(e:Employer)
RETURN v {.*} AS vacancy, e.name AS employer_name, e.city AS employer_city,
       [(p:Person)-[x:REFERRED_TO]->(v) | x.status] AS referrals
