// The explorer's search (explore_search.cypher) with people found through the
// full-text index person_name_fulltext (graph_service/schema.py) instead of
// reading all of them: $name_query (queries.explore.fulltext_query) asks Lucene
// for every name with a word containing each run of ASCII letters and digits of
// $q, a superset of the names containing $q; the same test as the scan's,
// toLower(n.name) CONTAINS $q, then keeps exactly the scan's people. A NISN
// starting with $q comes from the key's index (NISNs are digits, so
// toLower(n.nisn) = n.nisn). Everything from the employers on is word for word
// explore_search.cypher's (tests/test_explore.py checks it).
CALL () {
  CALL db.index.fulltext.queryNodes('person_name_fulltext', $name_query) YIELD node AS n
  WHERE toLower(n.name) CONTAINS $q
    AND ($all_people OR @display_consented(n) OR (n.graduation_year IS NOT NULL AND @consented(n)))
  RETURN n, 'Person' AS label, n.nisn AS key, n.nisn AS search_key
  UNION ALL
  MATCH (n:Person)
  WHERE n.nisn STARTS WITH $q AND NOT coalesce(toLower(n.name) CONTAINS $q, false)
    AND ($all_people OR @display_consented(n) OR (n.graduation_year IS NOT NULL AND @consented(n)))
  RETURN n, 'Person' AS label, n.nisn AS key, n.nisn AS search_key
  UNION ALL
  MATCH (n:Employer)
  WHERE 'Employer' IN $types AND (toLower(n.name) CONTAINS $q OR toLower(n.code) STARTS WITH $q)
  RETURN n, 'Employer' AS label, n.code AS key, n.code AS search_key
  UNION ALL
  MATCH (n:School)
  WHERE 'School' IN $types AND (toLower(n.name) CONTAINS $q OR toLower(n.npsn) STARTS WITH $q)
  RETURN n, 'School' AS label, n.npsn AS key, n.npsn AS search_key
  UNION ALL
  MATCH (n:Program)
  WHERE 'Program' IN $types AND (toLower(n.name) CONTAINS $q OR toLower(n.code) STARTS WITH $q)
  RETURN n, 'Program' AS label, n.school_npsn + '/' + n.code AS key, n.code AS search_key
}
WITH n, label, key,
     CASE
       WHEN toLower(search_key) = $q THEN 0
       WHEN toLower(n.name) STARTS WITH $q THEN 1
       ELSE 2
     END AS rank
ORDER BY rank, toLower(coalesce(n.name, key)), label, key
LIMIT $limit
RETURN label, n __FIELDS__ AS p, COUNT { (n)--() } AS degree
