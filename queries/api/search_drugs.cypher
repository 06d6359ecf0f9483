// name: search_drugs
// purpose: Drugs whose name or a synonym contains the text, or whose RxCUI or an ATC code equals it (names first).
// mode: read
// param text: string - lower-cased search text
// param limit: int
// returns: uid: string, name: string, rxcui: string, synonyms: list<string>, atc_codes: list<string>, rank: int
MATCH (d:Drug)
WHERE d.name CONTAINS $text OR d.rxcui = $text OR d.uid = $text
   OR any(s IN coalesce(d.synonyms, []) WHERE toLower(s) CONTAINS $text)
   OR any(a IN coalesce(d.atc_codes, []) WHERE toLower(a) = $text)
WITH d, CASE WHEN d.name = $text THEN 0 WHEN d.name STARTS WITH $text THEN 1
             WHEN d.name CONTAINS $text THEN 2 ELSE 3 END AS rank
RETURN d.uid AS uid, d.name AS name, d.rxcui AS rxcui, d.synonyms AS synonyms,
       d.atc_codes AS atc_codes, rank
ORDER BY rank, size(name), name
LIMIT $limit
