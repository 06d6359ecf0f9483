// name: seed_twin_test_knowledge
// purpose: Tests only: a minimal knowledge base (drugs, a value set, an allergen class, diplotypes, a lab) for twin tests.
// mode: write
// param drugs: list<map> - {uid, rxcui, name, synonyms}
// param concepts: list<map> - {uid, name, code_uid, code}
// param classes: list<map> - {uid, name, code_uid, code}: DrugClass with an ALLERGEN_CODE code
// param diplotypes: list<map> - {uid, gene, name, phenotype, activity_score, lookup_key, gene_uid}
// param labs: list<map> - {uid, loinc, name}
// returns: done: int
UNWIND $drugs AS d
MERGE (x:Drug {uid: d.uid})
SET x.rxcui = d.rxcui, x.name = d.name, x.synonyms = d.synonyms
WITH count(x) AS n
CALL {
  WITH n
  UNWIND $concepts AS c
  MERGE (cc:ClinicalConcept {uid: c.uid})
  SET cc.name = c.name, cc.snomed_codes = [c.code]
  MERGE (k:Code {uid: c.code_uid})
  SET k.system = 'SNOMED', k.code = c.code
  MERGE (k)-[:IN_VALUE_SET]->(cc)
  RETURN count(*) AS n_concepts
}
CALL {
  WITH n
  UNWIND $classes AS c
  MERGE (dc:DrugClass {uid: c.uid})
  SET dc.name = c.name
  MERGE (k:Code {uid: c.code_uid})
  SET k.system = 'SNOMED', k.code = c.code
  MERGE (k)-[:ALLERGEN_CODE]->(dc)
  RETURN count(*) AS n_classes
}
CALL {
  WITH n
  UNWIND $diplotypes AS d
  MERGE (g:Gene {uid: d.gene_uid})
  SET g.symbol = d.gene
  MERGE (dip:Diplotype {uid: d.uid})
  SET dip.gene = d.gene, dip.name = d.name, dip.phenotype = d.phenotype,
      dip.activity_score = d.activity_score, dip.lookup_key = d.lookup_key, dip.gene_key = d.uid
  MERGE (ph:Phenotype {uid: d.gene + ':' + d.phenotype})
  SET ph.gene = d.gene, ph.name = d.phenotype
  MERGE (dip)-[:HAS_PHENOTYPE]->(ph)
  MERGE (dip)-[:OF_GENE]->(g)
  RETURN count(*) AS n_diplotypes
}
CALL {
  WITH n
  UNWIND $labs AS l
  MERGE (t:LabTest {uid: l.uid})
  SET t.loinc = l.loinc, t.name = l.name
  RETURN count(*) AS n_labs
}
RETURN n + n_concepts + n_classes + n_diplotypes + n_labs AS done
