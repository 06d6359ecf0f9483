// name: merge_kb_version
// purpose: Record the version of the knowledge base load and the sources it holds.
// mode: write
// param version: string
// param loaded_at: string
// param loaded_at_epoch: int
// param sources: list<string>
// returns: version: string, sources: list<string>
MERGE (k:KnowledgeBase {uid: 'kb:default'})
SET k.version = $version,
    k.loaded_at = $loaded_at,
    k.loaded_at_epoch = $loaded_at_epoch,
    k.sources = coalesce(k.sources, []) + [s IN $sources WHERE NOT s IN coalesce(k.sources, [])]
RETURN k.version AS version, k.sources AS sources
