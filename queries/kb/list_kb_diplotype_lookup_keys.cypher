// name: list_kb_diplotype_lookup_keys
// purpose: Distinct (gene, lookup key) pairs of the diplotype table (integrity checks).
// mode: read
// returns: gene: string, lookup_key: string
MATCH (d:Diplotype)
RETURN DISTINCT d.gene AS gene, d.lookup_key AS lookup_key
