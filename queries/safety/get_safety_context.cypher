// name: get_safety_context
// purpose: Everything a safety report reads from one twin, in one round trip: medications with their drugs, conditions, allergies, latest labs, genotypes.
// mode: read
// param patient_uid: string
// returns: uid: string, birth_date: string | null, sex: string | null, consent_genomic: bool | null, meds: list<map>, med_drugs: list<list<string>>, conditions: list<map>, condition_codes: list<list<string>>, allergies: list<map>, allergy_substances: list<list<string>>, labs: list<map>, genotypes: list<map>
// Each pattern comprehension uses its own variable names: FalkorDB 4.16 returns empty lists
// when two comprehensions of one RETURN reuse a name.
MATCH (p:Patient {uid: $patient_uid})
RETURN p.uid AS uid, p.birth_date AS birth_date, p.sex AS sex, p.consent_genomic AS consent_genomic,
       [(p)-[:HAS_MEDICATION]->(m:MedicationStatement) |
         {uid: m.uid, code: m.code, display: m.display, status: m.status, start: m.start,
          start_epoch: m.start_epoch, end: m.end, end_epoch: m.end_epoch, route: m.route,
          mapped: m.mapped}] AS meds,
       [(p)-[:HAS_MEDICATION]->(m2:MedicationStatement)-[:OF_DRUG]->(d2:Drug) | [m2.uid, d2.uid, d2.name]] AS med_drugs,
       [(p)-[:HAS_CONDITION]->(c:Condition) |
         {uid: c.uid, code: c.code, system: c.system, display: c.display,
          clinical_status: c.clinical_status, onset_epoch: c.onset_epoch,
          abatement_epoch: c.abatement_epoch}] AS conditions,
       [(p)-[:HAS_CONDITION]->(c2:Condition)-[:CODED_AS]->(k2:Code) | [c2.uid, k2.uid]] AS condition_codes,
       [(p)-[:HAS_ALLERGY]->(a:Allergy) |
         {uid: a.uid, code: a.code, display: a.display, criticality: a.criticality,
          category: a.category, clinical_status: a.clinical_status, mapped: a.mapped}] AS allergies,
       [(p)-[:HAS_ALLERGY]->(a2:Allergy)-[:TO_SUBSTANCE]->(s2) | [a2.uid, s2.uid, s2.name]] AS allergy_substances,
       [(p)-[:LATEST_OBSERVATION]->(o:Observation) |
         {loinc: o.loinc, value: o.value, unit: o.unit, effective: o.effective,
          effective_epoch: o.effective_epoch}] AS labs,
       [(p)-[:HAS_GENOTYPE]->(g:Genotype) |
         {uid: g.uid, gene: g.gene, diplotype: g.diplotype, phenotype: g.phenotype,
          activity_score: g.activity_score, lookup_key: g.lookup_key, source: g.source}] AS genotypes
