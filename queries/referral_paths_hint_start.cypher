// referral_paths on Neo4j, the person's side (for the hint and for 5-hop
// paths): the target's KBLI section and the person's own walkable
// relationships, with what the runner needs to know of each neighbour x.
// The hint's rules are those of referral_paths_hint.cypher; the runner
// (nearby_employers_neo4j() in referral_paths.py) ranks in Python, with the
// last two steps from each x read by referral_paths_reach.cypher and kept per
// process until the store's version changes; main_neo4j() likewise, with
// referral_paths_around.cypher.
// Parameters: $nisn, $employer ($as_of only for the consent rule's cut-off).
MATCH (dst:Employer {code: $employer})
MATCH (src:Person {nisn: $nisn})
OPTIONAL MATCH (src)-[r:STUDIED_IN|WORKS_AT|INTERNED_AT]-(x)
RETURN dst.sector AS sector, elementId(dst) AS dst, elementId(src) AS src,
       collect(CASE WHEN x IS NOT NULL THEN {
           x: elementId(x), type: type(r), start: r.start, end: r.end,
           employer: x:Employer, code: x.code, name: x.name, sector: x.sector,
           key: CASE WHEN x:Program THEN x.school_npsn + '/' + x.code
                     WHEN x:Person THEN x.nisn ELSE x.code END,
           passable: NOT x:School
                     AND (NOT x:Person OR (x.graduation_year IS NOT NULL AND @consented(x)))
       } END) AS steps
