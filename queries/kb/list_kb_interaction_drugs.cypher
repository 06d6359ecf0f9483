// name: list_kb_interaction_drugs
// purpose: Distinct drugs named by Interactions or InteractionRules, with whether they resolved to RxNorm.
// mode: read
// returns: uid: string, name: string, rxcui: string, unresolved: bool
MATCH (i)-[:HAS_OBJECT|HAS_PRECIPITANT]->(d:Drug)
WITH collect(DISTINCT d) AS drugs
UNWIND drugs AS d
RETURN d.uid AS uid, d.name AS name, d.rxcui AS rxcui, coalesce(d.unresolved, false) AS unresolved
