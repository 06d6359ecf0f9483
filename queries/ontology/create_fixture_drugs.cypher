// name: create_fixture_drugs
// purpose: Test fixture: drugs with enzyme roles (INHIBITS/INDUCES/SUBSTRATE_OF to genes) and asserted class memberships.
// mode: write
// param rows: list<map> - {uid, name, inhibits: [[gene_uid, symbol, strength]], induces: [...], substrate_of: [[gene_uid, symbol, sensitivity]], classes: [class uid]}
// returns: drugs: int
UNWIND $rows AS row
MERGE (d:Drug {uid: row.uid})
SET d.name = row.name
FOREACH (x IN row.inhibits |
  MERGE (g:Gene {uid: x[0]}) SET g.symbol = x[1]
  MERGE (d)-[r:INHIBITS]->(g) SET r.strength = x[2])
FOREACH (x IN row.induces |
  MERGE (g:Gene {uid: x[0]}) SET g.symbol = x[1]
  MERGE (d)-[r:INDUCES]->(g) SET r.strength = x[2])
FOREACH (x IN row.substrate_of |
  MERGE (g:Gene {uid: x[0]}) SET g.symbol = x[1]
  MERGE (d)-[r:SUBSTRATE_OF]->(g) SET r.sensitivity = x[2])
FOREACH (c IN row.classes |
  MERGE (k:DrugClass {uid: c})
  MERGE (d)-[:MEMBER_OF]->(k))
RETURN count(d) AS drugs
