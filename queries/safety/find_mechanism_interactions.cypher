// name: find_mechanism_interactions
// purpose: Interactions inferred from enzyme roles: a strong or moderate inhibitor or inducer of a gene plus a substrate of it, among the given drugs.
// mode: read
// param drug_uids: list<string>
// returns: precipitant_uid: string, precipitant_name: string, object_uid: string, object_name: string, gene_uid: string, gene: string, role: string, strength: string, sensitivity: string, evidence: list<map>
MATCH (p:Drug)-[r:INHIBITS|INDUCES]->(g:Gene)<-[s:SUBSTRATE_OF]-(o:Drug)
WHERE p.uid IN $drug_uids AND o.uid IN $drug_uids AND o.uid <> p.uid
  AND r.strength IN ['strong', 'moderate'] AND s.sensitivity IN ['sensitive', 'moderate']
RETURN p.uid AS precipitant_uid, p.name AS precipitant_name, o.uid AS object_uid, o.name AS object_name,
       g.uid AS gene_uid, g.symbol AS gene, type(r) AS role, r.strength AS strength,
       s.sensitivity AS sensitivity,
       [{source: r.source, source_version: r.source_version, citation: r.citation,
         citation_url: r.citation_url, licence: r.licence},
        {source: s.source, source_version: s.source_version, citation: s.citation,
         citation_url: s.citation_url, licence: s.licence}] AS evidence
