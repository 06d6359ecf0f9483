// name: list_kb_source_counts
// purpose: Knowledge nodes per Source and label, with the Source's version and licence (kb stats).
// mode: read
// returns: source: string, name: string, version: string, licence: string, label: string, count: int
MATCH (s:Source)
OPTIONAL MATCH (n)
WHERE n.source = s.uid
WITH s, n
UNWIND CASE WHEN n IS NULL THEN [null] ELSE labels(n) END AS label
RETURN s.uid AS source, s.name AS name, s.version AS version, s.licence AS licence, label, count(n) AS count
ORDER BY source, label
