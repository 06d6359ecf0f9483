// name: schema
// purpose: Uniqueness constraints and indexes, applied idempotently at start-up on both engines.
// mode: ddl
// returns: nothing
CREATE CONSTRAINT patient_uid IF NOT EXISTS FOR (n:Patient) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT drug_uid IF NOT EXISTS FOR (n:Drug) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT drug_class_uid IF NOT EXISTS FOR (n:DrugClass) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT gene_uid IF NOT EXISTS FOR (n:Gene) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT allele_uid IF NOT EXISTS FOR (n:Allele) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT diplotype_uid IF NOT EXISTS FOR (n:Diplotype) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT phenotype_uid IF NOT EXISTS FOR (n:Phenotype) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT guideline_uid IF NOT EXISTS FOR (n:Guideline) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT recommendation_uid IF NOT EXISTS FOR (n:Recommendation) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT interaction_uid IF NOT EXISTS FOR (n:Interaction) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT source_uid IF NOT EXISTS FOR (n:Source) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT kb_uid IF NOT EXISTS FOR (n:KnowledgeBase) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT condition_uid IF NOT EXISTS FOR (n:Condition) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT medication_uid IF NOT EXISTS FOR (n:MedicationStatement) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT allergy_uid IF NOT EXISTS FOR (n:Allergy) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT observation_uid IF NOT EXISTS FOR (n:Observation) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT genotype_uid IF NOT EXISTS FOR (n:Genotype) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT code_uid IF NOT EXISTS FOR (n:Code) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT concept_uid IF NOT EXISTS FOR (n:ClinicalConcept) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT rule_uid IF NOT EXISTS FOR (n:Rule) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT pathway_uid IF NOT EXISTS FOR (n:Pathway) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT step_uid IF NOT EXISTS FOR (n:PathwayStep) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT ontology_class_uid IF NOT EXISTS FOR (n:OntologyClass) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT audit_uid IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT twin_event_uid IF NOT EXISTS FOR (n:TwinEvent) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT lab_test_uid IF NOT EXISTS FOR (n:LabTest) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT cds_card_uid IF NOT EXISTS FOR (n:CdsCard) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT cds_feedback_uid IF NOT EXISTS FOR (n:CdsFeedback) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT probe_uid IF NOT EXISTS FOR (n:Probe) REQUIRE n.uid IS UNIQUE;
CREATE INDEX drug_name IF NOT EXISTS FOR (n:Drug) ON (n.name);
CREATE INDEX drug_rxcui IF NOT EXISTS FOR (n:Drug) ON (n.rxcui);
CREATE INDEX observation_loinc IF NOT EXISTS FOR (n:Observation) ON (n.loinc);
CREATE INDEX diplotype_key IF NOT EXISTS FOR (n:Diplotype) ON (n.gene_key);
CREATE INDEX audit_patient IF NOT EXISTS FOR (n:AuditEvent) ON (n.patient_uid);
