// name: list_diplotype_synonyms
// purpose: The other spellings of one gene's diplotypes (curated single-variant genes such as VKORC1: "G/A", "-1639G/A", "rs9923231 C/T").
// mode: read
// param gene: string - HGNC symbol, e.g. VKORC1
// returns: uid: string, synonyms: list<string>
MATCH (d:Diplotype)
WHERE d.gene = $gene AND d.synonyms IS NOT NULL
RETURN d.uid AS uid, d.synonyms AS synonyms
ORDER BY uid
