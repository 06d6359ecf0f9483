// name: create_cds_cards
// purpose: Record the cards a CDS Hooks service returned, so feedback can be tied to its twin and alert.
// mode: write
// param rows: list<map> - uid, service, hook, patient_uid, kind, severity, drugs, summary, issued_at, issued_at_epoch
// returns: created: int
UNWIND $rows AS r
CREATE (c:CdsCard {uid: r.uid, service: r.service, hook: r.hook, patient_uid: r.patient_uid,
  kind: r.kind, severity: r.severity, drugs: r.drugs, summary: r.summary,
  issued_at: r.issued_at, issued_at_epoch: r.issued_at_epoch})
RETURN count(c) AS created
