// name: find_pgx_drug_genes
// purpose: For each given drug with a CPIC recommendation, the gene lists its recommendations are keyed on.
// mode: read
// param drug_uids: list<string>
// returns: drug_uid: string, drug_name: string, gene_lists: list<list<string>>
MATCH (d:Drug)<-[:FOR_DRUG]-(rec:Recommendation)
WHERE d.uid IN $drug_uids
RETURN d.uid AS drug_uid, d.name AS drug_name, collect(rec.lookup_genes) AS gene_lists
