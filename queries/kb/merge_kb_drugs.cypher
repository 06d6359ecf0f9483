// name: merge_kb_drugs
// purpose: Upsert Drug nodes (RxNorm ingredients, or kgtwin:drug/<slug> when unresolved).
// mode: write
// param rows: list<map> - {uid, props: {rxcui, name, synonyms, atc_codes, unresolved, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (d:Drug {uid: row.uid})
SET d += row.props
RETURN count(d) AS written
