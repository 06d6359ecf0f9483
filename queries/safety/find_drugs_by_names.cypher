// name: find_drugs_by_names
// purpose: Drugs whose uid, RxNorm code, name or a synonym is one of the given (lower-cased) terms.
// mode: read
// param terms: list<string>
// returns: uid: string, name: string, rxcui: string | null, synonyms: list<string> | null
MATCH (d:Drug)
WHERE d.uid IN $terms OR d.rxcui IN $terms OR d.name IN $terms
   OR any(s IN coalesce(d.synonyms, []) WHERE toLower(s) IN $terms)
RETURN d.uid AS uid, d.name AS name, d.rxcui AS rxcui, d.synonyms AS synonyms
