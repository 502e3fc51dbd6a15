// referral_paths hint, the last two steps (Neo4j): for each node x in $xs (a
// programme or an employer next to the asking person, by elementId), every
// relationship between a person p next to x who may stand between on some
// date (an alumnus with the contact flag, @consent_flag; the minor rule depends on the
// date, so p's birth date and guardian consent come back for the runner) and
// an employer e of KBLI section $sector other than x. No date is applied, so
// the rows serve every as_of: the runner keeps them per process, per x and
// section, until the store's version changes (any committed write).
// Parameters: $xs, $sector.
UNWIND $xs AS xid
MATCH (x) WHERE elementId(x) = xid
MATCH (x)-[r2:STUDIED_IN|WORKS_AT|INTERNED_AT]-(p:Person)
WHERE p.graduation_year IS NOT NULL AND @consent_flag(p)
WITH xid, x, p, collect([type(r2), r2.start, r2.end]) AS xp
MATCH (p)-[r3:STUDIED_IN|WORKS_AT|INTERNED_AT]-(e:Employer)
WHERE e.sector = $sector AND e <> x
RETURN xid AS x, elementId(p) AS p, p.birth_date AS born,
       p.guardian_consent_ref AS guardian, xp,
       elementId(e) AS e, e.code AS code, e.name AS name,
       type(r3) AS type, r3.start AS start, r3.end AS end
