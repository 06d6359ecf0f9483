// name: merge_kb_sources
// purpose: Upsert Source nodes (origin, version, licence and citation of knowledge).
// mode: write
// param rows: list<map> - {uid, props: {key, name, version, licence, url, citation}}
// returns: written: int
UNWIND $rows AS row
MERGE (s:Source {uid: row.uid})
SET s += row.props
RETURN count(s) AS written
