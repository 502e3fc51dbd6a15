// vacancy_candidate_paths: the strongest introduction path (referral_paths
// with k = 1, its rules and weights) of each of many people to ONE employer:
// the candidates of a vacancy (queries/work.py). One query for all of them.
// The rules are in queries/referral_paths.py (the networkx twin);
// tests/test_work_queries.py checks every answer against referral_paths.cypher
// run per person and against the twin.
// Parameters: $nisns (list), $employer, $as_of, $max_hops (1..5), $weights.
// A person without a path gives no row.
//
// Like referral_paths.cypher, a path is two halves joined on a middle node,
// every step checked while it expands (no School, no student, no alumnus
// without consent, nothing that starts after $as_of). Here the split leans
// toward the employer, the end all candidates share: a path of 1 or 3 hops is
// 1 hop from the person and 0 or 2 from the employer; one of 5 hops is 2 from
// the person and 3 from the employer. A person's own half is then a few
// relationships (their programme, their jobs), and the employer's half is
// expanded once for everyone instead of a programme's hub once per candidate.
// Every node but the two ends is checked on one side or both, so the paths
// are the same as referral_paths.cypher's.
MATCH (dst:Employer {code: $employer})
CALL (dst) {
  UNWIND $nisns AS nisn
  MATCH (src:Person {nisn: nisn})
  MATCH fwd = (src)(
      (a)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(b)
      WHERE (r.start IS NULL OR r.start <= $as_of)
        AND NOT b:School
        AND (NOT b:Person OR (b.graduation_year IS NOT NULL AND @consented(b)))
    ){1}(mid)
  MATCH bwd = (dst)(
      (c)-[s:STUDIED_IN|WORKS_AT|INTERNED_AT]-(d)
      WHERE (s.start IS NULL OR s.start <= $as_of)
        AND NOT d:School
        AND (NOT d:Person OR (d.graduation_year IS NOT NULL AND @consented(d)))
    ){0,2}(mid)
  USING JOIN ON mid
  WHERE length(bwd) <> 1 AND 1 + length(bwd) <= $max_hops
  RETURN src, fwd, bwd
  UNION ALL
  WITH dst WHERE $max_hops >= 5
  UNWIND $nisns AS nisn
  MATCH (src:Person {nisn: nisn})
  MATCH fwd = (src)(
      (a)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(b)
      WHERE (r.start IS NULL OR r.start <= $as_of)
        AND NOT b:School
        AND (NOT b:Person OR (b.graduation_year IS NOT NULL AND @consented(b)))
    ){2}(mid)
  MATCH bwd = (dst)(
      (c)-[s:STUDIED_IN|WORKS_AT|INTERNED_AT]-(d)
      WHERE (s.start IS NULL OR s.start <= $as_of)
        AND NOT d:School
        AND (NOT d:Person OR (d.graduation_year IS NOT NULL AND @consented(d)))
    ){3}(mid)
  USING JOIN ON mid
  RETURN src, fwd, bwd
}
WITH src, nodes(fwd) + reverse(nodes(bwd))[1..] AS ns,
     relationships(fwd) + reverse(relationships(bwd)) AS rels
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH src, ns,
     [r IN rels |
        CASE WHEN type(r) = 'STUDIED_IN' THEN 'S'
             WHEN type(r) = 'INTERNED_AT' THEN 'I'
             WHEN r.end IS NULL OR r.end > $as_of THEN 'C'
             ELSE 'P' END] AS kinds
// Strength: the product of the weights, multiplied in a fixed order
// (C, S, I, P) so that equal kinds give bit-identical floats in Java and Python.
WITH src, ns, kinds,
     reduce(s = 1.0, k IN [x IN kinds WHERE x = 'C'] + [x IN kinds WHERE x = 'S']
                          + [x IN kinds WHERE x = 'I'] + [x IN kinds WHERE x = 'P'] |
            s * $weights[k]) AS strength
// Parallel relationships give one path per node sequence: the strongest
// choice, ties by kind letter (as referral_paths.cypher).
ORDER BY strength DESC, kinds
WITH src, ns, collect({kinds: kinds, strength: strength})[0] AS best
WITH src, ns, best.kinds AS kinds, best.strength AS strength
// Per person, only the paths as strong as their strongest and no longer can
// be the answer: the node keys that order the ties are read for those alone.
ORDER BY strength DESC, size(ns)
WITH src, collect({ns: ns, kinds: kinds, strength: strength}) AS found
WITH src, found, found[0] AS top
UNWIND found AS f
WITH src, f
WHERE f.strength = top.strength AND size(f.ns) = size(top.ns)
WITH src, f.ns AS ns, f.kinds AS kinds, f.strength AS strength,
     [n IN f.ns | CASE WHEN n:Person THEN 'Person:' + n.nisn
                       WHEN n:Program THEN 'Program:' + n.school_npsn + '/' + n.code
                       ELSE 'Employer:' + n.code END] AS ids
// Ties: fewer hops, then the sequence of node keys (the id without its label).
ORDER BY strength DESC, size(ids), [i IN ids | substring(i, size(split(i, ':')[0]) + 1)]
WITH src, collect({ns: ns, kinds: kinds, strength: strength, ids: ids})[0] AS best
WITH src, best.ns AS ns, best.kinds AS kinds, best.strength AS strength, best.ids AS ids
RETURN src.nisn AS nisn, strength, kinds,
       [i IN range(0, size(ns) - 1) | {
           id: ids[i],
           label: CASE WHEN ns[i]:Person THEN 'Person' WHEN ns[i]:Program THEN 'Program'
                       ELSE 'Employer' END,
           name: CASE WHEN ns[i]:Person AND NOT @consented(ns[i])
                      THEN null ELSE ns[i].name END,
           program: ns[i].program_code,
           graduation_year: ns[i].graduation_year
       }] AS nodes
