// name: find_kb_drugs
// purpose: Drugs whose name or synonym equals (rank 0) or starts with (rank 1) a lower-case text.
// mode: read
// param text: string - lower case, single spaces
// param limit: int
// returns: uid: string, rxcui: string, name: string, synonyms: list<string>, unresolved: bool, rank: int
MATCH (d:Drug)
WHERE d.name STARTS WITH $text OR any(s IN coalesce(d.synonyms, []) WHERE s STARTS WITH $text)
WITH d, CASE WHEN d.name = $text OR $text IN coalesce(d.synonyms, []) THEN 0 ELSE 1 END AS rank
RETURN d.uid AS uid, d.rxcui AS rxcui, d.name AS name, coalesce(d.synonyms, []) AS synonyms,
       coalesce(d.unresolved, false) AS unresolved, rank
ORDER BY rank, size(d.name), d.name
LIMIT $limit
