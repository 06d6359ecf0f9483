// name: list_twin_observations
// purpose: The time series of one LOINC code of a twin, oldest first, optionally within [since, until].
// mode: read
// param uid: string - "Patient/<fhir id>"
// param loinc: string - LOINC code
// param since: int - epoch seconds, or null for no lower bound
// param until: int - epoch seconds, or null for no upper bound
// returns: uid, value: float | null, value_text, unit, effective, effective_epoch
MATCH (:Patient {uid: $uid})-[:HAS_OBSERVATION]->(o:Observation)
WHERE o.loinc = $loinc
  AND ($since IS NULL OR o.effective_epoch >= $since)
  AND ($until IS NULL OR o.effective_epoch <= $until)
RETURN o.uid AS uid, o.value AS value, o.value_text AS value_text, o.unit AS unit,
       o.effective AS effective, o.effective_epoch AS effective_epoch
ORDER BY effective_epoch, uid
