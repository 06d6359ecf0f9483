// name: find_class_rules_for_drugs
// purpose: Class-level interaction rules that reach a precipitant drug and an object drug through their (asserted or inferred) class memberships.
// mode: read
// param precipitant: string
// param object: string
// returns: rule: string, precipitant_class: string, object_class: string, inferred: bool
MATCH (p:Drug {uid: $precipitant})-[mp:MEMBER_OF]->(pc:DrugClass)<-[:HAS_PRECIPITANT]-(r:InteractionRule)
MATCH (r)-[:HAS_OBJECT]->(oc:DrugClass)<-[mo:MEMBER_OF]-(o:Drug {uid: $object})
RETURN r.uid AS rule, pc.uid AS precipitant_class, oc.uid AS object_class,
       coalesce(mp.inferred, false) OR coalesce(mo.inferred, false) AS inferred
ORDER BY rule
