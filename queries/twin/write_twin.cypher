// name: write_twin
// purpose: Upsert a whole batch of twin resources (one FHIR bundle, or one API change) in ONE atomic statement.
// mode: write
// param patients: list<map> - {uid, props}; consent_genomic defaults to true on creation
// param conditions: list<map> - {uid, patient_uid, props, code_uid, code_props}
// param medications: list<map> - {uid, patient_uid, props, code_uid, code_props}
// param med_drugs: list<map> - {med_uid, drug_uid}: OF_DRUG edges (replace the medication's old ones)
// param allergies: list<map> - {uid, patient_uid, props, code_uid, code_props}
// param allergy_substances: list<map> - {allergy_uid, substance_uid}: TO_SUBSTANCE to a Drug or DrugClass
// param observations: list<map> - {uid, patient_uid, props, lab_uid}
// param latest: list<map> - {patient_uid, loinc, obs_uid, epoch}: one per patient and LOINC
// param genotypes: list<map> - {uid, patient_uid, props, diplotype_uid, phenotype_uid, gene_uid}
// param events: list<map> - {uid, patient_uid, props}; history is immutable: props are set on creation only
// returns: patients: int, conditions: int, medications: int, allergies: int, observations: int, genotypes: int, events: int
UNWIND $patients AS p
MERGE (pt:Patient {uid: p.uid})
ON CREATE SET pt.consent_genomic = true
SET pt += p.props
WITH count(pt) AS n_patients
CALL {
  WITH n_patients
  UNWIND $conditions AS c
  MATCH (pt:Patient {uid: c.patient_uid})
  MERGE (x:Condition {uid: c.uid})
  SET x += c.props
  MERGE (pt)-[:HAS_CONDITION]->(x)
  MERGE (k:Code {uid: c.code_uid})
  ON CREATE SET k += c.code_props
  MERGE (x)-[:CODED_AS]->(k)
  RETURN count(x) AS n_conditions
}
CALL {
  WITH n_patients
  UNWIND $medications AS m
  MATCH (:MedicationStatement {uid: m.uid})-[old:OF_DRUG]->(:Drug)
  DELETE old
  RETURN count(*) AS n_old_drugs
}
CALL {
  WITH n_patients
  UNWIND $medications AS m
  MATCH (pt:Patient {uid: m.patient_uid})
  MERGE (x:MedicationStatement {uid: m.uid})
  SET x += m.props
  MERGE (pt)-[:HAS_MEDICATION]->(x)
  MERGE (k:Code {uid: m.code_uid})
  ON CREATE SET k += m.code_props
  MERGE (x)-[:CODED_AS]->(k)
  RETURN count(x) AS n_medications
}
CALL {
  WITH n_patients
  UNWIND $med_drugs AS md
  MATCH (x:MedicationStatement {uid: md.med_uid})
  MATCH (d:Drug {uid: md.drug_uid})
  MERGE (x)-[:OF_DRUG]->(d)
  RETURN count(*) AS n_med_drugs
}
CALL {
  WITH n_patients
  UNWIND $allergies AS a
  MATCH (:Allergy {uid: a.uid})-[old:TO_SUBSTANCE]->()
  DELETE old
  RETURN count(*) AS n_old_substances
}
CALL {
  WITH n_patients
  UNWIND $allergies AS a
  MATCH (pt:Patient {uid: a.patient_uid})
  MERGE (x:Allergy {uid: a.uid})
  SET x += a.props
  MERGE (pt)-[:HAS_ALLERGY]->(x)
  MERGE (k:Code {uid: a.code_uid})
  ON CREATE SET k += a.code_props
  MERGE (x)-[:CODED_AS]->(k)
  RETURN count(x) AS n_allergies
}
CALL {
  WITH n_patients
  UNWIND $allergy_substances AS s
  MATCH (x:Allergy {uid: s.allergy_uid})
  OPTIONAL MATCH (d:Drug {uid: s.substance_uid})
  OPTIONAL MATCH (c:DrugClass {uid: s.substance_uid})
  FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (x)-[:TO_SUBSTANCE]->(d))
  FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (x)-[:TO_SUBSTANCE]->(c))
  RETURN count(*) AS n_substances
}
CALL {
  WITH n_patients
  UNWIND $observations AS o
  MATCH (pt:Patient {uid: o.patient_uid})
  OPTIONAL MATCH (lab:LabTest {uid: o.lab_uid})
  MERGE (x:Observation {uid: o.uid})
  SET x += o.props
  MERGE (pt)-[:HAS_OBSERVATION]->(x)
  FOREACH (_ IN CASE WHEN lab IS NULL THEN [] ELSE [1] END | MERGE (x)-[:OF_LAB]->(lab))
  RETURN count(x) AS n_observations
}
CALL {
  WITH n_patients
  UNWIND $latest AS l
  MATCH (pt:Patient {uid: l.patient_uid})
  MATCH (x:Observation {uid: l.obs_uid})
  OPTIONAL MATCH (pt)-[old:LATEST_OBSERVATION {loinc: l.loinc}]->(prev:Observation)
  WITH pt, x, l, old, (prev IS NULL OR prev.effective_epoch <= l.epoch) AS newer
  FOREACH (_ IN CASE WHEN newer AND old IS NOT NULL THEN [1] ELSE [] END | DELETE old)
  FOREACH (_ IN CASE WHEN newer THEN [1] ELSE [] END |
    MERGE (pt)-[:LATEST_OBSERVATION {loinc: l.loinc}]->(x))
  RETURN count(*) AS n_latest
}
CALL {
  WITH n_patients
  UNWIND $genotypes AS g
  MATCH (:Genotype {uid: g.uid})-[old:OF_DIPLOTYPE|HAS_PHENOTYPE]->()
  DELETE old
  RETURN count(*) AS n_old_calls
}
CALL {
  WITH n_patients
  UNWIND $genotypes AS g
  MATCH (pt:Patient {uid: g.patient_uid})
  MATCH (dip:Diplotype {uid: g.diplotype_uid})
  OPTIONAL MATCH (ph:Phenotype {uid: g.phenotype_uid})
  OPTIONAL MATCH (gene:Gene {uid: g.gene_uid})
  MERGE (x:Genotype {uid: g.uid})
  SET x += g.props
  MERGE (pt)-[:HAS_GENOTYPE]->(x)
  MERGE (x)-[:OF_DIPLOTYPE]->(dip)
  FOREACH (_ IN CASE WHEN ph IS NULL THEN [] ELSE [1] END | MERGE (x)-[:HAS_PHENOTYPE]->(ph))
  FOREACH (_ IN CASE WHEN gene IS NULL THEN [] ELSE [1] END | MERGE (x)-[:OF_GENE]->(gene))
  RETURN count(x) AS n_genotypes
}
CALL {
  WITH n_patients
  UNWIND $events AS e
  MATCH (pt:Patient {uid: e.patient_uid})
  MERGE (x:TwinEvent {uid: e.uid})
  ON CREATE SET x += e.props
  MERGE (pt)-[:HAS_EVENT]->(x)
  RETURN count(x) AS n_events
}
RETURN n_patients AS patients, n_conditions AS conditions, n_medications AS medications,
       n_allergies AS allergies, n_observations AS observations, n_genotypes AS genotypes,
       n_events AS events
