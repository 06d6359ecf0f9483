"""The ontology as data: which IRI each graph name has, which classes sync materialises.

``ontology/kgtwin.ttl`` is parsed with rdflib (syntax errors name the file and line) and
read into an :class:`OntologyModel`: frozen, cheap to pass around, no reasoner involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import ValidationError

__all__ = [
    "GRAPH_NAME",
    "KG",
    "KGID",
    "ClassTerm",
    "GraphTerm",
    "OntologyModel",
    "RoleProperty",
    "curie",
    "default_ontology_path",
    "default_shapes_dir",
    "iri_to_uid",
    "load_model",
    "parse_ontology",
    "uid_to_iri",
]

KG = rdflib.Namespace("https://w3id.org/kgtwin/ontology#")
KGID = rdflib.Namespace("https://w3id.org/kgtwin/id/")
GRAPH_NAME = KG.graphName
_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_SAFE = ":/*-._~!$'()+,;=@"


def _ontology_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "ontology", here / "ontology"):
        if (candidate / "kgtwin.ttl").is_file():
            return candidate
    raise ValidationError(f"no ontology/kgtwin.ttl found beside {here}")


def default_ontology_path() -> Path:
    """``ontology/kgtwin.ttl`` of the source checkout."""
    return _ontology_dir() / "kgtwin.ttl"


def default_shapes_dir() -> Path:
    """``ontology/shapes`` of the source checkout."""
    return _ontology_dir() / "shapes"


def uid_to_iri(uid: str) -> rdflib.URIRef:
    """The IRI of the graph node with ``uid`` (``RxNorm:21212`` -> ``kgid:RxNorm:21212``)."""
    return KGID[quote(uid, safe=_SAFE)]


def iri_to_uid(iri: str) -> str | None:
    """The uid a ``kgid:`` IRI stands for, else None."""
    if not iri.startswith(str(KGID)):
        return None
    return unquote(iri[len(str(KGID)) :])


def parse_ontology(path: Path | str | None = None) -> rdflib.Graph:
    """Parse a Turtle ontology file.

    Raises:
        ValidationError: the file is missing or not valid Turtle (names file and line).
    """
    p = Path(path) if path is not None else default_ontology_path()
    if not p.is_file():
        raise ValidationError(f"ontology file {str(p)!r} does not exist")
    g = rdflib.Graph()
    try:
        g.parse(p, format="turtle")
    except Exception as exc:  # rdflib raises BadSyntax and a few others on bad input
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        where = f"{p}:{line + 1}" if isinstance(line, int) else str(p)
        raise ValidationError(f"{where}: Turtle syntax error: {why}") from exc
    return g


@dataclass(frozen=True)
class GraphTerm:
    """A term with a graph name: class (label), object property (type), datatype property."""

    iri: str
    graph_name: str
    kind: str  # label, type, property


@dataclass(frozen=True)
class ClassTerm:
    """A class that ontology sync materialises as a node (uid ``kgtwin:<local>``)."""

    iri: str
    uid: str
    label: str
    kind: str  # therapeutic, risk_group, enzyme_role, patient_phenotype, ...

    @property
    def is_patient_class(self) -> bool:
        """True for phenotype patient classes (OntologyClass nodes, IN_CLASS edges)."""
        return self.kind.startswith("patient")


@dataclass(frozen=True)
class RoleProperty:
    """A role property refining an INHIBITS/INDUCES/SUBSTRATE_OF edge by its qualifier."""

    iri: str
    edge_type: str
    qualifier: str


@dataclass(frozen=True)
class OntologyModel:
    """What kgtwin reads from the ontology without reasoning."""

    path: Path
    iri: str
    version: str
    version_iri: str
    terms: tuple[GraphTerm, ...]
    classes: tuple[ClassTerm, ...]
    roles: tuple[RoleProperty, ...]
    individuals: tuple[tuple[str, str], ...]  # (IRI, graph uid) from kgtwin:graphUid or kgid:

    def names(self, kind: str) -> dict[str, str]:
        """Graph name -> IRI for ``label``, ``type`` or ``property``."""
        return {t.graph_name: t.iri for t in self.terms if t.kind == kind}

    def class_by_iri(self) -> dict[str, ClassTerm]:
        """Materialised classes by IRI."""
        return {c.iri: c for c in self.classes}


def curie(iri: str) -> str:
    """``kgtwin:Local`` for an IRI of the kgtwin namespace, else the IRI."""
    if iri.startswith(str(KG)):
        return "kgtwin:" + iri[len(str(KG)) :]
    for prefix, ns in _PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    uid = iri_to_uid(iri)
    return f"kgid:{uid}" if uid is not None else iri


def _text(g: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef) -> str | None:
    values = [str(o) for o in g.objects(s, p)]
    return sorted(values)[0] if values else None


def load_model(path: Path | str | None = None, graph: rdflib.Graph | None = None) -> OntologyModel:
    """Read the ontology's graph names, materialised classes, roles and individuals.

    Raises:
        ValidationError: syntax error, no ``owl:Ontology``, or a graph name declared twice.
    """
    p = Path(path) if path is not None else default_ontology_path()
    g = graph if graph is not None else parse_ontology(p)
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    if onto is None:
        raise ValidationError(f"{p}: no owl:Ontology declared")
    version = _text(g, onto, OWL.versionInfo) or "0"
    version_iri = _text(g, onto, OWL.versionIRI) or ""
    kinds = {OWL.Class: "label", OWL.ObjectProperty: "type", OWL.DatatypeProperty: "property"}
    terms: list[GraphTerm] = []
    seen: dict[tuple[str, str], str] = {}
    for s, name in g.subject_objects(GRAPH_NAME):
        kind = next((k for t, k in kinds.items() if (s, RDF.type, t) in g), None)
        if kind is None:
            raise ValidationError(
                f"{p}: {s} has kgtwin:graphName {name!s} but is not an owl:Class, "
                "owl:ObjectProperty or owl:DatatypeProperty"
            )
        key = (kind, str(name))
        if key in seen and seen[key] != str(s):
            raise ValidationError(
                f"{p}: graph name {name!s} ({kind}) declared by both {seen[key]} and {s}"
            )
        seen[key] = str(s)
        terms.append(GraphTerm(str(s), str(name), kind))
    classes = []
    for s, class_kind in g.subject_objects(KG.classKind):
        iri = str(s)
        label = _text(g, s, RDFS.label) or curie(iri)
        classes.append(ClassTerm(iri, curie(iri), label, str(class_kind)))
    roles = []
    for s, edge_type in g.subject_objects(KG.edgeType):
        qualifier = _text(g, s, KG.edgeQualifier) or ""
        roles.append(RoleProperty(str(s), str(edge_type), qualifier))
    individuals: dict[str, str] = {}
    subjects = set(g.subjects(RDF.type, OWL.NamedIndividual)) | set(g.subjects(KG.graphUid))
    subjects |= {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and iri_to_uid(str(s))}
    for s in subjects:
        uid = _text(g, s, KG.graphUid) or iri_to_uid(str(s))
        if uid:
            individuals[str(s)] = uid
    return OntologyModel(
        path=p,
        iri=str(onto),
        version=version,
        version_iri=version_iri,
        terms=tuple(sorted(terms, key=lambda t: (t.kind, t.graph_name))),
        classes=tuple(sorted(classes, key=lambda c: c.iri)),
        roles=tuple(sorted(roles, key=lambda r: r.iri)),
        individuals=tuple(sorted(individuals.items())),
    )
