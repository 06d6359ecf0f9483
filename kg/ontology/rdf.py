"""RDF export and import of a twin, in the ontology's IRIs, validated with SHACL.

The twin is the patient and its Condition, MedicationStatement, Allergy, Observation,
Genotype and TwinEvent resources, every property they carry, and their edges to knowledge
nodes (Drug, DrugClass, Code, LabTest, Diplotype, Phenotype, Gene), which are exported with
their label, uid and a few naming properties. Node IRIs are ``kgid:<uid>``; a list property
becomes an ``rdf:List`` (order and duplicates survive). Inferred ``IN_CLASS`` edges are not
exported: sync recomputes them. A round trip (export, import into an empty graph, export)
yields an isomorphic RDF graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, XSD

from kg.errors import NotFound, ValidationError
from kg.ontology.model import (
    KG,
    KGID,
    OntologyModel,
    default_shapes_dir,
    iri_to_uid,
    load_model,
    uid_to_iri,
)
from kg.store import GraphStore

__all__ = [
    "FORMATS",
    "ShapeReport",
    "export_knowledge",
    "export_twin",
    "import_twin",
    "read_rdf",
    "serialize",
    "validate_shapes",
]

FORMATS = {"turtle": "turtle", "jsonld": "json-ld"}
TWIN_LABELS = (
    "Condition",
    "MedicationStatement",
    "Allergy",
    "Observation",
    "Genotype",
    "TwinEvent",
)
REF_LABELS = ("Drug", "DrugClass", "Code", "LabTest", "Diplotype", "Phenotype", "Gene")
REF_KEYS = ("uid", "name", "symbol", "display", "system", "code", "loinc", "gene", "kind")
# edge type -> key of the resource row import_twin reads
_EDGE_KEYS = {
    "CODED_AS": "coded_as",
    "OF_DRUG": "of_drug",
    "OF_LAB": "of_lab",
    "OF_DIPLOTYPE": "of_diplotype",
    "HAS_PHENOTYPE": "has_phenotype",
    "OF_GENE": "of_gene",
}
_PATIENT_EDGES = {
    "HAS_CONDITION",
    "HAS_MEDICATION",
    "HAS_ALLERGY",
    "HAS_OBSERVATION",
    "HAS_GENOTYPE",
    "HAS_EVENT",
    "LATEST_OBSERVATION",
}


@dataclass(frozen=True)
class ShapeReport:
    """The outcome of SHACL validation."""

    conforms: bool
    violations: tuple[str, ...]
    text: str


def _literal(value: Any) -> rdflib.Literal:
    if isinstance(value, bool):
        return rdflib.Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return rdflib.Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return rdflib.Literal(value, datatype=XSD.double)
    return rdflib.Literal(str(value))


def _add_props(
    g: rdflib.Graph,
    s: rdflib.URIRef,
    props: Mapping[str, Any],
    iris: Mapping[str, str],
    unknown: set[str],
) -> None:
    for key, value in sorted(props.items()):
        if value is None:
            continue
        if key not in iris:
            unknown.add(key)
        p = rdflib.URIRef(iris.get(key, str(KG[key])))
        if isinstance(value, list) and not value:
            g.add((s, p, RDF.nil))
        elif isinstance(value, list):
            head = rdflib.BNode()
            Collection(g, head, [_literal(v) for v in value])
            g.add((s, p, head))
        else:
            g.add((s, p, _literal(value)))


def export_twin(
    store: GraphStore, patient_uid: str, model: OntologyModel | None = None
) -> rdflib.Graph:
    """The twin of ``patient_uid`` as an RDF graph in the ontology's IRIs.

    Raises:
        NotFound: no patient with that uid.
        ValidationError: the twin uses a label, type or property the ontology lacks.
    """
    model = model or load_model()
    nodes = store.read("get_twin_nodes", {"uid": patient_uid})
    if not nodes:
        raise NotFound(f"Unknown patient {patient_uid!r} (give the uid, e.g. Patient/123)")
    labels, types, props = model.names("label"), model.names("type"), model.names("property")
    g = rdflib.Graph()
    g.bind("kgtwin", KG)
    g.bind("kgid", KGID)
    unknown: set[str] = set()
    for row in nodes:
        s = uid_to_iri(row["uid"])
        for label in row["labels"]:
            if label not in labels:
                unknown.add(label)
            g.add((s, RDF.type, rdflib.URIRef(labels.get(label, str(KG[label])))))
        _add_props(g, s, row["props"], props, unknown)
    for row in store.read("get_twin_edges", {"uid": patient_uid}):
        if row["type"] not in types:
            unknown.add(row["type"])
        o = uid_to_iri(row["to_uid"])
        g.add(
            (
                uid_to_iri(row["from_uid"]),
                rdflib.URIRef(types.get(row["type"], str(KG[row["type"]]))),
                o,
            )
        )
        if set(row["to_labels"]) & set(REF_LABELS):
            for label in row["to_labels"]:
                g.add((o, RDF.type, rdflib.URIRef(labels.get(label, str(KG[label])))))
            ref_props = {k: v for k, v in row["to_props"].items() if k in REF_KEYS}
            _add_props(g, o, ref_props, props, unknown)
    if unknown:
        raise ValidationError(
            f"the twin of {patient_uid} uses graph names the ontology does not declare: "
            f"{', '.join(sorted(unknown))}"
        )
    return g


def export_knowledge(
    store: GraphStore, *, limit: int = 100_000, model: OntologyModel | None = None
) -> rdflib.Graph:
    """Interactions and rules (with their drugs, classes and sources) as RDF, for SHACL."""
    model = model or load_model()
    labels, types, props = model.names("label"), model.names("type"), model.names("property")
    g = rdflib.Graph()
    unknown: set[str] = set()
    for row in store.read("list_knowledge_statements", {"limit": limit}):
        s = uid_to_iri(row["uid"])
        for label in row["labels"]:
            g.add((s, RDF.type, rdflib.URIRef(labels.get(label, str(KG[label])))))
        _add_props(g, s, row["props"], props, unknown)
        for edge in row["edges"]:
            if edge.get("type") is None or edge.get("to") is None:
                continue
            o = uid_to_iri(edge["to"])
            g.add((s, rdflib.URIRef(types.get(edge["type"], str(KG[edge["type"]]))), o))
            g.add((o, KG.uid, rdflib.Literal(edge["to"])))
            for label in edge["to_labels"] or []:
                g.add((o, RDF.type, rdflib.URIRef(labels.get(label, str(KG[label])))))
    return g


def serialize(g: rdflib.Graph, fmt: str) -> str:
    """Turtle or JSON-LD text of ``g``.

    Raises:
        ValidationError: unknown format.
    """
    if fmt not in FORMATS:
        raise ValidationError(f"format {fmt!r} is not valid (choices: {', '.join(FORMATS)})")
    if fmt == "jsonld":
        context = {"kgtwin": str(KG), "kgid": str(KGID)}
        return g.serialize(format="json-ld", context=context, auto_compact=True)
    return g.serialize(format="turtle")


def read_rdf(path: Path | str, fmt: str | None = None) -> rdflib.Graph:
    """Parse a twin file (Turtle or JSON-LD, from the extension unless ``fmt`` is given).

    Raises:
        ValidationError: unreadable file or bad syntax (with the line where known).
    """
    p = Path(path)
    if fmt is None:
        fmt = "jsonld" if p.suffix.lower() in (".jsonld", ".json") else "turtle"
    if fmt not in FORMATS:
        raise ValidationError(f"format {fmt!r} is not valid (choices: {', '.join(FORMATS)})")
    if not p.is_file():
        raise ValidationError(f"file {str(p)!r} does not exist")
    g = rdflib.Graph()
    try:
        g.parse(p, format=FORMATS[fmt])
    except Exception as exc:  # rdflib raises several parser-specific errors
        line = getattr(exc, "lines", None)
        where = f"{p}:{line + 1}" if isinstance(line, int) else str(p)
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        raise ValidationError(f"{where}: cannot parse as {fmt}: {why}") from exc
    return g


def _value(g: rdflib.Graph, o: rdflib.term.Node) -> Any:
    if o == RDF.nil or (isinstance(o, rdflib.BNode) and (o, RDF.first, None) in g):
        return [_value(g, x) for x in Collection(g, o)]
    if isinstance(o, rdflib.Literal):
        return o.toPython()
    return str(o)


def _uid(s: rdflib.term.Node) -> str:
    uid = iri_to_uid(str(s))
    if uid is None:
        raise ValidationError(f"node {s} is not a kgtwin node IRI (expected {KGID}<uid>)")
    return uid


def twin_params(g: rdflib.Graph, model: OntologyModel | None = None) -> dict[str, Any]:
    """The parameters of ``import_twin`` read from an RDF twin.

    Raises:
        ValidationError: not exactly one patient, or unknown terms.
    """
    model = model or load_model()
    label_of = {iri: name for name, iri in model.names("label").items()}
    type_of = {iri: name for name, iri in model.names("type").items()}
    prop_of = {iri: name for name, iri in model.names("property").items()}
    nodes: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for s, o in g.subject_objects(RDF.type):
        if o == OWL.NamedIndividual:
            continue
        if str(o) not in label_of:
            problems.append(f"{s}: type {o} is not a kgtwin node label")
            continue
        nodes.setdefault(str(s), {"labels": [], "props": {}, "edges": []})["labels"].append(
            label_of[str(o)]
        )
    for iri, node in nodes.items():
        s = rdflib.URIRef(iri)
        for p, o in g.predicate_objects(s):
            if p == RDF.type:
                continue
            if str(p) in prop_of:
                node["props"][prop_of[str(p)]] = _value(g, o)
            elif str(p) in type_of:
                node["edges"].append((type_of[str(p)], _uid(o)))
            else:
                problems.append(f"{s}: predicate {p} is not declared in the ontology")
    patients = [iri for iri, n in nodes.items() if "Patient" in n["labels"]]
    if len(patients) != 1:
        problems.append(f"expected exactly one kgtwin:Patient, found {len(patients)}")
    if problems:
        raise ValidationError("the RDF is not a kgtwin twin", problems=problems[:20])
    pat_iri = patients[0]
    pat = nodes[pat_iri]
    latest = {to for t, to in pat["edges"] if t == "LATEST_OBSERVATION"}
    refs, resources = [], []
    for iri, node in sorted(nodes.items()):
        uid = _uid(rdflib.URIRef(iri))
        label = next((lb for lb in node["labels"] if lb in REF_LABELS), None)
        twin_label = next((lb for lb in node["labels"] if lb in TWIN_LABELS), None)
        if label and not twin_label:
            refs.append({"label": label, "uid": uid, "props": node["props"]})
        elif twin_label:
            row: dict[str, Any] = {"label": twin_label, "uid": uid, "props": node["props"]}
            for key in (*_EDGE_KEYS.values(), "to_drug", "to_class"):
                row[key] = []
            for t, to in node["edges"]:
                if t in _EDGE_KEYS:
                    row[_EDGE_KEYS[t]].append(to)
                elif t == "TO_SUBSTANCE":
                    to_labels = nodes.get(str(uid_to_iri(to)), {}).get("labels", [])
                    row["to_class" if "DrugClass" in to_labels else "to_drug"].append(to)
            row["latest"] = uid in latest
            resources.append(row)
    return {
        "refs": refs,
        "patient": {"uid": _uid(rdflib.URIRef(pat_iri)), "props": pat["props"]},
        "resources": resources,
    }


def import_twin(
    store: GraphStore, g: rdflib.Graph, model: OntologyModel | None = None
) -> dict[str, Any]:
    """Write the twin held in ``g`` into the graph (one atomic statement)."""
    rows = store.write("import_twin", twin_params(g, model))
    return rows[0] if rows else {}


def validate_shapes(g: rdflib.Graph, shapes_dir: Path | None = None) -> ShapeReport:
    """Validate ``g`` against every ``ontology/shapes/*.ttl`` with pyshacl."""
    import pyshacl

    shapes = rdflib.Graph()
    for path in sorted((shapes_dir or default_shapes_dir()).glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, results, text = pyshacl.validate(g, shacl_graph=shapes, inference="none")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = []
    for r in results.subjects(RDF.type, sh.ValidationResult):
        focus = results.value(r, sh.focusNode)
        path = results.value(r, sh.resultPath)
        msg = results.value(r, sh.resultMessage)
        where = iri_to_uid(str(focus)) or str(focus)
        path_name = str(path).rsplit("#", 1)[-1] if path is not None else "-"
        violations.append(f"{where} {path_name}: {msg}")
    return ShapeReport(bool(conforms), tuple(sorted(violations)), str(text))
