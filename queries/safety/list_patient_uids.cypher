// name: list_patient_uids
// purpose: Every twin's uid (benchmarks sample patients from it).
// mode: read
// returns: uid: string
MATCH (p:Patient)
RETURN p.uid AS uid
