// name: create_cds_feedback
// purpose: Store CDS Hooks feedback (accepted or overridden, with the override reason) on the cards it is about, all or nothing.
// mode: write
// param rows: list<map> - uid, card_uid, outcome, outcome_at, outcome_at_epoch, accepted_suggestions, override_code, override_system, override_display, user_comment, who
// returns: created: int
UNWIND $rows AS r
MATCH (c:CdsCard {uid: r.card_uid})
CREATE (f:CdsFeedback {uid: r.uid, card_uid: r.card_uid, outcome: r.outcome,
  outcome_at: r.outcome_at, outcome_at_epoch: r.outcome_at_epoch,
  accepted_suggestions: r.accepted_suggestions, override_code: r.override_code,
  override_system: r.override_system, override_display: r.override_display,
  user_comment: r.user_comment, who: r.who})
CREATE (c)-[:HAS_FEEDBACK]->(f)
RETURN count(f) AS created
