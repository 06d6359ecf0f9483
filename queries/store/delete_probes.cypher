// name: delete_probes
// purpose: Remove every probe node and its links.
// mode: write
// returns: deleted: int
MATCH (n:Probe)
DETACH DELETE n
RETURN count(*) AS deleted
