// name: get_diplotypes_for_calls
// purpose: Knowledge-base Diplotype nodes by uid, with their phenotype and gene (genotype calls).
// mode: read
// param uids: list<string> - Diplotype uids such as "CYP2C19:*1/*2"
// returns: uid: string, gene: string, name: string, phenotype: string | null, activity_score: string | null, lookup_key: string | null, phenotype_uid: string | null, gene_uid: string | null
UNWIND $uids AS u
MATCH (d:Diplotype {uid: u})
OPTIONAL MATCH (d)-[:HAS_PHENOTYPE]->(ph:Phenotype)
OPTIONAL MATCH (d)-[:OF_GENE]->(g:Gene)
RETURN d.uid AS uid, d.gene AS gene, d.name AS name, d.phenotype AS phenotype,
       d.activity_score AS activity_score, d.lookup_key AS lookup_key,
       ph.uid AS phenotype_uid, g.uid AS gene_uid
