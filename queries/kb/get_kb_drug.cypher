// name: get_kb_drug
// purpose: One Drug by uid (RxNorm:<rxcui> or kgtwin:drug/<slug>).
// mode: read
// param uid: string
// returns: uid: string, rxcui: string, name: string, synonyms: list<string>, unresolved: bool
MATCH (d:Drug {uid: $uid})
RETURN d.uid AS uid, d.rxcui AS rxcui, d.name AS name, coalesce(d.synonyms, []) AS synonyms,
       coalesce(d.unresolved, false) AS unresolved
