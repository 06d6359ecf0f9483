// name: list_kb_rule_citations
// purpose: Every Rule with its kind labels, severity and citation (integrity checks).
// mode: read
// returns: uid: string, labels: list<string>, severity: string, severity_rank: int, citation: string
MATCH (r:Rule)
RETURN r.uid AS uid, labels(r) AS labels, r.severity AS severity, r.severity_rank AS severity_rank, r.citation AS citation
