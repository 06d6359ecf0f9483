// name: list_patient_medications
// purpose: Medications of several twins at once (DataLoader batch) with their resolved drugs: all, active now, or active at a time.
// mode: read
// param uids: list<string>
// param mode: string - all, active or as_of
// param at_epoch: int - the time for as_of
// returns: patient_uid: string, uid: string, code: string, display: string, status: string, start: string, end: string, dose_text: string, route: string, mapped: bool, drugs: list<map>
UNWIND $uids AS puid
MATCH (p:Patient {uid: puid})-[:HAS_MEDICATION]->(m:MedicationStatement)
WHERE $mode = 'all'
  OR ($mode = 'active' AND m.status = 'active' AND m.end_epoch IS NULL)
  OR ($mode = 'as_of' AND coalesce(m.start_epoch, 0) <= $at_epoch
      AND (m.end_epoch IS NULL OR m.end_epoch > $at_epoch))
OPTIONAL MATCH (m)-[:OF_DRUG]->(d:Drug)
WITH puid, m, collect({uid: d.uid, name: d.name, rxcui: d.rxcui}) AS drugs
RETURN puid AS patient_uid, m.uid AS uid, m.code AS code, m.display AS display,
       m.status AS status, m.start AS start, m.end AS end, m.dose_text AS dose_text,
       m.route AS route, coalesce(m.mapped, false) AS mapped,
       [x IN drugs WHERE x.uid IS NOT NULL] AS drugs
ORDER BY patient_uid, m.start_epoch, uid
