// name: count_patient_observations
// purpose: How many observations of a twin match a code and time window (a connection's totalCount).
// mode: read
// param uid: string
// param loinc: string - null for every code
// param since_epoch: int
// param until_epoch: int
// returns: total: int
MATCH (p:Patient {uid: $uid})-[:HAS_OBSERVATION]->(o:Observation)
WHERE ($loinc IS NULL OR o.loinc = $loinc)
  AND o.effective_epoch >= $since_epoch AND o.effective_epoch <= $until_epoch
RETURN count(o) AS total
