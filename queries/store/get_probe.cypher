// name: get_probe
// purpose: One probe node by uid.
// mode: read
// param uid: string
// returns: uid: string, value: any
MATCH (n:Probe {uid: $uid})
RETURN n.uid AS uid, n.value AS value
