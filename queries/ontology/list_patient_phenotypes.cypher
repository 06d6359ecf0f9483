// name: list_patient_phenotypes
// purpose: Each genotype call's phenotype for every patient who consents to genomic decision support (sync reasons over these).
// mode: read
// returns: patient_uid: string, genotype_uid: string, phenotype_uid: string or null
MATCH (p:Patient)-[:HAS_GENOTYPE]->(g:Genotype)
WHERE coalesce(p.consent_genomic, true) = true
OPTIONAL MATCH (g)-[:HAS_PHENOTYPE]->(ph:Phenotype)
RETURN p.uid AS patient_uid, g.uid AS genotype_uid,
       coalesce(ph.uid, g.gene + ':' + g.phenotype) AS phenotype_uid
