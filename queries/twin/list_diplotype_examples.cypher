// name: list_diplotype_examples
// purpose: Some diplotype names of one gene (examples of valid choices in an error message).
// mode: read
// param gene: string - HGNC symbol, e.g. CYP2C19
// param limit: int - how many names at most
// returns: name: string
MATCH (d:Diplotype)
WHERE d.gene = $gene
RETURN d.name AS name
ORDER BY name
LIMIT $limit
