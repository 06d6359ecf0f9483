// name: merge_kb_genes
// purpose: Upsert Gene nodes (HGNC CURIEs; enzymes and transporters are genes).
// mode: write
// param rows: list<map> - {uid, props: {symbol, name, chr, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (g:Gene {uid: row.uid})
SET g += row.props
RETURN count(g) AS written
