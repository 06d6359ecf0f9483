// name: get_kb_interaction
// purpose: One drug-pair Interaction with its sources, per-source severities and object/precipitant.
// mode: read
// param uid: string - ddi:<object key>-<precipitant key>
// returns: uid: string, severity: string, severity_rank: int, sources: list<string>, source_severities: list<string>, object: string, precipitant: string, supported_by: list<map>
MATCH (i:Interaction {uid: $uid})-[:HAS_OBJECT]->(o:Drug)
MATCH (i)-[:HAS_PRECIPITANT]->(p:Drug)
MATCH (i)-[e:SUPPORTED_BY]->(s:Source)
RETURN i.uid AS uid, i.severity AS severity, i.severity_rank AS severity_rank, i.sources AS sources,
       i.source_severities AS source_severities, o.uid AS object, p.uid AS precipitant,
       collect({source: s.uid, severity: e.severity, source_severity: e.source_severity}) AS supported_by
