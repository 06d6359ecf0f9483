// name: list_pathway_definitions
// purpose: Every loaded care pathway with its definition (the pathway file as JSON) for evaluation.
// mode: read
// returns: uid: string, pathway_id: string, version: string, definition_hash: string, definition_json: string
MATCH (pw:Pathway)
RETURN pw.uid AS uid, pw.pathway_id AS pathway_id, pw.version AS version,
       pw.definition_hash AS definition_hash, pw.definition_json AS definition_json
ORDER BY uid
