// name: find_drug_groups
// purpose: Every class each given drug belongs to (direct or inferred MEMBER_OF, plus SUBCLASS_OF ancestors), for additive risks, duplicates and rule context.
// mode: read
// param drug_uids: list<string>
// returns: drug_uid: string, drug_name: string, class_uid: string, class_name: string, kind: string, direct: bool, weight: float | null
MATCH (d:Drug)-[m:MEMBER_OF]->(c:DrugClass)
WHERE d.uid IN $drug_uids
OPTIONAL MATCH (c)-[:SUBCLASS_OF*1..4]->(a:DrugClass)
WITH d, m, c, collect(a) AS ancestors
UNWIND [c] + ancestors AS g
RETURN d.uid AS drug_uid, d.name AS drug_name, g.uid AS class_uid, g.name AS class_name, g.kind AS kind,
       (g.uid = c.uid AND NOT coalesce(m.inferred, false)) AS direct, m.weight AS weight
