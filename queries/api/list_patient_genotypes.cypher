// name: list_patient_genotypes
// purpose: Genotypes of several twins at once (DataLoader batch): diplotype, phenotype, activity score, source.
// mode: read
// param uids: list<string>
// returns: patient_uid: string, uid: string, gene: string, diplotype: string, phenotype: string, activity_score: string, source: string, recorded_at: string
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_GENOTYPE]->(g:Genotype)
RETURN puid AS patient_uid, g.uid AS uid, g.gene AS gene, g.diplotype AS diplotype,
       g.phenotype AS phenotype, g.activity_score AS activity_score, g.source AS source,
       g.recorded_at AS recorded_at
ORDER BY patient_uid, gene
