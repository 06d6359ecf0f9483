// name: list_cds_feedback
// purpose: Feedback recorded on CDS cards, newest first, optionally for one twin.
// mode: read
// param patient_uid: string - null for every twin
// param limit: int
// returns: uid: string, card_uid: string, patient_uid: string, kind: string, severity: string, outcome: string, outcome_at: string, override_code: string, override_display: string, user_comment: string, accepted_suggestions: list<string>, who: string
MATCH (c:CdsCard)-[:HAS_FEEDBACK]->(f:CdsFeedback)
WHERE $patient_uid IS NULL OR c.patient_uid = $patient_uid
RETURN f.uid AS uid, c.uid AS card_uid, c.patient_uid AS patient_uid, c.kind AS kind,
       c.severity AS severity, f.outcome AS outcome, f.outcome_at AS outcome_at,
       f.override_code AS override_code, f.override_display AS override_display,
       f.user_comment AS user_comment, f.accepted_suggestions AS accepted_suggestions,
       f.who AS who
ORDER BY f.outcome_at_epoch DESC, uid
LIMIT $limit
