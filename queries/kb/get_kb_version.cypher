// name: get_kb_version
// purpose: The KnowledgeBase node: version of the last load, when, and which sources it holds.
// mode: read
// returns: version: string, loaded_at: string, sources: list<string>
MATCH (k:KnowledgeBase {uid: 'kb:default'})
RETURN k.version AS version, k.loaded_at AS loaded_at, k.sources AS sources
