"""The API's only calls into the other areas (knowledge, ontology, twin, reasoning, pathways).

Every function is blocking (run it in a worker thread) and returns plain dicts, so resolvers
and CDS services depend on documented names only, in one place.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from typing import Any

from kg.api.alerts import alert_dicts, alert_key, as_dict, raised_alerts
from kg.store import GraphStore

__all__ = [
    "care_pathway",
    "care_pathways",
    "change_twin",
    "check_drugs",
    "find_drug",
    "ingest",
    "ontology_term",
    "pathways_available",
    "pgx",
    "safety",
    "search_drugs",
]


def safety(
    store: GraphStore,
    uid: str,
    *,
    as_of: str | None = None,
    add: Sequence[str] = (),
    stop: Sequence[str] = (),
    labs: Mapping[str, float] | None = None,
    allow_genomic: bool = True,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The safety report (as a dict) and, for a what-if, the diff from the current report."""
    from kg.reasoning import LabValue, WhatIf, safety_report

    what_if = None
    if add or stop or labs:
        what_if = WhatIf(
            add=tuple(add),
            stop=tuple(stop),
            labs=tuple(LabValue(loinc=k, value=float(v)) for k, v in (labs or {}).items()),
        )
    report = safety_report(store, uid, as_of=as_of, what_if=what_if, allow_genomic=allow_genomic)
    d = as_dict(report)
    diff = as_dict(d.get("diff") or getattr(report, "diff", None)) or None
    if what_if is not None and diff is None:
        current = safety_report(store, uid, as_of=as_of, allow_genomic=allow_genomic)
        diff = _diff(alert_dicts(current), [as_dict(a) for a in d.get("alerts") or []])
    return d, diff


def _diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    old = {alert_key(a): a for a in before}
    new = {alert_key(a): a for a in after}
    return {
        "new": [a for k, a in new.items() if k not in old],
        "resolved": [a for k, a in old.items() if k not in new],
        "changed": [
            a for k, a in new.items() if k in old and a.get("severity") != old[k].get("severity")
        ],
    }


def check_drugs(store: GraphStore, drugs: Sequence[str]) -> dict[str, Any]:
    """The ad-hoc interaction and allergy check of a bare list of drugs."""
    from kg.reasoning import check_drugs as check

    return as_dict(check(store, list(drugs)))


def pgx(store: GraphStore, uid: str, drug: str) -> dict[str, Any]:
    """The twin's gene statuses (with phenoconversion) and the PGx alerts for ``drug``."""
    from kg.reasoning import pgx_report

    return as_dict(pgx_report(store, uid, drug))


def gene_statuses(store: GraphStore, uid: str) -> list[dict[str, Any]]:
    """The twin's gene statuses for its current medications (phenoconversion included)."""
    from kg.reasoning import pgx_report

    return [as_dict(g) for g in as_dict(pgx_report(store, uid)).get("genes") or []]


def find_drug(store: GraphStore, *, drug_id: str | None, name: str | None) -> dict[str, Any]:
    """One drug by uid, RxCUI, name or synonym, with its classes.

    Raises:
        NotFound: no such drug (the message suggests close names).
    """
    from kg.reasoning import resolve_drugs

    found = resolve_drugs(store, [str(drug_id or name or "")])
    rows = store.read("get_drugs", {"uids": [found[0][1]]})
    return dict(rows[0])


def search_drugs(store: GraphStore, text: str, limit: int) -> list[dict[str, Any]]:
    """Drugs whose name or synonym contains ``text``, or whose RxCUI or ATC code equals it."""
    rows = store.read("search_drugs", {"text": text.strip().lower(), "limit": limit})
    if not rows:
        return []
    by_uid = {r["uid"]: r for r in store.read("get_drugs", {"uids": [r["uid"] for r in rows]})}
    return [by_uid.get(r["uid"], r) for r in rows]


@functools.cache
def _ontology() -> Any:
    from kg.ontology.model import load_model, parse_ontology

    graph = parse_ontology()
    return graph, load_model(graph=graph)


def ontology_term(
    store: GraphStore, *, iri: str | None, graph_name: str | None
) -> dict[str, Any] | None:
    """What an ontology IRI (or ``kgtwin:`` CURIE) or a graph label/type/property means."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS, SKOS

    from kg.ontology.model import KG, curie

    graph, model = _ontology()
    subject = None
    kind = None
    if iri:
        full = str(KG) + iri.split(":", 1)[1] if iri.startswith("kgtwin:") else iri
        if (URIRef(full), None, None) in graph:
            subject = URIRef(full)
            kind = next((t.kind for t in model.terms if t.iri == full), None)
    elif graph_name:
        term = next((t for t in model.terms if t.graph_name == graph_name), None)
        if term is not None:
            subject, kind = URIRef(term.iri), term.kind
    if subject is None:
        return None

    def texts(p: Any) -> list[str]:
        return sorted(str(o) for o in graph.objects(subject, p))

    names = texts(KG.graphName)
    return {
        "iri": str(subject),
        "curie": curie(str(subject)),
        "graph_name": names[0] if names else None,
        "kind": kind,
        "label": next(iter(texts(RDFS.label)), None),
        "definition": next(iter(texts(SKOS.definition) or texts(RDFS.comment)), None),
        "superclasses": [curie(s) for s in texts(RDFS.subClassOf) if s.startswith("http")],
        "exact_match": texts(SKOS.exactMatch),
        "close_match": texts(SKOS.closeMatch),
        "ontology_version": model.version,
    }


def ingest(store: GraphStore, bundle: Mapping[str, Any], *, lenient: bool) -> dict[str, Any]:
    """Write a FHIR bundle to the twin(s).

    Raises:
        ValidationError: the bundle is malformed; nothing was written.
    """
    from kg.ingest import ingest_bundle

    return as_dict(ingest_bundle(store, dict(bundle), lenient=lenient))


def change_twin(
    store: GraphStore, uid: str, operation: str, args: Mapping[str, Any], *, allow_genomic: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Apply one change to a twin; return what the change returned and the alerts it raised."""
    import kg.ingest as twin

    fhir_id = uid.removeprefix("Patient/")
    before = _alerts_now(store, uid, allow_genomic=allow_genomic)
    a = dict(args)
    out: Any
    if operation == "recordObservation":
        effective = a.get("effective") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        out = twin.append_observation(
            store, fhir_id, a["loinc"], a["value"], a.get("unit"), effective
        )
    elif operation == "prescribe":
        out = twin.record_medication(
            store, fhir_id, a["drug"], start=a.get("start"), dose=a.get("dose_text")
        )
    elif operation == "discontinue":
        out = twin.stop_medication(store, fhir_id, a["drug"], end=a.get("end"))
    elif operation == "setGenotype":
        out = as_dict(twin.set_genotype(store, fhir_id, a["gene"], a["diplotype"], source="api"))
    else:  # pragma: no cover - the resolvers name only the operations above
        raise ValueError(operation)
    after = _alerts_now(store, uid, allow_genomic=allow_genomic)
    return {"result": out}, raised_alerts(before, after)


def _alerts_now(store: GraphStore, uid: str, *, allow_genomic: bool) -> list[dict[str, Any]]:
    from kg.reasoning import safety_report

    return alert_dicts(safety_report(store, uid, allow_genomic=allow_genomic))


def alerts_now(store: GraphStore, uid: str, *, allow_genomic: bool) -> list[dict[str, Any]]:
    """A twin's current alerts (empty when it does not exist yet)."""
    from kg.errors import NotFound

    try:
        return _alerts_now(store, uid, allow_genomic=allow_genomic)
    except NotFound:
        return []


def pathways_available() -> bool:
    """True when the care-pathway engine is installed."""
    try:
        import kg.reasoning.pathways  # noqa: F401
    except ImportError:
        return False
    return True


def care_pathways(store: GraphStore, uid: str) -> list[dict[str, Any]]:
    """Every care pathway evaluated for a twin."""
    from kg.reasoning.pathways import care_pathways as evaluate

    found = evaluate(store, uid)
    items = found if isinstance(found, list | tuple) else as_dict(found).get("pathways", [])
    return [as_dict(p) for p in items]


def care_pathway(store: GraphStore, uid: str, pathway_id: str) -> dict[str, Any]:
    """One care pathway evaluated for a twin."""
    from kg.reasoning.pathways import care_pathway as evaluate

    return as_dict(evaluate(store, uid, pathway_id))
