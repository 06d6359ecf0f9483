// name: find_listed_interactions
// purpose: Drug pairs named by an interaction list (ONC, NDF-RT...) among the given drugs, with each source.
// mode: read
// param drug_uids: list<string>
// returns: uid: string, object_uid: string, object_name: string, precipitant_uid: string, precipitant_name: string, severity: string, severity_rank: int, mechanism: string | null, sources: list<map>
MATCH (o:Drug)<-[:HAS_OBJECT]-(i:Interaction)-[:HAS_PRECIPITANT]->(p:Drug)
WHERE o.uid IN $drug_uids AND p.uid IN $drug_uids AND o.uid <> p.uid
RETURN i.uid AS uid, o.uid AS object_uid, o.name AS object_name,
       p.uid AS precipitant_uid, p.name AS precipitant_name,
       i.severity AS severity, i.severity_rank AS severity_rank, i.mechanism AS mechanism,
       [(i)-[s:SUPPORTED_BY]->(src:Source) | {source: src.uid, source_version: coalesce(s.source_version, src.version),
         citation: coalesce(s.citation, src.citation), rule_id: s.rule_id, label: s.label,
         source_severity: s.source_severity, licence: src.licence, citation_url: src.url}] AS sources
