// name: merge_kb_guidelines
// purpose: Upsert CPIC Guideline nodes (PharmGKB annotation ids, PMIDs, genes, drugs).
// mode: write
// param rows: list<map> - {uid, props: {name, url, pmids, genes, drugs, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (g:Guideline {uid: row.uid})
SET g += row.props
RETURN count(g) AS written
