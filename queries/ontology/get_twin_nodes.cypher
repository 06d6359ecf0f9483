// name: get_twin_nodes
// purpose: A patient and every resource of its twin, with labels and all properties (RDF export).
// mode: read
// param uid: string - Patient uid
// returns: uid: string, labels: list<string>, props: map
MATCH (p:Patient {uid: $uid})
OPTIONAL MATCH (p)-[:HAS_CONDITION|HAS_MEDICATION|HAS_ALLERGY|HAS_OBSERVATION|HAS_GENOTYPE|HAS_EVENT]->(x)
WITH p, collect(x) AS xs
UNWIND [p] + xs AS n
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props
ORDER BY uid
