// name: list_known_patients
// purpose: Which of the given Patient uids are already on the graph.
// mode: read
// param uids: list<string> - Patient uids "Patient/<fhir id>"
// returns: uid: string
UNWIND $uids AS u
MATCH (p:Patient {uid: u})
RETURN p.uid AS uid
