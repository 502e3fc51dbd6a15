// referral_paths up to 3 hops: the same query as referral_paths.cypher, with
// the paths found another way. The rules are in queries/referral_paths.py (the
// networkx twin); the runner sends this text when $max_hops <= 3
// (main_cypher() in referral_paths.py). Parameters as referral_paths.cypher.
//
// A path of at most 3 hops is person - employer, or person - x - p - employer
// (x a programme or an employer, p an alumnus who consented). The general
// query's two halves expanded the person's side two steps: through a
// programme or employer hub, thousands of people (14,000 rows at a province
// for an employer with 13 people), to meet a handful. Here the person's own
// neighbours x are collected first, and the middle person p is met from the
// side with fewer relationships: from the employer's people (each checked
// against x), or from x's people (each checked against the employer by an
// Expand(Into) from p's side). COUNT { } reads a node's degree without
// expanding it. Same per-step rules and the same ordering tail as
// referral_paths.cypher (tests/test_queries_demo.py checks the tails match).
MATCH (src:Person {nisn: $nisn})
MATCH (dst:Employer {code: $employer})
CALL (src, dst) {
    MATCH (src)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(dst)
    WHERE r.start IS NULL OR r.start <= $as_of
    RETURN [src, dst] AS ns, [r] AS rels
  UNION ALL
    MATCH (src)-[r1:STUDIED_IN|WORKS_AT|INTERNED_AT]-(x)
    WHERE $max_hops >= 3 AND (r1.start IS NULL OR r1.start <= $as_of) AND NOT x:School
      AND x <> dst AND (NOT x:Person OR (x.graduation_year IS NOT NULL AND @consented(x)))
    WITH src, dst, collect(x) AS xs, collect(r1) AS r1s, sum(COUNT { (x)--() }) AS through_x
    CALL (src, dst, xs, through_x) {
        WITH * WHERE COUNT { (dst)--() } <= through_x
        MATCH (dst)-[r3:STUDIED_IN|WORKS_AT|INTERNED_AT]-(p)
        WHERE (r3.start IS NULL OR r3.start <= $as_of) AND NOT p:School AND p <> src
          AND (NOT p:Person OR (p.graduation_year IS NOT NULL AND @consented(p)))
        MATCH (p)-[r2:STUDIED_IN|WORKS_AT|INTERNED_AT]-(x)
        WHERE x IN xs AND (r2.start IS NULL OR r2.start <= $as_of)
        RETURN x, p, r2, r3
      UNION ALL
        WITH * WHERE COUNT { (dst)--() } > through_x
        UNWIND xs AS x
        MATCH (x)-[r2:STUDIED_IN|WORKS_AT|INTERNED_AT]-(p)
        WHERE (r2.start IS NULL OR r2.start <= $as_of) AND NOT p:School AND p <> src
          AND (NOT p:Person OR (p.graduation_year IS NOT NULL AND @consented(p)))
        MATCH (p)-[r3:STUDIED_IN|WORKS_AT|INTERNED_AT]-(dst)
        WHERE r3.start IS NULL OR r3.start <= $as_of
        RETURN x, p, r2, r3
    }
    UNWIND [i IN range(0, size(xs) - 1) WHERE xs[i] = x | r1s[i]] AS r1
    RETURN [src, x, p, dst] AS ns, [r1, r2, r3] AS rels
}
WITH ns, rels
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH ns,
     [r IN rels |
        CASE WHEN type(r) = 'STUDIED_IN' THEN 'S'
             WHEN type(r) = 'INTERNED_AT' THEN 'I'
             WHEN r.end IS NULL OR r.end > $as_of THEN 'C'
             ELSE 'P' END] AS kinds
// Strength: the product of the weights, multiplied in a fixed order
// (C, S, I, P) so that equal kinds give bit-identical floats in Java and Python.
WITH ns, kinds,
     reduce(s = 1.0, k IN [x IN kinds WHERE x = 'C'] + [x IN kinds WHERE x = 'S']
                          + [x IN kinds WHERE x = 'I'] + [x IN kinds WHERE x = 'P'] |
            s * $weights[k]) AS strength
// Parallel relationships (an internship and a job at the same firm) give one
// path per node sequence: keep the strongest choice, ties by kind letter.
ORDER BY strength DESC, kinds
WITH ns, collect({kinds: kinds, strength: strength})[0] AS best
WITH ns, best.kinds AS kinds, best.strength AS strength
// Only a path as strong as the k-th strongest, and no longer, can be an
// answer: the node keys that order the ties are read for those alone (at a
// province's hubs the join holds tens of thousands of weaker paths).
ORDER BY strength DESC, size(ns)
WITH collect({ns: ns, kinds: kinds, strength: strength}) AS found
WITH found, found[$k - 1] AS kth
UNWIND found AS f
WITH f, kth
WHERE kth IS NULL OR f.strength > kth.strength
   OR (f.strength = kth.strength AND size(f.ns) <= size(kth.ns))
WITH f.ns AS ns, f.kinds AS kinds, f.strength AS strength,
     [n IN f.ns | CASE WHEN n:Person THEN 'Person:' + n.nisn
                       WHEN n:Program THEN 'Program:' + n.school_npsn + '/' + n.code
                       ELSE 'Employer:' + n.code END] AS ids
// Ties: fewer hops, then the sequence of node keys (the id without its label).
ORDER BY strength DESC, size(ids), [i IN ids | substring(i, size(split(i, ':')[0]) + 1)]
LIMIT $k
RETURN strength, kinds,
       [i IN range(0, size(ns) - 1) | {
           id: ids[i],
           label: CASE WHEN ns[i]:Person THEN 'Person' WHEN ns[i]:Program THEN 'Program'
                       ELSE 'Employer' END,
           name: CASE WHEN ns[i]:Person AND NOT @consented(ns[i])
                      THEN null ELSE ns[i].name END,
           program: ns[i].program_code,
           graduation_year: ns[i].graduation_year
       }] AS nodes
