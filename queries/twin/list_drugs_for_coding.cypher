// name: list_drugs_for_coding
// purpose: Every Drug of the knowledge base with its RxNorm code, name and synonyms (code resolution).
// mode: read
// returns: uid: string, rxcui: string | null, name: string | null, synonyms: list<string> | null
MATCH (d:Drug)
RETURN d.uid AS uid, d.rxcui AS rxcui, d.name AS name, d.synonyms AS synonyms
