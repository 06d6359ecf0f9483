// name: get_drugs
// purpose: Drugs by uid with their synonyms, ATC codes and the classes they are members of.
// mode: read
// param uids: list<string>
// returns: uid: string, name: string, rxcui: string, synonyms: list<string>, atc_codes: list<string>, classes: list<string>
UNWIND $uids AS duid
MATCH (d:Drug {uid: duid})
OPTIONAL MATCH (d)-[:MEMBER_OF]->(c:DrugClass)
WITH d, collect(DISTINCT c.name) AS classes
RETURN d.uid AS uid, d.name AS name, d.rxcui AS rxcui, d.synonyms AS synonyms,
       d.atc_codes AS atc_codes, classes
