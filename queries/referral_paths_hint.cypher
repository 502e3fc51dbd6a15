// referral_paths hint: when no path reaches the employer, the nearest other
// employers of the same KBLI section that the person does reach.
// Same step rules as referral_paths.cypher; the walk never enters the target
// (tested on $employer inline, so the expansion prunes there).
// Parameters: $nisn, $employer, $as_of, $hops (1..3), $weights, $limit.
// The target's sector is read once (as a value, not a node to look up again
// for every path found).
MATCH (dst:Employer {code: $employer})
WITH dst.sector AS sector
MATCH (src:Person {nisn: $nisn})
MATCH p = (src)(
    (a)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(b)
    WHERE (r.start IS NULL OR r.start <= $as_of)
      AND NOT b:School
      AND NOT (b:Employer AND b.code = $employer)
      AND (NOT b:Person OR (b.graduation_year IS NOT NULL AND @consented(b)))
  ){1,3}(e:Employer)
WHERE length(p) <= $hops
  AND e.sector = sector
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH e, length(p) AS hops,
     [r IN relationships(p) |
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
