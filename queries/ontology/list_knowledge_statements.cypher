// name: list_knowledge_statements
// purpose: Interactions and rules with their properties and their object, precipitant, drug, class and source edges (RDF export for SHACL validation of the knowledge).
// mode: read
// param limit: int
// returns: uid: string, labels: list<string>, props: map, edges: list<map> {type, to, to_labels}
MATCH (n)
WHERE n:Interaction OR n:Rule
WITH n
ORDER BY n.uid
LIMIT $limit
OPTIONAL MATCH (n)-[r:HAS_OBJECT|HAS_PRECIPITANT|SUPPORTED_BY|FOR_DRUG|FOR_CLASS]->(m)
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props,
       collect({type: type(r), to: m.uid, to_labels: labels(m)}) AS edges
