// name: merge_pathway
// purpose: Write one care pathway atomically: the Pathway node, its PathwayStep nodes (replacing the previous ones), NEXT transitions with criteria_json, and links to drugs, drug classes and sub-pathways that exist.
// mode: write
// param uid: string
// param pathway_id: string
// param name: string
// param version: string
// param description: string
// param start_uid: string
// param file_name: string
// param definition_json: string
// param definition_hash: string
// param source_uid: string
// param source_version: string
// param licence: string
// param citation: string
// param citation_url: string
// param steps: list<map>
// param transitions: list<map>
// param step_drugs: list<map>
// param step_classes: list<map>
// param sub_pathways: list<map>
// returns: uid: string, steps: int, transitions: int, drug_links: int, class_links: int, sub_pathway_links: int
MERGE (src:Source {uid: $source_uid})
SET src.name = 'kgtwin care pathways', src.version = $source_version, src.licence = $licence
MERGE (pw:Pathway {uid: $uid})
SET pw.pathway_id = $pathway_id, pw.name = $name, pw.version = $version,
    pw.description = $description, pw.start_step = $start_uid, pw.file_name = $file_name,
    pw.definition_json = $definition_json, pw.definition_hash = $definition_hash,
    pw.source = $source_uid, pw.source_version = $source_version, pw.licence = $licence,
    pw.citation = $citation, pw.citation_url = $citation_url
WITH pw
CALL {
  WITH pw
  OPTIONAL MATCH (pw)-[:HAS_STEP]->(old:PathwayStep)
  DETACH DELETE old
  RETURN count(old) AS removed
}
CALL {
  WITH pw
  UNWIND $steps AS s
  CREATE (st:PathwayStep {uid: s.uid})
  SET st.pathway_id = s.pathway_id, st.step_id = s.step_id, st.kind = s.kind,
      st.title = s.title, st.description = s.description, st.is_end = s.is_end,
      st.options = s.options, st.labs = s.labs, st.therapy_json = s.therapy_json,
      st.sub_pathway = s.sub_pathway, st.source = s.source, st.source_version = s.source_version,
      st.licence = s.licence, st.citation = s.citation, st.citation_url = s.citation_url
  CREATE (pw)-[:HAS_STEP]->(st)
  RETURN count(st) AS n_steps
}
CALL {
  WITH pw
  MATCH (pw)-[:HAS_STEP]->(first:PathwayStep {uid: $start_uid})
  CREATE (pw)-[:STARTS_AT]->(first)
  RETURN count(first) AS n_start
}
CALL {
  WITH pw
  UNWIND $transitions AS t
  MATCH (pw)-[:HAS_STEP]->(a:PathwayStep {uid: t.from_uid})
  MATCH (pw)-[:HAS_STEP]->(b:PathwayStep {uid: t.to_uid})
  CREATE (a)-[r:NEXT]->(b)
  SET r.criteria_json = t.criteria_json, r.note = t.note, r.label = t.label,
      r.source = t.source, r.source_version = t.source_version, r.licence = t.licence,
      r.citation = t.citation, r.citation_url = t.citation_url
  RETURN count(r) AS n_next
}
CALL {
  WITH pw
  UNWIND $step_drugs AS x
  MATCH (pw)-[:HAS_STEP]->(st:PathwayStep {uid: x.step_uid})
  MATCH (d:Drug {uid: x.drug_uid})
  MERGE (st)-[:USES_DRUG]->(d)
  RETURN count(d) AS n_drugs
}
CALL {
  WITH pw
  UNWIND $step_classes AS x
  MATCH (pw)-[:HAS_STEP]->(st:PathwayStep {uid: x.step_uid})
  MATCH (k:DrugClass {uid: x.class_uid})
  MERGE (st)-[:USES_CLASS]->(k)
  RETURN count(k) AS n_classes
}
CALL {
  WITH pw
  UNWIND $sub_pathways AS x
  MATCH (pw)-[:HAS_STEP]->(st:PathwayStep {uid: x.step_uid})
  MATCH (sub:Pathway {uid: x.pathway_uid})
  MERGE (st)-[:HAS_SUBPATHWAY]->(sub)
  RETURN count(sub) AS n_sub
}
RETURN pw.uid AS uid, n_steps AS steps, n_next AS transitions, n_drugs AS drug_links,
       n_classes AS class_links, n_sub AS sub_pathway_links
