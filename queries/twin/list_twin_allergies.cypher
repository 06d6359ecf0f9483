// name: list_twin_allergies
// purpose: Every Allergy of a twin with the Drugs and DrugClasses it resolved to.
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, code, system, display, criticality, category, clinical_status, mapped, substances: list<{uid, name, kind}>
MATCH (:Patient {uid: $uid})-[:HAS_ALLERGY]->(a:Allergy)
OPTIONAL MATCH (a)-[:TO_SUBSTANCE]->(s)
WITH a, collect({uid: s.uid, name: s.name, kind: labels(s)[0]}) AS substances
RETURN a.uid AS uid, a.code AS code, a.system AS system, a.display AS display,
       a.criticality AS criticality, a.category AS category,
       a.clinical_status AS clinical_status, a.mapped AS mapped,
       [x IN substances WHERE x.uid IS NOT NULL] AS substances
ORDER BY uid
