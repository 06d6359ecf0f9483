// name: find_allergy_direct
// purpose: Given drugs that are an allergen the patient reacts to, or belong (through classes) to one.
// mode: read
// param drug_uids: list<string>
// param allergen_uids: list<string> - Drug or DrugClass uids the patient's allergies resolve to
// returns: drug_uid: string, drug_name: string, allergen_uid: string, allergen_name: string | null
MATCH (d:Drug)-[:MEMBER_OF|SUBCLASS_OF*0..4]->(t)
WHERE d.uid IN $drug_uids AND t.uid IN $allergen_uids
RETURN d.uid AS drug_uid, d.name AS drug_name, t.uid AS allergen_uid, t.name AS allergen_name
