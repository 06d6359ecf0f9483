// name: merge_probe
// purpose: Upsert one probe node by uid (store contract and health tests).
// mode: write
// param uid: string
// param value: any
// returns: uid: string, value: any
MERGE (n:Probe {uid: $uid})
SET n.value = $value
RETURN n.uid AS uid, n.value AS value
