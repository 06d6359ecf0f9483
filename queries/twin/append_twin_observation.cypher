// name: append_twin_observation
// purpose: Append one observation to a twin and move its LATEST_OBSERVATION edge; cost independent of history length.
// mode: write
// param patient_uid: string - "Patient/<fhir id>"
// param uid: string - "Observation/<patient>/<loinc>/<epoch>"
// param loinc: string - LOINC code
// param epoch: int - effective time, epoch seconds
// param props: map - the Observation properties
// returns: uid: string, latest: bool
MATCH (pt:Patient {uid: $patient_uid})
OPTIONAL MATCH (lab:LabTest {uid: 'LOINC:' + $loinc})
OPTIONAL MATCH (pt)-[old:LATEST_OBSERVATION {loinc: $loinc}]->(prev:Observation)
MERGE (x:Observation {uid: $uid})
SET x += $props
MERGE (pt)-[:HAS_OBSERVATION]->(x)
FOREACH (_ IN CASE WHEN lab IS NULL THEN [] ELSE [1] END | MERGE (x)-[:OF_LAB]->(lab))
WITH pt, x, old, (prev IS NULL OR prev.effective_epoch <= $epoch) AS newer
FOREACH (_ IN CASE WHEN newer AND old IS NOT NULL THEN [1] ELSE [] END | DELETE old)
FOREACH (_ IN CASE WHEN newer THEN [1] ELSE [] END |
  MERGE (pt)-[:LATEST_OBSERVATION {loinc: $loinc}]->(x))
RETURN x.uid AS uid, newer AS latest
