// name: list_drug_facts
// purpose: Every drug with an enzyme role or an asserted membership of a kgtwin: class: the facts ontology sync reasons over.
// mode: read
// returns: uid: string, roles: list<map> {type, qualifier, gene}, classes: list<string>
MATCH (d:Drug)
OPTIONAL MATCH (d)-[r:INHIBITS|INDUCES|SUBSTRATE_OF]->(g:Gene)
WITH d, collect({type: type(r), qualifier: coalesce(r.strength, r.sensitivity, ''), gene: g.uid}) AS roles
OPTIONAL MATCH (d)-[m:MEMBER_OF]->(c:DrugClass)
WHERE c.uid STARTS WITH 'kgtwin:' AND coalesce(m.inferred, false) = false
WITH d, [x IN roles WHERE x.gene IS NOT NULL] AS roles, collect(c.uid) AS classes
WHERE size(roles) > 0 OR size(classes) > 0
RETURN d.uid AS uid, roles, classes
