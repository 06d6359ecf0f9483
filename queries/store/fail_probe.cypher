// name: fail_probe
// purpose: Write probes then fail at run time on a marker row (proves a statement is atomic).
// mode: write
// param rows: list<map> - {uid: string, divisor: int}
// returns: uid: string, ratio: int
UNWIND $rows AS row
MERGE (n:Probe {uid: row.uid})
SET n.value = 100 / row.divisor
RETURN n.uid AS uid, 100 / row.divisor AS ratio
