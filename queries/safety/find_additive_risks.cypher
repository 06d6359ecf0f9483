// name: find_additive_risks
// purpose: Risk groups (QT, serotonergic, bleeding, hyperkalaemia, CNS depression, anticholinergic) holding two or more of the given drugs.
// mode: read
// param drug_uids: list<string>
// returns: group_uid: string, group_name: string, drugs: list<map>, total_weight: float
MATCH (d:Drug)-[m:MEMBER_OF]->(:DrugClass)-[:SUBCLASS_OF*0..3]->(g:DrugClass)
WHERE d.uid IN $drug_uids AND g.kind = 'risk_group'
WITH g, d, max(m.weight) AS weight, collect({citation: m.citation, source: m.source, source_version: m.source_version, licence: m.licence})[0] AS prov
WITH g, collect({uid: d.uid, name: d.name, weight: weight, prov: prov}) AS drugs
WHERE size(drugs) >= 2
RETURN g.uid AS group_uid, g.name AS group_name, drugs,
       reduce(t = 0.0, x IN drugs | t + coalesce(toFloat(x.weight), 0.0)) AS total_weight
