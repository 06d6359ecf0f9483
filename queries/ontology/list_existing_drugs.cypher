// name: list_existing_drugs
// purpose: Which of the given drug uids have a Drug node (ontology-declared drugs may be absent from the graph).
// mode: read
// param uids: list<string>
// returns: uid: string
UNWIND $uids AS uid
MATCH (d:Drug {uid: uid})
RETURN d.uid AS uid
