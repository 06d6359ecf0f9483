// name: find_duplicate_therapy
// purpose: Therapeutic classes that directly hold two or more of the given drugs (same class twice).
// mode: read
// param drug_uids: list<string>
// returns: class_uid: string, class_name: string, drugs: list<map>
MATCH (d:Drug)-[m:MEMBER_OF]->(g:DrugClass)
WHERE d.uid IN $drug_uids AND g.kind = 'therapeutic' AND NOT coalesce(m.inferred, false)
WITH g, d, collect({citation: m.citation, source: m.source, source_version: m.source_version, licence: m.licence})[0] AS prov
WITH g, collect({uid: d.uid, name: d.name, prov: prov}) AS drugs
WHERE size(drugs) >= 2
RETURN g.uid AS class_uid, g.name AS class_name, drugs
