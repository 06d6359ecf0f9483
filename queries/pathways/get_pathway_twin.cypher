// name: get_pathway_twin
// purpose: The facts of one twin that pathway criteria test: demographics (with self-identified race), conditions with their concepts, medications with their drugs and drug classes (with ancestors), genotypes.
// mode: read
// param patient_uid: string
// returns: uid: string, birth_date: string | null, sex: string | null, race_codes: list<string> | null, race_text: string | null, conditions: list<map>, condition_concepts: list<list<string>>, meds: list<map>, med_drugs: list<list<string>>, drug_classes: list<list<string>>, genotypes: list<map>
// note: every pattern comprehension binds its own variable names: with names reused across
// comprehensions (here k for ClinicalConcept and DrugClass) FalkorDB 4.16 returned empty lists
MATCH (p:Patient {uid: $patient_uid})
RETURN p.uid AS uid, p.birth_date AS birth_date, p.sex AS sex, p.race_codes AS race_codes,
       p.race_text AS race_text,
       [(p)-[:HAS_CONDITION]->(c1:Condition) |
         {uid: c1.uid, code: c1.code, system: c1.system, display: c1.display,
          clinical_status: c1.clinical_status, onset: c1.onset, onset_epoch: c1.onset_epoch,
          abatement_epoch: c1.abatement_epoch}] AS conditions,
       [(p)-[:HAS_CONDITION]->(c2:Condition)-[:CODED_AS]->(:Code)-[:IN_VALUE_SET]->(k1:ClinicalConcept) |
         [c2.uid, k1.uid]] AS condition_concepts,
       [(p)-[:HAS_MEDICATION]->(m1:MedicationStatement) |
         {uid: m1.uid, status: m1.status, start: m1.start, start_epoch: m1.start_epoch,
          end_epoch: m1.end_epoch, display: m1.display}] AS meds,
       [(p)-[:HAS_MEDICATION]->(m2:MedicationStatement)-[:OF_DRUG]->(d1:Drug) |
         [m2.uid, d1.uid, d1.name]] AS med_drugs,
       [(p)-[:HAS_MEDICATION]->(:MedicationStatement)-[:OF_DRUG]->(d2:Drug)-[:MEMBER_OF]->(:DrugClass)-[:SUBCLASS_OF*0..4]->(k2:DrugClass) |
         [d2.uid, k2.uid]] AS drug_classes,
       [(p)-[:HAS_GENOTYPE]->(g:Genotype) |
         {gene: g.gene, diplotype: g.diplotype, phenotype: g.phenotype,
          activity_score: g.activity_score, source: g.source}] AS genotypes
