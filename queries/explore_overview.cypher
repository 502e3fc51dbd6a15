// The home page's numbers for one school ($npsn) or all ($npsn null); the
// prospects count comes from the prospective_partners query itself.
// Dates are ISO strings, so text comparison is date comparison.
// The people: one school's through the Person(school_npsn) index; everyone
// only when $npsn is null. (One "$npsn IS NULL OR p.school_npsn = $npsn"
// filter makes Neo4j scan all people even for one school: 10 s at M.)
CALL () {
  CALL () {
    MATCH (p:Person {school_npsn: $npsn})
    RETURN p
    UNION ALL
    WITH $npsn AS npsn WHERE npsn IS NULL
    MATCH (p:Person)
    RETURN p
  }
  RETURN count(CASE WHEN p.graduation_year IS NOT NULL THEN 1 END) AS alumni,
         count(CASE WHEN p.graduation_year IS NOT NULL AND p.status IN $traced
                    THEN 1 END) AS alumni_traced,
         count(CASE WHEN p.graduation_year IS NULL THEN 1 END) AS students,
         sum(COUNT { (p)-[r:INTERNED_AT]->(:Employer)
                     WHERE r.start <= $year_end AND (r.end IS NULL OR r.end >= $year_start) })
           AS internships_this_year
}
CALL () {
  MATCH (x)-[r:PARTNERS_WITH]->(e:Employer)
  WHERE ($npsn IS NULL OR x.npsn = $npsn OR x.school_npsn = $npsn)
    AND r.start <= $as_of AND (r.end IS NULL OR r.end >= $as_of)
  RETURN collect(DISTINCT e.code) AS partners
}
RETURN alumni, alumni_traced, students, size(partners) AS active_partners,
       internships_this_year
