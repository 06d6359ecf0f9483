// name: list_kb_diplotypes
// purpose: Diplotypes of some genes with their phenotype (cross-checks).
// mode: read
// param genes: list<string>
// returns: gene: string, name: string, phenotype: string, activity_score: string
MATCH (d:Diplotype)
WHERE d.gene IN $genes
RETURN d.gene AS gene, d.name AS name, d.phenotype AS phenotype, d.activity_score AS activity_score
