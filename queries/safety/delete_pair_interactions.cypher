// name: delete_pair_interactions
// purpose: TEST ONLY: delete the listed Interaction nodes between two drugs (either direction), to prove mechanism-based inference.
// mode: write
// param a_uid: string
// param b_uid: string
// returns: deleted: int
MATCH (a:Drug {uid: $a_uid})<-[:HAS_OBJECT|HAS_PRECIPITANT]-(i:Interaction)-[:HAS_OBJECT|HAS_PRECIPITANT]->(b:Drug {uid: $b_uid})
WITH collect(DISTINCT i) AS found
UNWIND found AS i
DETACH DELETE i
RETURN count(*) AS deleted
