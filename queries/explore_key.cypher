// One node by its key (an index seek), as the search lists it: typed text is
// tried as a key first (explore.exact_key) before a search reads every name.
// __MATCH__ comes from the schema.
MATCH __MATCH__
RETURN n __FIELDS__ AS p, COUNT { (n)--() } AS degree
