// name: list_patient_observations
// purpose: One page of a twin's observations, newest first, optionally of one LOINC code and a time window.
// mode: read
// param uid: string
// param loinc: string - null for every code
// param since_epoch: int
// param until_epoch: int
// param skip: int
// param limit: int
// returns: uid: string, loinc: string, display: string, value: float, value_text: string, unit: string, effective: string, effective_epoch: int, category: string
MATCH (p:Patient {uid: $uid})-[:HAS_OBSERVATION]->(o:Observation)
WHERE ($loinc IS NULL OR o.loinc = $loinc)
  AND o.effective_epoch >= $since_epoch AND o.effective_epoch <= $until_epoch
RETURN o.uid AS uid, o.loinc AS loinc, o.display AS display, o.value AS value,
       o.value_text AS value_text, o.unit AS unit, o.effective AS effective,
       o.effective_epoch AS effective_epoch, o.category AS category
ORDER BY effective_epoch DESC, uid DESC
SKIP $skip LIMIT $limit
