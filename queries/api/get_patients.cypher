// name: get_patients
// purpose: Demographics and consent flags of several twins at once (DataLoader batch).
// mode: read
// param uids: list<string>
// returns: uid: string, fhir_id: string, birth_date: string, sex: string, deceased: bool, consent_genomic: bool, name_json: string, race_codes: list<string> | null, race_text: string | null, ethnicity_codes: list<string> | null
UNWIND $uids AS uid
MATCH (p:Patient {uid: uid})
RETURN p.uid AS uid, p.fhir_id AS fhir_id, p.birth_date AS birth_date, p.sex AS sex,
       p.deceased AS deceased, coalesce(p.consent_genomic, true) AS consent_genomic,
       p.name_json AS name_json, p.race_codes AS race_codes, p.race_text AS race_text,
       p.ethnicity_codes AS ethnicity_codes
