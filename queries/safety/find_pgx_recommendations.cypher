// name: find_pgx_recommendations
// purpose: CPIC recommendations for the given drugs whose every lookup gene has the given lookup key (GENE=value).
// mode: read
// param drug_uids: list<string>
// param gene_keys: list<string> - e.g. ["CYP2C19=Poor Metabolizer", "CYP2D6=0.0"]
// returns: uid: string, drug_uid: string, drug_name: string, lookup_genes: list<string>, lookup_values: list<string>, population: string | null, population_test: string | null, population_value: list<string> | null, population_basis: string | null, population_citation: string | null, classification: string | null, text: string | null, implications: list<string> | null, guideline_uid: string | null, guideline_name: string | null, guideline_url: string | null, pmids: list<string> | null, source: string, source_version: string, citation: string | null, citation_url: string | null, licence: string | null
MATCH (d:Drug)<-[:FOR_DRUG]-(rec:Recommendation)
WHERE d.uid IN $drug_uids
  AND all(i IN range(0, size(rec.lookup_genes) - 1)
          WHERE (rec.lookup_genes[i] + '=' + rec.lookup_values[i]) IN $gene_keys)
OPTIONAL MATCH (rec)-[:FROM_GUIDELINE]->(g:Guideline)
RETURN rec.uid AS uid, d.uid AS drug_uid, d.name AS drug_name,
       rec.lookup_genes AS lookup_genes, rec.lookup_values AS lookup_values,
       rec.population AS population, rec.population_test AS population_test,
       rec.population_value AS population_value, rec.population_basis AS population_basis,
       rec.population_citation AS population_citation, rec.classification AS classification,
       rec.text AS text,
       rec.implications AS implications, g.uid AS guideline_uid, g.name AS guideline_name,
       g.url AS guideline_url, g.pmids AS pmids, rec.source AS source,
       rec.source_version AS source_version, rec.citation AS citation, rec.citation_url AS citation_url, rec.licence AS licence
