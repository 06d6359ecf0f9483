// name: list_twin_conditions
// purpose: Every Condition of a twin with the ClinicalConcepts its code belongs to (as-of filtering in Python).
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, code, system, display, clinical_status, onset, onset_epoch, abatement, abatement_epoch, mapped, concepts: list<string>
MATCH (:Patient {uid: $uid})-[:HAS_CONDITION]->(c:Condition)
OPTIONAL MATCH (c)-[:CODED_AS]->(:Code)-[:IN_VALUE_SET]->(cc:ClinicalConcept)
RETURN c.uid AS uid, c.code AS code, c.system AS system, c.display AS display,
       c.clinical_status AS clinical_status, c.onset AS onset, c.onset_epoch AS onset_epoch,
       c.abatement AS abatement, c.abatement_epoch AS abatement_epoch, c.mapped AS mapped,
       collect(cc.uid) AS concepts
ORDER BY onset_epoch, uid
