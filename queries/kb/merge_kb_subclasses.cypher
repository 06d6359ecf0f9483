// name: merge_kb_subclasses
// purpose: Class hierarchy: DrugClass SUBCLASS_OF its parent DrugClass.
// mode: write
// param rows: list<map> - {child, parent, props: {provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (c:DrugClass {uid: row.child})
MATCH (p:DrugClass {uid: row.parent})
MERGE (c)-[s:SUBCLASS_OF]->(p)
SET s += row.props
RETURN count(s) AS written
