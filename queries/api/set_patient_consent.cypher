// name: set_patient_consent
// purpose: Set a twin's consent flag for the use of its genomic data.
// mode: write
// param uid: string
// param genomic: bool
// returns: uid: string, consent_genomic: bool
MATCH (p:Patient {uid: $uid})
SET p.consent_genomic = $genomic
RETURN p.uid AS uid, p.consent_genomic AS consent_genomic
