// referral_paths hint: when no path reaches the employer, the nearest other
// employers of the same KBLI section that the person does reach.
// Same step rules as referral_paths.cypher. Every walkable relationship joins
// a Person to a Program or an Employer, so a person reaches an employer in 1
// or 3 hops: the two are matched apart, each with its last step to an
// employer of the sector (filtered while expanding, not after).
// Parameters: $nisn, $employer, $as_of, $hops (1..3), $weights, $limit.
MATCH (dst:Employer {code: $employer})
WITH dst.sector AS sector
MATCH (src:Person {nisn: $nisn})
CALL (src, sector) {
    MATCH (src)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(e:Employer)
    WHERE (r.start IS NULL OR r.start <= $as_of) AND e.sector = sector AND e.code <> $employer
    RETURN e, [r] AS rels
  UNION ALL
    MATCH (src)-[r1:STUDIED_IN|WORKS_AT|INTERNED_AT]-(x)
    WHERE $hops >= 3 AND (r1.start IS NULL OR r1.start <= $as_of) AND NOT x:School
      AND NOT (x:Employer AND x.code = $employer)
      AND (NOT x:Person OR (x.graduation_year IS NOT NULL AND @consented(x)))
    MATCH (x)-[r2:STUDIED_IN|WORKS_AT|INTERNED_AT]-(p)
    WHERE (r2.start IS NULL OR r2.start <= $as_of) AND p <> src AND NOT p:School
      AND NOT (p:Employer AND p.code = $employer)
      AND (NOT p:Person OR (p.graduation_year IS NOT NULL AND @consented(p)))
    MATCH (p)-[r3:STUDIED_IN|WORKS_AT|INTERNED_AT]-(e:Employer)
    WHERE (r3.start IS NULL OR r3.start <= $as_of) AND e.sector = sector
      AND e.code <> $employer AND e <> x AND r3 <> r2 AND r2 <> r1
    RETURN e, [r1, r2, r3] AS rels
}
WITH e, size(rels) AS hops,
     [r IN rels |
        CASE WHEN type(r) = 'STUDIED_IN' THEN 'S'
             WHEN type(r) = 'INTERNED_AT' THEN 'I'
             WHEN r.end IS NULL OR r.end > $as_of THEN 'C'
             ELSE 'P' END] AS kinds
WITH e, hops,
     reduce(s = 1.0, k IN [x IN kinds WHERE x = 'C'] + [x IN kinds WHERE x = 'S']
                          + [x IN kinds WHERE x = 'I'] + [x IN kinds WHERE x = 'P'] |
            s * $weights[k]) AS strength
ORDER BY strength DESC, hops
WITH e, collect({strength: strength, hops: hops})[0] AS best
ORDER BY best.strength DESC, best.hops, e.code
LIMIT $limit
RETURN e.code AS code, e.name AS name, e.sector AS sector, best.strength AS strength,
       best.hops AS hops
