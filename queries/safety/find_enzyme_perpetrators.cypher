// name: find_enzyme_perpetrators
// purpose: Inhibitors and inducers of the given genes among the given drugs (phenoconversion of a genotype's phenotype).
// mode: read
// param drug_uids: list<string>
// param genes: list<string> - gene symbols such as CYP2D6
// returns: drug_uid: string, drug_name: string, gene_uid: string, gene: string, role: string, strength: string, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (d:Drug)-[r:INHIBITS|INDUCES]->(g:Gene)
WHERE d.uid IN $drug_uids AND g.symbol IN $genes
RETURN d.uid AS drug_uid, d.name AS drug_name, g.uid AS gene_uid, g.symbol AS gene, type(r) AS role,
       r.strength AS strength, r.source AS source, r.source_version AS source_version,
       r.citation AS citation, r.citation_url AS citation_url, r.licence AS licence
