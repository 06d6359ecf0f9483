// name: count_twin_graph
// purpose: Node and relationship totals of the whole graph (idempotence and all-or-nothing checks).
// mode: read
// returns: nodes: int, relationships: int
OPTIONAL MATCH (n)
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN nodes, count(r) AS relationships
