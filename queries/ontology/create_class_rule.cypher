// name: create_class_rule
// purpose: Create a class-level InteractionRule (precipitant class, object class), e.g. strong CYP3A4 inhibitor + sensitive CYP3A4 substrate.
// mode: write
// param uid: string
// param precipitant_class: string
// param object_class: string
// param severity: string
// returns: uid: string
MERGE (p:DrugClass {uid: $precipitant_class})
MERGE (o:DrugClass {uid: $object_class})
MERGE (r:Rule:InteractionRule {uid: $uid})
SET r.severity = $severity
MERGE (r)-[:HAS_PRECIPITANT]->(p)
MERGE (r)-[:HAS_OBJECT]->(o)
RETURN r.uid AS uid
