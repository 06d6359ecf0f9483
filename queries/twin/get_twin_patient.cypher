// name: get_twin_patient
// purpose: A twin's demographics (with self-identified race and ethnicity codes).
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid: string, fhir_id: string, birth_date: string | null, sex: string | null, deceased: bool | null, consent_genomic: bool | null, race_codes: list<string> | null, race_text: string | null, ethnicity_codes: list<string> | null
MATCH (p:Patient {uid: $uid})
RETURN p.uid AS uid, p.fhir_id AS fhir_id, p.birth_date AS birth_date, p.sex AS sex,
       p.deceased AS deceased, p.consent_genomic AS consent_genomic, p.race_codes AS race_codes,
       p.race_text AS race_text, p.ethnicity_codes AS ethnicity_codes
