// Every school with its programmes, for the pages' selectors.
MATCH (s:School)
OPTIONAL MATCH (s)-[:HAS_PROGRAM]->(p:Program)
RETURN s.npsn AS npsn, s.name AS name, s.city AS city,
       collect(CASE WHEN p IS NULL THEN NULL ELSE {code: p.code, name: p.name} END) AS programs
