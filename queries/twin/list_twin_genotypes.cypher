// name: list_twin_genotypes
// purpose: A twin's genotype calls with phenotype, activity score, lookup key and source.
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, gene, diplotype, phenotype, activity_score, lookup_key, source, recorded_at
MATCH (:Patient {uid: $uid})-[:HAS_GENOTYPE]->(g:Genotype)
RETURN g.uid AS uid, g.gene AS gene, g.diplotype AS diplotype, g.phenotype AS phenotype,
       g.activity_score AS activity_score, g.lookup_key AS lookup_key, g.source AS source,
       g.recorded_at AS recorded_at
ORDER BY gene
