// name: get_labs_as_of
// purpose: The latest value of each lab of one twin measured at or before a time (the as-of view; scans that twin's observations).
// mode: read
// param patient_uid: string
// param as_of_epoch: int
// returns: loinc: string, value: float, unit: string | null, effective: string, effective_epoch: int
MATCH (:Patient {uid: $patient_uid})-[:HAS_OBSERVATION]->(o:Observation)
WHERE o.effective_epoch <= $as_of_epoch AND o.value IS NOT NULL AND o.loinc IS NOT NULL
WITH o ORDER BY o.effective_epoch DESC
WITH o.loinc AS loinc, collect(o)[0] AS latest
RETURN loinc, latest.value AS value, latest.unit AS unit, latest.effective AS effective,
       latest.effective_epoch AS effective_epoch
