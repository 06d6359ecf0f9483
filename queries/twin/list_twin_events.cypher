// name: list_twin_events
// purpose: A twin's history (medication start/stop/dose change, condition onset/abatement, genotype set), oldest first.
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: uid, kind, at, at_epoch, resource_uid, detail
MATCH (:Patient {uid: $uid})-[:HAS_EVENT]->(e:TwinEvent)
RETURN e.uid AS uid, e.kind AS kind, e.at AS at, e.at_epoch AS at_epoch,
       e.resource_uid AS resource_uid, e.detail AS detail
ORDER BY at_epoch, e.seq, uid
