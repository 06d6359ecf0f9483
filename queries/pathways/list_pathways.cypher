// name: list_pathways
// purpose: A summary of the loaded care pathways: steps, NEXT transitions and linked drugs, classes and sub-pathways.
// mode: read
// returns: uid: string, name: string, version: string, start: string, steps: int, transitions: int, drugs: int, classes: int, sub_pathways: list<string>
MATCH (pw:Pathway)
RETURN pw.uid AS uid, pw.name AS name, pw.version AS version,
       [(pw)-[:STARTS_AT]->(first:PathwayStep) | first.step_id][0] AS start,
       size([(pw)-[:HAS_STEP]->(st:PathwayStep) | st.uid]) AS steps,
       size([(pw)-[:HAS_STEP]->(:PathwayStep)-[r:NEXT]->(:PathwayStep) | r]) AS transitions,
       size([(pw)-[:HAS_STEP]->(:PathwayStep)-[:USES_DRUG]->(d:Drug) | d]) AS drugs,
       size([(pw)-[:HAS_STEP]->(:PathwayStep)-[:USES_CLASS]->(k:DrugClass) | k]) AS classes,
       [(pw)-[:HAS_STEP]->(:PathwayStep)-[:HAS_SUBPATHWAY]->(sub:Pathway) | sub.uid] AS sub_pathways
ORDER BY uid
