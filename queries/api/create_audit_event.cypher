// name: create_audit_event
// purpose: Append one audit entry (who, role, which twin, which operation, when, outcome); never updated.
// mode: write
// param uid: string
// param who: string
// param role: string
// param patient_uid: string - empty when the operation touched no twin
// param operation: string
// param action: string - FHIR AuditEvent action code: C, R, U, D or E
// param at: string
// param at_epoch: int
// param outcome: string
// param request_id: string
// returns: uid: string
CREATE (a:AuditEvent {uid: $uid, who: $who, role: $role, patient_uid: $patient_uid,
  operation: $operation, action: $action, at: $at, at_epoch: $at_epoch, outcome: $outcome,
  request_id: $request_id})
RETURN a.uid AS uid
