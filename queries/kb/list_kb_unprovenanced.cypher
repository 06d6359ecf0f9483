// name: list_kb_unprovenanced
// purpose: Knowledge-base nodes lacking source, licence, citation or kb_version (ontology-sync classes excepted).
// mode: read
// param labels: list<string> - the knowledge labels to check
// param limit: int
// returns: label: string, uid: string
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels)
  AND NOT (n.source IS NULL AND n.ontology_version IS NOT NULL)
  AND (n.source IS NULL OR n.licence IS NULL OR n.citation IS NULL OR n.kb_version IS NULL OR n.source_version IS NULL)
RETURN labels(n)[0] AS label, n.uid AS uid
LIMIT $limit
