// name: list_latest_observations
// purpose: The latest observation per LOINC code of several twins at once (DataLoader batch), through the LATEST_OBSERVATION edges.
// mode: read
// param uids: list<string>
// returns: patient_uid: string, uid: string, loinc: string, display: string, value: float, value_text: string, unit: string, effective: string, effective_epoch: int, category: string
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:LATEST_OBSERVATION]->(o:Observation)
RETURN puid AS patient_uid, o.uid AS uid, o.loinc AS loinc, o.display AS display,
       o.value AS value, o.value_text AS value_text, o.unit AS unit, o.effective AS effective,
       o.effective_epoch AS effective_epoch, o.category AS category
ORDER BY patient_uid, loinc
