// name: list_patient_medications
// purpose: Every medication of several twins at once (DataLoader batch) with its resolved drugs; which are active is decided in Python (kg.types.medication_active).
// mode: read
// param uids: list<string>
// returns: patient_uid: string, uid: string, code: string, display: string, status: string, start: string, start_epoch: int, end: string, end_epoch: int, dose_text: string, route: string, mapped: bool, drugs: list<map>
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_MEDICATION]->(m:MedicationStatement)
OPTIONAL MATCH (m)-[:OF_DRUG]->(d:Drug)
WITH puid, m, collect({uid: d.uid, name: d.name, rxcui: d.rxcui}) AS drugs
RETURN puid AS patient_uid, m.uid AS uid, m.code AS code, m.display AS display,
       m.status AS status, m.start AS start, m.start_epoch AS start_epoch, m.end AS end,
       m.end_epoch AS end_epoch, m.dose_text AS dose_text, m.route AS route,
       coalesce(m.mapped, false) AS mapped, [x IN drugs WHERE x.uid IS NOT NULL] AS drugs
ORDER BY patient_uid, m.start_epoch, uid
