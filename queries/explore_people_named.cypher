// People of one school whose name is in $names (the consent check of exports).
MATCH (p:Person {school_npsn: $npsn})
WHERE p.name IN $names
RETURN p {.name, .program_code, .graduation_year, .consent_display, .birth_date,
          .guardian_consent_ref} AS p
