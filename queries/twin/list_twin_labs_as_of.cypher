// name: list_twin_labs_as_of
// purpose: The latest Observation of each LOINC code of a twin at or before a time (as-of twin).
// mode: read
// param uid: string - "Patient/<fhir id>"
// param until: int - epoch seconds
// returns: uid, loinc, display, value: float | null, value_text, unit, effective, effective_epoch
MATCH (:Patient {uid: $uid})-[:HAS_OBSERVATION]->(o:Observation)
WHERE o.loinc IS NOT NULL AND o.effective_epoch <= $until
WITH o
ORDER BY o.effective_epoch DESC, o.uid DESC
WITH o.loinc AS loinc, collect(o)[0] AS o
RETURN o.uid AS uid, loinc, o.display AS display, o.value AS value,
       o.value_text AS value_text, o.unit AS unit, o.effective AS effective,
       o.effective_epoch AS effective_epoch
ORDER BY loinc
