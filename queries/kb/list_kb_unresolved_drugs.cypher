// name: list_kb_unresolved_drugs
// purpose: Drugs with no RxNorm code (uid kgtwin:drug/<slug>), with the source that named them.
// mode: read
// returns: uid: string, name: string, source: string
MATCH (d:Drug)
WHERE d.unresolved = true
RETURN d.uid AS uid, d.name AS name, d.source AS source
ORDER BY name
