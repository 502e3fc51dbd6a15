// outreach_facts: per employer the school contacted or partners with (itself or
// through one of its programmes), the raw material of the Humas pipeline, the
// alerts and the conversion table (rules in queries/work.py; Python's shared
// finishers compute statuses, alerts and rates from these facts).
// Parameters: $npsn, $employer (a code, or null for all).
MATCH (s:School {npsn: $npsn})
CALL (s) {
  MATCH (s)-[:CONTACTED]->(e:Employer)
  RETURN DISTINCT e
  UNION
  MATCH (s)-[:HAS_PROGRAM]->{0,1}(h)-[:PARTNERS_WITH]->(e:Employer)
  RETURN DISTINCT e
}
WITH s, e WHERE $employer IS NULL OR e.code = $employer
WITH s, collect(e) AS employers
// The school's people's jobs and internships at those employers, found from
// the people's side (an employer's own relationships can number tens of
// thousands at a province's scale), grouped per employer.
CALL (employers) {
  MATCH (p:Person {school_npsn: $npsn})-[r:WORKS_AT|INTERNED_AT]->(x:Employer)
  WHERE x IN employers
  WITH x, collect({nisn: p.nisn, name: p.name, program: p.program_code,
                   graduation_year: p.graduation_year, consented: @consented(p),
                   type: type(r), start: r.start, end: r.end}) AS links
  RETURN collect({employer: x, links: links}) AS linked
}
UNWIND employers AS e
CALL (s, e) {
  MATCH (s)-[c:CONTACTED]->(e)
  RETURN collect(c {.*}) AS contacts
}
CALL (s, e) {
  MATCH (s)-[:HAS_PROGRAM]->{0,1}(h)-[m:PARTNERS_WITH]->(e)
  RETURN collect(m {.*, program: CASE WHEN h:Program THEN h.code END}) AS partnerships
}
RETURN e.code AS code, e.name AS name, e.city AS city, e.sector AS sector,
       e.address AS address, e.contact AS contact,
       contacts, partnerships,
       coalesce(head([x IN linked WHERE x.employer = e | x.links]), []) AS links
