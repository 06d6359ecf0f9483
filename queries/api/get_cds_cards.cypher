// name: get_cds_cards
// purpose: Issued CDS cards by uid (to check feedback names real cards, and find their twin).
// mode: read
// param uids: list<string>
// returns: uid: string, service: string, hook: string, patient_uid: string, kind: string, severity: string, drugs: list<string>, summary: string
UNWIND $uids AS cuid
MATCH (c:CdsCard {uid: cuid})
RETURN c.uid AS uid, c.service AS service, c.hook AS hook, c.patient_uid AS patient_uid,
       c.kind AS kind, c.severity AS severity, c.drugs AS drugs, c.summary AS summary
