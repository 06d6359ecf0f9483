// name: import_twin
// purpose: Write one twin read from RDF (kgtwin import) in ONE atomic statement: referenced knowledge nodes if missing, then the patient, its resources and their edges.
// mode: write
// param refs: list<map> - {label, uid, props}: Drug, DrugClass, Code, LabTest, Diplotype, Phenotype, Gene (created only if missing)
// param patient: map - {uid, props}
// param resources: list<map> - {label, uid, props, coded_as, of_drug, to_drug, to_class, of_lab, latest, of_diplotype, has_phenotype, of_gene}
// returns: patient: string, resources: int
MERGE (pt:Patient {uid: $patient.uid})
SET pt += $patient.props
WITH pt
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'Drug'] AS ref
  MERGE (n:Drug {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_0
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'DrugClass'] AS ref
  MERGE (n:DrugClass {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_1
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'Code'] AS ref
  MERGE (n:Code {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_2
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'LabTest'] AS ref
  MERGE (n:LabTest {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_3
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'Diplotype'] AS ref
  MERGE (n:Diplotype {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_4
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'Phenotype'] AS ref
  MERGE (n:Phenotype {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_5
}
CALL {
  WITH pt
  UNWIND [x IN $refs WHERE x.label = 'Gene'] AS ref
  MERGE (n:Gene {uid: ref.uid}) ON CREATE SET n += ref.props
  RETURN count(n) AS n_ref_6
}
WITH pt
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'Condition'] AS r
  MERGE (x:Condition {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_CONDITION]->(x)
  FOREACH (k IN r.coded_as | MERGE (c:Code {uid: k}) MERGE (x)-[:CODED_AS]->(c))
  RETURN count(x) AS n_conditions
}
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'MedicationStatement'] AS r
  MERGE (x:MedicationStatement {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_MEDICATION]->(x)
  FOREACH (k IN r.coded_as | MERGE (c:Code {uid: k}) MERGE (x)-[:CODED_AS]->(c))
  FOREACH (k IN r.of_drug | MERGE (d:Drug {uid: k}) MERGE (x)-[:OF_DRUG]->(d))
  RETURN count(x) AS n_medications
}
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'Allergy'] AS r
  MERGE (x:Allergy {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_ALLERGY]->(x)
  FOREACH (k IN r.coded_as | MERGE (c:Code {uid: k}) MERGE (x)-[:CODED_AS]->(c))
  FOREACH (k IN r.to_drug | MERGE (d:Drug {uid: k}) MERGE (x)-[:TO_SUBSTANCE]->(d))
  FOREACH (k IN r.to_class | MERGE (d:DrugClass {uid: k}) MERGE (x)-[:TO_SUBSTANCE]->(d))
  RETURN count(x) AS n_allergies
}
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'Observation'] AS r
  MERGE (x:Observation {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_OBSERVATION]->(x)
  FOREACH (k IN r.of_lab | MERGE (l:LabTest {uid: k}) MERGE (x)-[:OF_LAB]->(l))
  FOREACH (_ IN CASE WHEN r.latest THEN [1] ELSE [] END |
    MERGE (pt)-[:LATEST_OBSERVATION {loinc: x.loinc}]->(x))
  RETURN count(x) AS n_observations
}
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'Genotype'] AS r
  MERGE (x:Genotype {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_GENOTYPE]->(x)
  FOREACH (k IN r.of_diplotype | MERGE (d:Diplotype {uid: k}) MERGE (x)-[:OF_DIPLOTYPE]->(d))
  FOREACH (k IN r.has_phenotype | MERGE (f:Phenotype {uid: k}) MERGE (x)-[:HAS_PHENOTYPE]->(f))
  FOREACH (k IN r.of_gene | MERGE (g:Gene {uid: k}) MERGE (x)-[:OF_GENE]->(g))
  RETURN count(x) AS n_genotypes
}
CALL {
  WITH pt
  UNWIND [r IN $resources WHERE r.label = 'TwinEvent'] AS r
  MERGE (x:TwinEvent {uid: r.uid}) SET x += r.props
  MERGE (pt)-[:HAS_EVENT]->(x)
  RETURN count(x) AS n_events
}
RETURN pt.uid AS patient,
       n_conditions + n_medications + n_allergies + n_observations + n_genotypes + n_events AS resources
