// name: get_coding_state
// purpose: The knowledge-base version and Drug count, to know when cached code lookups are stale.
// mode: read
// returns: version: string | null, drugs: int
OPTIONAL MATCH (k:KnowledgeBase)
WITH collect(k.version)[0] AS version
OPTIONAL MATCH (d:Drug)
RETURN version, count(d) AS drugs
