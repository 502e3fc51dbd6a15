// The home page's numbers for one school ($npsn) or all ($npsn null); the
// prospects count comes from the prospective_partners query itself.
// Dates are ISO strings, so text comparison is date comparison.
CALL () {
  MATCH (p:Person)
  WHERE $npsn IS NULL OR p.school_npsn = $npsn
  RETURN count(CASE WHEN p.graduation_year IS NOT NULL THEN 1 END) AS alumni,
         count(CASE WHEN p.graduation_year IS NOT NULL AND p.status IN $traced
                    THEN 1 END) AS alumni_traced,
         count(CASE WHEN p.graduation_year IS NULL THEN 1 END) AS students
}
CALL () {
  MATCH (x)-[r:PARTNERS_WITH]->(e:Employer)
  WHERE ($npsn IS NULL OR x.npsn = $npsn OR x.school_npsn = $npsn)
    AND r.start <= $as_of AND (r.end IS NULL OR r.end >= $as_of)
  RETURN collect(DISTINCT e.code) AS partners
}
CALL () {
  MATCH (p:Person)-[r:INTERNED_AT]->(:Employer)
  WHERE ($npsn IS NULL OR p.school_npsn = $npsn)
    AND r.start <= $year_end AND (r.end IS NULL OR r.end >= $year_start)
  RETURN count(r) AS internships_this_year
}
RETURN alumni, alumni_traced, students, size(partners) AS active_partners,
       internships_this_year
