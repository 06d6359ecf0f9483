// name: list_kb_drug_names
// purpose: Every drug name and synonym (for close-name suggestions).
// mode: read
// returns: name: string, synonyms: list<string>
MATCH (d:Drug)
RETURN d.name AS name, coalesce(d.synonyms, []) AS synonyms
