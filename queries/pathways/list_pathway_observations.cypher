// name: list_pathway_observations
// purpose: A twin's numeric results for some LOINC codes up to a time, oldest first (pathway lab criteria and trend forecasts).
// mode: read
// param patient_uid: string
// param loincs: list<string>
// param until_epoch: int
// returns: loinc: string, value: float, unit: string | null, effective: string, effective_epoch: int
// note: the observation is reached from the patient without its label, so the planner cannot
// start from the Observation(loinc) index and scan every twin's results (cost grew with the
// population: 67 ms per call at 3,000 twins)
MATCH (p:Patient {uid: $patient_uid})
WITH p
MATCH (p)-[:HAS_OBSERVATION]->(o)
WHERE o.loinc IN $loincs AND o.effective_epoch <= $until_epoch AND o.value IS NOT NULL
RETURN o.loinc AS loinc, o.value AS value, o.unit AS unit, o.effective AS effective,
       o.effective_epoch AS effective_epoch
ORDER BY effective_epoch, loinc
