// name: get_twin_latest_observation
// purpose: The latest Observation of one LOINC code of a twin (one edge hop: constant cost).
// mode: read
// param uid: string - "Patient/<fhir id>"
// param loinc: string - LOINC code, e.g. 33914-3
// returns: uid, value: float | null, value_text, unit, effective, effective_epoch
MATCH (:Patient {uid: $uid})-[:LATEST_OBSERVATION {loinc: $loinc}]->(o:Observation)
RETURN o.uid AS uid, o.value AS value, o.value_text AS value_text, o.unit AS unit,
       o.effective AS effective, o.effective_epoch AS effective_epoch
