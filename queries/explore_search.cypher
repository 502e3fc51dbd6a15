// Autocomplete over the four node types: a name containing $q (lower-cased by
// the caller) or a key starting with it. rank: 0 exact key, 1 name prefix,
// 2 anything else. Ties sort by name, type and key, as in the networkx twin.
// People are found only when $all_people or they may be named to humas
// (queries.rules.outreach_named: display consent, or an alumnus with contact
// consent, each with the minor rule; needs $adult_born_by).
CALL () {
  MATCH (n:Person)
  WHERE 'Person' IN $types AND (toLower(n.name) CONTAINS $q OR toLower(n.nisn) STARTS WITH $q)
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
