// name: list_patient_allergies
// purpose: Allergies of several twins at once (DataLoader batch) with their resolved substances.
// mode: read
// param uids: list<string>
// returns: patient_uid: string, uid: string, code: string, system: string, display: string, criticality: string, category: string, clinical_status: string, mapped: bool, substances: list<string>
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_ALLERGY]->(a:Allergy)
OPTIONAL MATCH (a)-[:TO_SUBSTANCE]->(s)
WITH puid, a, collect(s.uid) AS substances
RETURN puid AS patient_uid, a.uid AS uid, a.code AS code, a.system AS system,
       a.display AS display, a.criticality AS criticality, a.category AS category,
       a.clinical_status AS clinical_status, coalesce(a.mapped, false) AS mapped, substances
ORDER BY patient_uid, uid
