// name: get_pathway_transitions
// purpose: The NEXT transitions of one loaded pathway with their criteria_json and citation (as stored in the graph).
// mode: read
// param uid: string
// returns: from_step: string, to_step: string, criteria_json: string, citation: string, label: string
MATCH (pw:Pathway {uid: $uid})-[:HAS_STEP]->(a:PathwayStep)-[r:NEXT]->(b:PathwayStep)
RETURN a.step_id AS from_step, b.step_id AS to_step, r.criteria_json AS criteria_json,
       r.citation AS citation, r.label AS label
ORDER BY from_step, to_step
