// name: list_twin_latest_labs
// purpose: The latest Observation of each LOINC code of a twin, through the LATEST_OBSERVATION edges.
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, loinc, display, value: float | null, value_text, unit, effective, effective_epoch
MATCH (:Patient {uid: $uid})-[:LATEST_OBSERVATION]->(o:Observation)
RETURN o.uid AS uid, o.loinc AS loinc, o.display AS display, o.value AS value,
       o.value_text AS value_text, o.unit AS unit, o.effective AS effective,
       o.effective_epoch AS effective_epoch
ORDER BY loinc
