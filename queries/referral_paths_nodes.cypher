// referral_paths on Neo4j: the nodes of the paths found by main_neo4j() (by
// elementId), as referral_paths.cypher returns them. Parameters: $ids, $as_of.
UNWIND $ids AS nid
MATCH (n) WHERE elementId(n) = nid
RETURN nid,
       CASE WHEN n:Person THEN 'Person:' + n.nisn
            WHEN n:Program THEN 'Program:' + n.school_npsn + '/' + n.code
            ELSE 'Employer:' + n.code END AS id,
       CASE WHEN n:Person THEN 'Person' WHEN n:Program THEN 'Program' ELSE 'Employer' END AS label,
       CASE WHEN n:Person AND NOT @consented(n) THEN null ELSE n.name END AS name,
       n.program_code AS program,
       n.graduation_year AS graduation_year
