// name: find_rule_interactions
// purpose: Class-level or context-aware interaction rules reaching two of the given drugs (directly, through MEMBER_OF, inferred or not, and SUBCLASS_OF).
// mode: read
// param drug_uids: list<string>
// returns: rule_uid: string, rule_id: string, severity: string, severity_rank: int, message: string, management: string, context_json: string | null, object_uid: string, object_name: string, object_via: string, precipitant_uid: string, precipitant_name: string, precipitant_via: string, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (o:Drug)-[:MEMBER_OF|SUBCLASS_OF*0..4]->(ot)<-[:HAS_OBJECT]-(r:InteractionRule)
WHERE o.uid IN $drug_uids
MATCH (r)-[:HAS_PRECIPITANT]->(pt)<-[:MEMBER_OF|SUBCLASS_OF*0..4]-(p:Drug)
WHERE p.uid IN $drug_uids AND p.uid <> o.uid
RETURN r.uid AS rule_uid, r.rule_id AS rule_id, r.severity AS severity, r.severity_rank AS severity_rank,
       r.message AS message, r.management AS management, r.context_json AS context_json,
       o.uid AS object_uid, o.name AS object_name, ot.uid AS object_via,
       p.uid AS precipitant_uid, p.name AS precipitant_name, pt.uid AS precipitant_via,
       r.source AS source, r.source_version AS source_version, r.citation AS citation,
       r.citation_url AS citation_url, r.licence AS licence
