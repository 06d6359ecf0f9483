// name: count_probes
// purpose: How many probe nodes and probe links exist.
// mode: read
// returns: nodes: int, links: int
MATCH (n:Probe)
OPTIONAL MATCH (n)-[r:PROBE_LINK]->()
RETURN count(DISTINCT n) AS nodes, count(r) AS links
