// One kind of a node's relationships (__REL__: type and direction, from the
// schema; $now: current on $current_on or not, null for either), the first
// $take others by type and key among those $names lets be named, with every
// relationship of this kind to each. explore.entity() orders the rows (ties
// by the relationship's properties) and cuts the page; a province's big
// employer has ~17k relationships and a page lists a few dozen of each kind.
MATCH __MATCH__
MATCH (n)__REL__(m)
WHERE $now IS NULL OR (r.end IS NULL OR r.end >= $current_on) = $now
WITH DISTINCT n, m, labels(m)[0] AS label
WHERE __SHOWN__
WITH n, m, label, __ORDER__ AS t, __KEY__ AS key
ORDER BY t, key
LIMIT $take
MATCH (n)__REL__(m)
WHERE $now IS NULL OR (r.end IS NULL OR r.end >= $current_on) = $now
RETURN label, m __FIELDS__ AS other, COUNT { (m)--() } AS degree, properties(r) AS props
