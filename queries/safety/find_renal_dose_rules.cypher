// name: find_renal_dose_rules
// purpose: Renal dose rules of the given drugs whose eGFR band [egfr_min, egfr_max) holds the given eGFR.
// mode: read
// param drug_uids: list<string>
// param egfr: float
// returns: rule_uid: string, rule_id: string, drug_uid: string, drug_name: string, egfr_min: float | null, egfr_max: float | null, action: string, adjustment: string, severity: string | null, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (d:Drug)<-[:FOR_DRUG]-(r:RenalDoseRule)
WHERE d.uid IN $drug_uids
  AND (r.egfr_min IS NULL OR toFloat(r.egfr_min) <= $egfr)
  AND (r.egfr_max IS NULL OR $egfr < toFloat(r.egfr_max))
RETURN r.uid AS rule_uid, r.rule_id AS rule_id, d.uid AS drug_uid, d.name AS drug_name,
       toFloat(r.egfr_min) AS egfr_min, toFloat(r.egfr_max) AS egfr_max, r.action AS action,
       r.adjustment AS adjustment, r.severity AS severity, r.source AS source,
       r.source_version AS source_version, r.citation AS citation, r.citation_url AS citation_url,
       r.licence AS licence
