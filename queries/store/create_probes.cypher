// name: create_probes
// purpose: Batched upsert of probe nodes, each linked to the previous one (contract and bench).
// mode: write
// param rows: list<map> - {uid: string, value: any, next: string | null}
// returns: written: int
UNWIND $rows AS row
MERGE (n:Probe {uid: row.uid})
SET n.value = row.value
WITH n, row
OPTIONAL MATCH (m:Probe {uid: row.next})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | MERGE (n)-[:PROBE_LINK]->(m))
RETURN count(n) AS written
