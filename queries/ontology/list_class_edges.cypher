// name: list_class_edges
// purpose: Every MEMBER_OF, SUBCLASS_OF and IN_CLASS edge into a kgtwin: class, asserted or inferred (the state sync diffs against).
// mode: read
// returns: type: string, from_uid: string, to_uid: string, inferred: bool
MATCH (a)-[r:MEMBER_OF|SUBCLASS_OF|IN_CLASS]->(b)
WHERE b.uid STARTS WITH 'kgtwin:'
RETURN type(r) AS type, a.uid AS from_uid, b.uid AS to_uid, coalesce(r.inferred, false) AS inferred
