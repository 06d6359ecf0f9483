// name: get_medication_states
// purpose: Stored status, dose and end of MedicationStatements by uid (history events on change).
// mode: read
// param uids: list<string> - MedicationStatement uids
// returns: uid: string, status: string | null, dose_text: string | null, end: string | null
UNWIND $uids AS u
MATCH (m:MedicationStatement {uid: u})
RETURN m.uid AS uid, m.status AS status, m.dose_text AS dose_text, m.end AS end
