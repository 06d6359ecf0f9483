// name: apply_ontology_sync
// purpose: Write ontology classes and add/remove inferred MEMBER_OF, IN_CLASS and SUBCLASS_OF edges in ONE atomic statement.
// mode: write
// param version: string - the ontology version written on classes and inferred edges
// param drug_classes: list<map> - {uid, iri, label, kind}: DrugClass nodes for drug classes
// param patient_classes: list<map> - {uid, iri, label}: OntologyClass nodes for patient classes
// param add_members: list<map> - {from, to}: Drug -> DrugClass
// param remove_members: list<map> - {from, to}
// param add_in_class: list<map> - {from, to}: Patient -> OntologyClass
// param remove_in_class: list<map> - {from, to}
// param add_subclasses: list<map> - {from, to}: DrugClass -> DrugClass or OntologyClass -> OntologyClass
// param remove_subclasses: list<map> - {from, to}
// returns: classes: int, added: int, removed: int
UNWIND $drug_classes AS row
MERGE (c:DrugClass {uid: row.uid})
ON CREATE SET c.name = row.label, c.kind = row.kind
SET c.iri = row.iri, c.ontology_version = $version
WITH count(c) AS n_drug_classes
CALL {
  WITH n_drug_classes
  UNWIND $patient_classes AS row
  MERGE (c:OntologyClass {uid: row.uid})
  SET c.iri = row.iri, c.label = row.label, c.ontology_version = $version
  RETURN count(c) AS n_patient_classes
}
CALL {
  WITH n_drug_classes
  UNWIND $remove_members AS row
  MATCH (:Drug {uid: row.from})-[r:MEMBER_OF]->(:DrugClass {uid: row.to})
  WHERE r.inferred = true
  DELETE r
  RETURN count(*) AS n_removed_members
}
CALL {
  WITH n_drug_classes
  UNWIND $remove_in_class AS row
  MATCH (:Patient {uid: row.from})-[r:IN_CLASS]->(:OntologyClass {uid: row.to})
  WHERE r.inferred = true
  DELETE r
  RETURN count(*) AS n_removed_in_class
}
CALL {
  WITH n_drug_classes
  UNWIND $remove_subclasses AS row
  MATCH (a {uid: row.from})-[r:SUBCLASS_OF]->(b {uid: row.to})
  WHERE r.inferred = true AND (a:DrugClass OR a:OntologyClass) AND (b:DrugClass OR b:OntologyClass)
  DELETE r
  RETURN count(*) AS n_removed_subclasses
}
CALL {
  WITH n_drug_classes
  UNWIND $add_members AS row
  MATCH (d:Drug {uid: row.from})
  MATCH (c:DrugClass {uid: row.to})
  OPTIONAL MATCH (d)-[old:MEMBER_OF]->(c)
  WITH d, c, collect(old) AS olds
  FOREACH (_ IN CASE WHEN size(olds) = 0 THEN [1] ELSE [] END |
    CREATE (d)-[:MEMBER_OF {inferred: true, ontology_version: $version}]->(c))
  FOREACH (r IN [o IN olds WHERE o.inferred = true] | SET r.ontology_version = $version)
  RETURN count(*) AS n_added_members
}
CALL {
  WITH n_drug_classes
  UNWIND $add_in_class AS row
  MATCH (p:Patient {uid: row.from})
  MATCH (c:OntologyClass {uid: row.to})
  MERGE (p)-[r:IN_CLASS]->(c)
  SET r.inferred = true, r.ontology_version = $version
  RETURN count(*) AS n_added_in_class
}
CALL {
  WITH n_drug_classes
  UNWIND $add_subclasses AS row
  OPTIONAL MATCH (da:DrugClass {uid: row.from})
  OPTIONAL MATCH (db:DrugClass {uid: row.to})
  OPTIONAL MATCH (oa:OntologyClass {uid: row.from})
  OPTIONAL MATCH (ob:OntologyClass {uid: row.to})
  WITH coalesce(da, oa) AS a, coalesce(db, ob) AS b
  WHERE a IS NOT NULL AND b IS NOT NULL
  OPTIONAL MATCH (a)-[old:SUBCLASS_OF]->(b)
  WITH a, b, collect(old) AS olds
  FOREACH (_ IN CASE WHEN size(olds) = 0 THEN [1] ELSE [] END |
    CREATE (a)-[:SUBCLASS_OF {inferred: true, ontology_version: $version}]->(b))
  FOREACH (r IN [o IN olds WHERE o.inferred = true] | SET r.ontology_version = $version)
  RETURN count(*) AS n_added_subclasses
}
RETURN n_drug_classes + n_patient_classes AS classes,
       n_added_members + n_added_in_class + n_added_subclasses AS added,
       n_removed_members + n_removed_in_class + n_removed_subclasses AS removed
