// name: find_lab_contraindications
// purpose: Drug-lab rules whose threshold the given latest lab values cross, with each value's date and whether it is older than the rule allows.
// mode: read
// param drug_uids: list<string>
// param labs: list<map> - {loinc, value, effective, effective_epoch}
// param now_epoch: int
// returns: rule_uid: string, rule_id: string, severity: string, strength: string, message: string, management: string, drug_uid: string, drug_name: string, via: string, loinc: string, lab_name: string, comparator: string, threshold: float, unit: string | null, value: float, effective: string | null, age_days: int | null, max_age_days: int | null, stale: bool, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (d:Drug)-[:MEMBER_OF|SUBCLASS_OF*0..4]->(t)<-[:FOR_DRUG|FOR_CLASS]-(r:LabRule)-[:ON_LAB]->(lt:LabTest)
WHERE d.uid IN $drug_uids
UNWIND $labs AS lab
WITH d, t, r, lt, lab, toFloat(r.threshold) AS threshold, toFloat(lab.value) AS value
WHERE lab.loinc = lt.loinc AND value IS NOT NULL AND
      CASE r.comparator
        WHEN '<' THEN value < threshold
        WHEN '<=' THEN value <= threshold
        WHEN '>' THEN value > threshold
        WHEN '>=' THEN value >= threshold
        ELSE false
      END
WITH d, t, r, lt, lab, threshold, value,
     CASE WHEN lab.effective_epoch IS NULL THEN null
          ELSE ($now_epoch - lab.effective_epoch) / 86400 END AS age_days
RETURN r.uid AS rule_uid, r.rule_id AS rule_id, r.severity AS severity, r.strength AS strength,
       r.message AS message, r.management AS management,
       d.uid AS drug_uid, d.name AS drug_name, t.uid AS via,
       lt.loinc AS loinc, coalesce(lt.name, r.lab_name) AS lab_name, r.comparator AS comparator,
       threshold, r.unit AS unit, value, lab.effective AS effective, age_days,
       r.max_age_days AS max_age_days,
       (age_days IS NOT NULL AND r.max_age_days IS NOT NULL AND age_days > r.max_age_days) AS stale,
       r.source AS source, r.source_version AS source_version, r.citation AS citation,
       r.citation_url AS citation_url, r.licence AS licence
