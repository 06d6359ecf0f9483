// name: list_allergen_codes_for_coding
// purpose: Allergen codes the knowledge base places in a DrugClass (Code -ALLERGEN_CODE-> DrugClass).
// mode: read
// returns: code_uid: string, class_uid: string
MATCH (k:Code)-[:ALLERGEN_CODE]->(c:DrugClass)
RETURN k.uid AS code_uid, c.uid AS class_uid
