// name: list_drug_names
// purpose: Every drug name, to suggest the closest ones for an unknown drug.
// mode: read
// returns: name: string
MATCH (d:Drug)
WHERE d.name IS NOT NULL
RETURN d.name AS name
