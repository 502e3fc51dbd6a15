// referral_paths on Neo4j, 5-hop paths: two steps out from each node x in $xs
// (a programme or an employer, by elementId) through a person p who may
// stand between on some date (an alumnus with the contact flag, @consent_flag; the minor
// rule depends on the date, so p's birth date and guardian consent come
// back), to every other node y next to p (a programme or an employer: every
// walkable relationship joins a person to one). Each x-p and p-y relationship
// comes as [type, start, end]: no date is applied, so the rows serve every
// as_of, and the runner keeps them per process for the store's version
// (main_neo4j() in referral_paths.py). Parameters: $xs.
UNWIND $xs AS xid
MATCH (x) WHERE elementId(x) = xid
MATCH (x)-[r1:STUDIED_IN|WORKS_AT|INTERNED_AT]-(p:Person)
WHERE p.graduation_year IS NOT NULL AND @consent_flag(p)
WITH xid, x, p, collect([type(r1), r1.start, r1.end]) AS xp
MATCH (p)-[r2:STUDIED_IN|WORKS_AT|INTERNED_AT]-(y)
WHERE y <> x AND NOT y:School
WITH xid, p, xp, y, collect([type(r2), r2.start, r2.end]) AS py
RETURN xid AS x, elementId(p) AS p, p.nisn AS pkey, p.birth_date AS born,
       p.guardian_consent_ref AS guardian, xp,
       elementId(y) AS y,
       CASE WHEN y:Program THEN y.school_npsn + '/' + y.code ELSE y.code END AS ykey, py
