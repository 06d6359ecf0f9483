// name: count_graph_contents
// purpose: How many drugs, ontology classes and twins the graph holds (does serve need to load?).
// mode: read
// returns: drugs: int, ontology_classes: int, patients: int
OPTIONAL MATCH (d:Drug)
WITH count(d) AS drugs
OPTIONAL MATCH (o:OntologyClass)
WITH drugs, count(o) AS ontology_classes
OPTIONAL MATCH (p:Patient)
RETURN drugs, ontology_classes, count(p) AS patients
