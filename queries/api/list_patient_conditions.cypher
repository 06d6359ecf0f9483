// name: list_patient_conditions
// purpose: Conditions of several twins at once (DataLoader batch), optionally active only.
// mode: read
// param uids: list<string>
// param active_only: bool
// returns: patient_uid: string, uid: string, code: string, system: string, display: string, clinical_status: string, onset: string, abatement: string, mapped: bool
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_CONDITION]->(c:Condition)
WHERE NOT $active_only OR (c.abatement_epoch IS NULL
  AND coalesce(c.clinical_status, 'active') IN ['active', 'recurrence', 'relapse'])
RETURN puid AS patient_uid, c.uid AS uid, c.code AS code, c.system AS system,
       c.display AS display, c.clinical_status AS clinical_status, c.onset AS onset,
       c.abatement AS abatement, coalesce(c.mapped, false) AS mapped
ORDER BY patient_uid, c.onset_epoch, uid
