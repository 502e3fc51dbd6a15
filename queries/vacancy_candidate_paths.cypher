// vacancy_candidate_paths: the strongest introduction path (referral_paths
// with k = 1) of each of many people to one employer, in one query: the
// candidates of a vacancy (queries/work.py). The body inside CALL is
// referral_paths.cypher's, per person (its comments explain it); the rules
// are in queries/referral_paths.py (the networkx twin). tests/test_work_edit.py
// checks that every answer equals referral_paths.cypher's and the twin's.
// Parameters: $nisns (list), $employer, $as_of, $max_hops (1..5), $weights.
// A person without a path gives no row.
MATCH (dst:Employer {code: $employer})
UNWIND $nisns AS nisn
MATCH (src:Person {nisn: nisn})
CALL (src, dst) {
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
              s * $weights[k]) AS strength,
       [n IN ns | CASE WHEN n:Person THEN 'Person:' + n.nisn
                       WHEN n:Program THEN 'Program:' + n.school_npsn + '/' + n.code
                       ELSE 'Employer:' + n.code END] AS ids
  // Parallel relationships (an internship and a job at the same firm) give one
  // path per node sequence: keep the strongest choice, ties by kind letter.
  ORDER BY strength DESC, kinds
  WITH ids, collect({ns: ns, kinds: kinds, strength: strength})[0] AS best
  WITH ids, best.ns AS ns, best.kinds AS kinds, best.strength AS strength
  // Ties: fewer hops, then the sequence of node keys (the id without its label).
  ORDER BY strength DESC, size(ids), [i IN ids | substring(i, size(split(i, ':')[0]) + 1)]
  LIMIT 1
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
}
RETURN src.nisn AS nisn, strength, kinds, nodes
