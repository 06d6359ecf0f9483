// name: list_drug_classes_for_coding
// purpose: Every DrugClass uid and name (allergen names such as "penicillin" resolve to classes).
// mode: read
// returns: uid: string, name: string | null
MATCH (c:DrugClass)
RETURN c.uid AS uid, c.name AS name
