// name: merge_kb_interactions
// purpose: Upsert drug-pair Interactions of one source; recompute each pair's sources and highest severity.
// mode: write
// param rows: list<map> - {uid, object_uid, object_name, object_rxcui, precipitant_uid, precipitant_name, precipitant_rxcui, source_uid, props: {object_name, precipitant_name, mechanism, kb_version}, edge: {source_severity, severity, severity_rank, label, rule_id, source_version, citation}}
// returns: written: int
UNWIND $rows AS row
MERGE (o:Drug {uid: row.object_uid})
ON CREATE SET o.name = row.object_name, o.rxcui = row.object_rxcui, o.unresolved = row.object_rxcui IS NULL
MERGE (p:Drug {uid: row.precipitant_uid})
ON CREATE SET p.name = row.precipitant_name, p.rxcui = row.precipitant_rxcui, p.unresolved = row.precipitant_rxcui IS NULL
MERGE (i:Interaction {uid: row.uid})
SET i += row.props
MERGE (i)-[:HAS_OBJECT]->(o)
MERGE (i)-[:HAS_PRECIPITANT]->(p)
MERGE (s:Source {uid: row.source_uid})
MERGE (i)-[e:SUPPORTED_BY]->(s)
SET e += row.edge
WITH DISTINCT i
MATCH (i)-[e2:SUPPORTED_BY]->(s2:Source)
WITH i, e2, s2
ORDER BY s2.uid
WITH i, collect({source: s2.uid, licence: s2.licence, severity: e2.severity, rank: e2.severity_rank, source_severity: e2.source_severity, label: e2.label, version: e2.source_version, citation: e2.citation}) AS ss
WITH i, ss, reduce(b = null, x IN ss | CASE WHEN b IS NULL OR x.rank > b.rank THEN x ELSE b END) AS best
SET i.sources = [x IN ss | x.source],
    i.source_severities = [x IN ss | x.source_severity],
    i.source_labels = [x IN ss | coalesce(x.label, '')],
    i.severity = best.severity,
    i.severity_rank = best.rank,
    i.source = best.source,
    i.source_version = best.version,
    i.licence = best.licence,
    i.citation = best.citation
RETURN count(i) AS written
