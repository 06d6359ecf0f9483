// name: create_fixture_genotypes
// purpose: Test fixture: patients with genotype calls linked to phenotypes (the twin shape ingest writes).
// mode: write
// param rows: list<map> - {patient, consent, genotype, gene, phenotype, phenotype_uid}
// returns: genotypes: int
UNWIND $rows AS row
MERGE (p:Patient {uid: row.patient})
SET p.consent_genomic = row.consent
MERGE (g:Genotype {uid: row.genotype})
SET g.gene = row.gene, g.phenotype = row.phenotype
MERGE (p)-[:HAS_GENOTYPE]->(g)
MERGE (ph:Phenotype {uid: row.phenotype_uid})
SET ph.gene = row.gene, ph.name = row.phenotype
MERGE (g)-[:HAS_PHENOTYPE]->(ph)
RETURN count(g) AS genotypes
