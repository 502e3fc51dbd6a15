// analyses_partners: codes of the employers with a partnership active on $as_of
// with school $npsn or one of its programmes (any school when $npsn is null);
// queries/analytics.py (active_partners) does the same on the embedded graph.
MATCH (h)-[m:PARTNERS_WITH]->(e:Employer)
WHERE m.start <= $as_of AND (m.end IS NULL OR m.end >= $as_of)
  AND ($npsn IS NULL OR (h:School AND h.npsn = $npsn) OR (h:Program AND h.school_npsn = $npsn))
RETURN DISTINCT e.code AS code
