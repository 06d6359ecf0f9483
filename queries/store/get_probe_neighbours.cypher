// name: get_probe_neighbours
// purpose: One-hop read: the probes a probe links to (benchmark of a one-hop traversal).
// mode: read
// param uid: string
// returns: uid: string, value: any
MATCH (:Probe {uid: $uid})-[:PROBE_LINK]->(m:Probe)
RETURN m.uid AS uid, m.value AS value
