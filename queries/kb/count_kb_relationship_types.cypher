// name: count_kb_relationship_types
// purpose: Number of relationships per type.
// mode: read
// returns: type: string, count: int
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS count
ORDER BY type
