// name: list_audit_events
// purpose: Audit entries, newest first, optionally for one twin, one caller or since a time.
// mode: read
// param patient_uid: string - null for every twin
// param who: string - null for every caller
// param since_epoch: int
// param skip: int
// param limit: int
// returns: uid: string, who: string, role: string, patient_uid: string, operation: string, action: string, at: string, at_epoch: int, outcome: string, request_id: string
MATCH (a:AuditEvent)
WHERE ($patient_uid IS NULL OR a.patient_uid = $patient_uid)
  AND ($who IS NULL OR a.who = $who)
  AND a.at_epoch >= $since_epoch
RETURN a.uid AS uid, a.who AS who, a.role AS role, a.patient_uid AS patient_uid,
       a.operation AS operation, a.action AS action, a.at AS at, a.at_epoch AS at_epoch,
       a.outcome AS outcome, a.request_id AS request_id
ORDER BY at_epoch DESC, uid DESC
SKIP $skip LIMIT $limit
