// name: list_twin_medications
// purpose: Every MedicationStatement of a twin with its resolved ingredient Drugs (as-of filtering in Python).
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, resource_type, code, display, status, start, start_epoch, end, end_epoch, dose_text, route, mapped, drugs: list<{uid, name}>
MATCH (:Patient {uid: $uid})-[:HAS_MEDICATION]->(m:MedicationStatement)
OPTIONAL MATCH (m)-[:OF_DRUG]->(d:Drug)
WITH m, collect({uid: d.uid, name: d.name}) AS drugs
RETURN m.uid AS uid, m.resource_type AS resource_type, m.code AS code, m.display AS display,
       m.status AS status, m.start AS start, m.start_epoch AS start_epoch, m.end AS end,
       m.end_epoch AS end_epoch, m.dose_text AS dose_text, m.route AS route, m.mapped AS mapped,
       [x IN drugs WHERE x.uid IS NOT NULL] AS drugs
ORDER BY start_epoch, uid
