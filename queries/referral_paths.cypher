// referral_paths: the k strongest introduction paths from a person to an employer.
// The rules are in queries/referral_paths.py (the networkx twin).
// Parameters: $nisn, $employer, $as_of 'YYYY-MM-DD', $max_hops (1..5), $k,
// $weights {C: current job, P: past job, I: internship, S: studied in}.
//
// Every walkable relationship joins a Person to a Program or an Employer, so a
// path from a person to an employer has 1, 3 or 5 hops. Enumerating whole
// paths from one end explodes at the Program hubs (millions of walks at 5
// hops), so each path is found as two halves that meet in the middle: a
// forward half of h hops from the person (h = 1, 2, 3) and a backward half of
// h - 1 hops from the employer (0, 1, 2), joined on their shared last node.
// Both ends are anchored by unique-index seeks; the quantified path patterns
// check every step while they expand (no School, no student, no alumnus
// without consent, nothing that starts after $as_of). Quantifier bounds must
// be literals: 3 and 2 cover max_hops 5, and the WHERE cuts to $max_hops; up to
// 3 hops the runner sends referral_paths_short.cypher instead (main_cypher() in
// referral_paths.py): the same query, the middle person met from the smaller side.
// Cypher only forbids repeating a relationship, so node uniqueness over the
// joined path is checked explicitly (this also keeps the employer from
// appearing before the end and the person from appearing after the start).
MATCH (src:Person {nisn: $nisn})
MATCH (dst:Employer {code: $employer})
MATCH fwd = (src)(
    (a)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(b)
    WHERE (r.start IS NULL OR r.start <= $as_of)
      AND NOT b:School
      AND (NOT b:Person OR (b.graduation_year IS NOT NULL AND @consented(b)))
  ){1,3}(mid)
WHERE 2 * length(fwd) - 1 <= $max_hops
MATCH bwd = (dst)(
    (c)-[s:STUDIED_IN|WORKS_AT|INTERNED_AT]-(d)
    WHERE (s.start IS NULL OR s.start <= $as_of)
      AND NOT d:School
      AND (NOT d:Person OR (d.graduation_year IS NOT NULL AND @consented(d)))
  ){0,2}(mid)
USING JOIN ON mid
WHERE length(bwd) = length(fwd) - 1
WITH nodes(fwd) + reverse(nodes(bwd))[1..] AS ns,
     relationships(fwd) + reverse(relationships(bwd)) AS rels
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
