"""``ontology check``: syntax, conventions, consistency and unsatisfiable classes.

Conventions: every class has an ``rdfs:label``, a ``skos:definition`` and a graph mapping
(``kgtwin:graphName`` for a node label, or ``kgtwin:classKind`` for a class sync
materialises); every object and datatype property is labelled and defined; every
``kgtwin:graphName`` is unique per kind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import ValidationError
from kg.ontology.model import GRAPH_NAME, KG, OntologyModel, curie, load_model, parse_ontology
from kg.ontology.reasoner import DrugFacts, PatientFacts, reason
from kg.store import GraphStore

__all__ = ["CheckReport", "check_conventions", "check_ontology"]


@dataclass
class CheckReport:
    """The outcome of ``ontology check``."""

    path: Path
    version: str = ""
    triples: int = 0
    parse_seconds: float = 0.0
    reasoning_seconds: float | None = None
    reasoner: str = "hermit"
    drugs: int = 0
    patients: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (warnings allowed)."""
        return not self.errors and not self.unsatisfiable

    def lines(self) -> list[str]:
        """A human-readable report."""
        out = [
            f"ontology {self.path} version {self.version}: {self.triples} triples, "
            f"parsed in {self.parse_seconds:.2f} s"
        ]
        if self.reasoning_seconds is not None:
            out.append(
                f"reasoning ({self.reasoner}) over {self.drugs} drugs and {self.patients} "
                f"patients from the graph: {self.reasoning_seconds:.2f} s"
            )
        out += [f"error: {e}" for e in self.errors]
        out += [f"unsatisfiable: {u}" for u in self.unsatisfiable]
        out += [f"warning: {w}" for w in self.warnings]
        out.append("ok" if self.ok else "NOT ok")
        return out


def _has(g: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef) -> bool:
    return (s, p, None) in g


def check_conventions(g: rdflib.Graph) -> tuple[list[str], list[str]]:
    """(errors, warnings) about labels, definitions and mappings."""
    errors: list[str] = []
    warnings: list[str] = []
    for cls in sorted(set(g.subjects(RDF.type, OWL.Class)), key=str):
        if not isinstance(cls, rdflib.URIRef):
            continue
        name = curie(str(cls))
        if not _has(g, cls, RDFS.label):
            errors.append(f"class {name} has no rdfs:label")
        if not _has(g, cls, SKOS.definition):
            errors.append(f"class {name} has no skos:definition")
        if not _has(g, cls, GRAPH_NAME) and not _has(g, cls, KG.classKind):
            errors.append(
                f"class {name} is not mapped to the graph (kgtwin:graphName or kgtwin:classKind)"
            )
        if not any(
            _has(g, cls, p) for p in (SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso)
        ) and _has(g, cls, GRAPH_NAME):
            warnings.append(f"class {name} has no skos:exactMatch/closeMatch alignment")
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in sorted(set(g.subjects(RDF.type, kind)), key=str):
            name = curie(str(prop))
            if not _has(g, prop, RDFS.label):
                errors.append(f"property {name} has no rdfs:label")
            if not _has(g, prop, SKOS.definition):
                errors.append(f"property {name} has no skos:definition")
            if not _has(g, prop, GRAPH_NAME) and not _has(g, prop, KG.edgeType):
                errors.append(f"property {name} has no kgtwin:graphName or kgtwin:edgeType")
    return errors, warnings


def check_ontology(
    path: Path | str | None = None,
    *,
    store: GraphStore | None = None,
    reasoner: str = "hermit",
) -> CheckReport:
    """Parse, check conventions and reason (with the graph's facts when a store is given).

    Raises:
        ConfigError: no Java runtime (one line saying what to install).
    """
    from kg.ontology.sync import read_facts

    start = time.perf_counter()
    report = CheckReport(
        path=Path(path) if path else Path("ontology/kgtwin.ttl"), reasoner=reasoner
    )
    try:
        graph = parse_ontology(path)
        model: OntologyModel = load_model(path, graph=graph)
    except ValidationError as exc:
        report.errors.append(str(exc))
        return report
    report.path = model.path
    report.version = model.version
    report.triples = len(graph)
    report.parse_seconds = time.perf_counter() - start
    errors, warnings = check_conventions(graph)
    errors += _check_shapes(model.path.parent / "shapes")
    report.errors += errors
    report.warnings += warnings
    drugs: list[DrugFacts] = []
    patients: list[PatientFacts] = []
    if store is not None:
        drugs, patients = read_facts(store)
    report.drugs, report.patients = len(drugs), len(patients)
    try:
        inference = reason(model, graph, drugs, patients, reasoner=reasoner)
    except ValidationError as exc:
        report.errors.append(str(exc))
        return report
    report.reasoning_seconds = inference.seconds
    for cls in inference.unsatisfiable:
        report.unsatisfiable.append(f"{cls}: " + "; ".join(_told_axioms(graph, model, cls)))
    return report


def _check_shapes(shapes_dir: Path) -> list[str]:
    """Syntax errors of the SHACL shape files (``file:line``)."""
    errors = []
    for path in sorted(shapes_dir.glob("*.ttl")):
        try:
            parse_ontology(path)
        except ValidationError as exc:
            errors.append(str(exc))
    return errors


def _told_axioms(g: rdflib.Graph, model: OntologyModel, cls_curie: str) -> list[str]:
    """The told axioms about a class and its told superclasses (what makes it unsatisfiable)."""
    iri = (
        rdflib.URIRef(str(KG) + cls_curie.split(":", 1)[1])
        if cls_curie.startswith("kgtwin:")
        else rdflib.URIRef(cls_curie)
    )
    seen: set[rdflib.term.Node] = set()
    todo = [iri]
    out: list[str] = []
    lines = model.path.read_text(encoding="utf-8").splitlines()
    while todo:
        c = todo.pop()
        if c in seen or not isinstance(c, rdflib.URIRef):
            continue
        seen.add(c)
        for p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
            for o in g.objects(c, p):
                label = curie(str(o)) if isinstance(o, rdflib.URIRef) else "[class expression]"
                out.append(f"{curie(str(c))} {curie(str(p))} {label}{_line(lines, model, c)}")
                if p == RDFS.subClassOf:
                    todo.append(o)  # type: ignore[arg-type]
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            for lst in g.objects(node, OWL.members):
                members = list(rdflib.collection.Collection(g, lst))
                if c in members:
                    out.append(
                        f"AllDisjointClasses({', '.join(curie(str(m)) for m in members[:4])}, ...)"
                    )
    return out


def _line(lines: list[str], model: OntologyModel, c: rdflib.term.Node) -> str:
    token = curie(str(c))
    for i, line in enumerate(lines):
        if line.startswith(token + " "):
            return f" ({model.path}:{i + 1})"
    return ""
