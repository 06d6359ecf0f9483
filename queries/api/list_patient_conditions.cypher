// name: list_patient_conditions
// purpose: Every condition of several twins at once (DataLoader batch); which are active is decided in Python (kg.types.condition_active).
// mode: read
// param uids: list<string>
// returns: patient_uid: string, uid: string, code: string, system: string, display: string, clinical_status: string, onset: string, onset_epoch: int, abatement: string, abatement_epoch: int, mapped: bool
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_CONDITION]->(c:Condition)
RETURN puid AS patient_uid, c.uid AS uid, c.code AS code, c.system AS system,
       c.display AS display, c.clinical_status AS clinical_status, c.onset AS onset,
       c.onset_epoch AS onset_epoch, c.abatement AS abatement,
       c.abatement_epoch AS abatement_epoch, coalesce(c.mapped, false) AS mapped
ORDER BY patient_uid, c.onset_epoch, uid
