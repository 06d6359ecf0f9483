// name: list_twin_resources
// purpose: Every resource node of a twin (conditions, medications, allergies, observations, genotypes, events) with its code.
// mode: read
// param uid: string - "Patient/<fhir id>"
// returns: label: string, uid: string, code: string | null, mapped: bool | null
MATCH (:Patient {uid: $uid})-[r:HAS_CONDITION|HAS_MEDICATION|HAS_ALLERGY|HAS_OBSERVATION|HAS_GENOTYPE|HAS_EVENT]->(x)
RETURN labels(x)[0] AS label, x.uid AS uid, coalesce(x.loinc, x.code, x.gene, x.kind) AS code,
       x.mapped AS mapped
ORDER BY label, uid
