// name: merge_kb_enzyme_roles
// purpose: Drug roles for enzymes and transporters: INHIBITS / INDUCES (strength) or SUBSTRATE_OF (sensitivity).
// mode: write
// param rows: list<map> - {drug, drug_name, drug_rxcui, gene, symbol, role: inhibitor|inducer|substrate, props: {strength | sensitivity, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (d:Drug {uid: row.drug})
ON CREATE SET d.name = row.drug_name, d.rxcui = row.drug_rxcui, d.unresolved = row.drug_rxcui IS NULL
WITH d, row
MERGE (g:Gene {uid: row.gene})
ON CREATE SET g.symbol = row.symbol
FOREACH (_ IN CASE WHEN row.role = 'inhibitor' THEN [1] ELSE [] END | MERGE (d)-[x:INHIBITS]->(g) SET x += row.props)
FOREACH (_ IN CASE WHEN row.role = 'inducer' THEN [1] ELSE [] END | MERGE (d)-[x:INDUCES]->(g) SET x += row.props)
FOREACH (_ IN CASE WHEN row.role = 'substrate' THEN [1] ELSE [] END | MERGE (d)-[x:SUBSTRATE_OF]->(g) SET x += row.props)
RETURN count(d) AS written
