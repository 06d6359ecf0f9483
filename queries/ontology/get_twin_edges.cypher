// name: get_twin_edges
// purpose: Every edge leaving a patient or its twin resources (to twin resources and to Drug/Code/Gene/... knowledge nodes) for RDF export.
// mode: read
// param uid: string - Patient uid
// returns: from_uid: string, type: string, to_uid: string, to_labels: list<string>, to_props: map
MATCH (p:Patient {uid: $uid})
OPTIONAL MATCH (p)-[:HAS_CONDITION|HAS_MEDICATION|HAS_ALLERGY|HAS_OBSERVATION|HAS_GENOTYPE|HAS_EVENT]->(x)
WITH p, collect(x) AS xs
UNWIND [p] + xs AS n
MATCH (n)-[e:HAS_CONDITION|HAS_MEDICATION|HAS_ALLERGY|HAS_OBSERVATION|HAS_GENOTYPE|HAS_EVENT|LATEST_OBSERVATION|CODED_AS|OF_DRUG|TO_SUBSTANCE|OF_LAB|OF_DIPLOTYPE|HAS_PHENOTYPE|OF_GENE]->(m)
RETURN n.uid AS from_uid, type(e) AS type, m.uid AS to_uid, labels(m) AS to_labels,
       properties(m) AS to_props
ORDER BY from_uid, type, to_uid
