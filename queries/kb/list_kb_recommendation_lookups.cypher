// name: list_kb_recommendation_lookups
// purpose: Every Recommendation's parallel lookup gene and value lists (integrity checks).
// mode: read
// returns: uid: string, lookup_genes: list<string>, lookup_values: list<string>
MATCH (r:Recommendation)
RETURN r.uid AS uid, r.lookup_genes AS lookup_genes, r.lookup_values AS lookup_values
