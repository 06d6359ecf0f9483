"""``ontology sync``: write the ontology's classes and what reasoning infers into the graph.

Reads the drugs' enzyme roles and asserted memberships and the patients' phenotypes (named
queries), reasons over them with the ontology in a fresh owlready2 World (HermiT), then in
ONE atomic statement creates the classes (DrugClass for drug classes, OntologyClass for
phenotype patient classes), adds the inferred ``MEMBER_OF``/``IN_CLASS``/``SUBCLASS_OF``
edges (``inferred: true``, ``ontology_version``) and removes inferred edges that no longer
hold. Asserted edges (no ``inferred`` flag) are never touched or duplicated. Running it
twice changes nothing the second time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kg.ontology.model import load_model, parse_ontology
from kg.ontology.reasoner import DrugFacts, Inference, PatientFacts, reason
from kg.store import GraphStore
from kg.vocab.types import IN_CLASS, MEMBER_OF, SUBCLASS_OF

__all__ = ["InferredEdge", "SyncDiff", "read_facts", "sync_ontology"]


@dataclass(frozen=True, order=True)
class InferredEdge:
    """One inferred edge: ``(from_uid)-[type]->(to_uid)``."""

    type: str
    from_uid: str
    to_uid: str

    def __str__(self) -> str:
        return f"({self.from_uid})-[:{self.type}]->({self.to_uid})"


@dataclass(frozen=True)
class SyncDiff:
    """What a sync added and removed (or would, with ``dry_run``)."""

    added: tuple[InferredEdge, ...]
    removed: tuple[InferredEdge, ...]
    ontology_version: str
    dry_run: bool
    classes: int  # ontology classes materialised as nodes
    reasoning_seconds: float
    total_seconds: float
    unsatisfiable: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the sync added or removed an edge."""
        return bool(self.added or self.removed)

    def lines(self) -> list[str]:
        """The diff as printable lines (``+ edge`` / ``- edge``)."""
        out = [f"+ {e}" for e in self.added] + [f"- {e}" for e in self.removed]
        out += [f"! unsatisfiable class {c}" for c in self.unsatisfiable]
        out += [f"! {w}" for w in self.warnings]
        return out


def read_facts(store: GraphStore) -> tuple[list[DrugFacts], list[PatientFacts]]:
    """The drug and patient facts the reasoner needs, read with named queries."""
    drugs = [
        DrugFacts(
            uid=row["uid"],
            roles=tuple((r["type"], r["qualifier"] or "", r["gene"]) for r in row["roles"]),
            classes=tuple(row["classes"]),
        )
        for row in store.read("list_drug_facts")
    ]
    calls: dict[str, list[tuple[str, str]]] = {}
    for row in store.read("list_patient_phenotypes"):
        if row["phenotype_uid"]:
            calls.setdefault(row["patient_uid"], []).append(
                (row["genotype_uid"], row["phenotype_uid"])
            )
    patients = [PatientFacts(uid, tuple(sorted(c))) for uid, c in sorted(calls.items())]
    return drugs, patients


def _desired(inference: Inference, patient_class_uids: set[str]) -> set[InferredEdge]:
    edges = {
        InferredEdge(MEMBER_OF, drug, cls)
        for drug, classes in inference.drug_classes.items()
        for cls in classes
    }
    edges |= {
        InferredEdge(IN_CLASS, patient, cls)
        for patient, classes in inference.patient_classes.items()
        for cls in classes
    }
    edges |= {InferredEdge(SUBCLASS_OF, a, b) for a, b in inference.subclass_of}
    return edges


def _rows(edges: list[InferredEdge], edge_type: str) -> list[dict[str, str]]:
    return [{"from": e.from_uid, "to": e.to_uid} for e in edges if e.type == edge_type]


def sync_ontology(
    store: GraphStore,
    *,
    dry_run: bool = False,
    ontology_path: Path | str | None = None,
    reasoner: str = "hermit",
) -> SyncDiff:
    """Bring the graph's classes and inferred edges in line with the ontology.

    Example: after an ontology editor states that clarithromycin strongly inhibits CYP3A4,
    ``sync_ontology(store)`` adds ``(RxNorm:21212)-[:MEMBER_OF {inferred: true}]->
    (kgtwin:StrongCYP3A4Inhibitor)``, so every class-level rule on that class reaches it.

    Args:
        store: the graph.
        dry_run: compute and return the diff without writing anything.
        ontology_path: the Turtle file (default ``ontology/kgtwin.ttl``).
        reasoner: ``hermit`` (default) or ``pellet`` (needs a newer Java than 17).

    Returns:
        The added and removed inferred edges.

    Raises:
        ValidationError: syntax error in the ontology, or ontology plus facts inconsistent
            (``problems`` lists the offending axioms).
        ConfigError: no Java runtime, or the reasoner cannot run.
    """
    start = time.perf_counter()
    graph = parse_ontology(ontology_path)
    model = load_model(ontology_path, graph=graph)
    drugs, patients = read_facts(store)
    inference = reason(model, graph, drugs, patients, reasoner=reasoner)
    patient_class_uids = {c.uid for c in model.classes if c.is_patient_class}
    desired = _desired(inference, patient_class_uids)
    warnings: list[str] = []
    if inference.ontology_only_drugs:
        present = {
            r["uid"]
            for r in store.read(
                "list_existing_drugs", {"uids": list(inference.ontology_only_drugs)}
            )
        }
        for uid in sorted(set(inference.ontology_only_drugs) - present):
            warnings.append(
                f"the ontology states facts about drug {uid}, which is not in the graph"
            )
            desired = {e for e in desired if not (e.type == MEMBER_OF and e.from_uid == uid)}
    asserted: set[InferredEdge] = set()
    current: set[InferredEdge] = set()
    for row in store.read("list_class_edges"):
        edge = InferredEdge(row["type"], row["from_uid"], row["to_uid"])
        (current if row["inferred"] else asserted).add(edge)
    desired -= asserted
    added = sorted(desired - current)
    removed = sorted(current - desired)
    classes = [c for c in model.classes]
    if not dry_run:
        store.write(
            "apply_ontology_sync",
            {
                "version": model.version,
                "drug_classes": [
                    {"uid": c.uid, "iri": c.iri, "label": c.label, "kind": c.kind}
                    for c in classes
                    if not c.is_patient_class
                ],
                "patient_classes": [
                    {"uid": c.uid, "iri": c.iri, "label": c.label}
                    for c in classes
                    if c.is_patient_class
                ],
                "add_members": _rows(added, MEMBER_OF),
                "remove_members": _rows(removed, MEMBER_OF),
                "add_in_class": _rows(added, IN_CLASS),
                "remove_in_class": _rows(removed, IN_CLASS),
                "add_subclasses": _rows(added, SUBCLASS_OF),
                "remove_subclasses": _rows(removed, SUBCLASS_OF),
            },
        )
    return SyncDiff(
        added=tuple(added),
        removed=tuple(removed),
        ontology_version=model.version,
        dry_run=dry_run,
        classes=len(classes),
        reasoning_seconds=inference.seconds,
        total_seconds=time.perf_counter() - start,
        unsatisfiable=inference.unsatisfiable,
        warnings=tuple(warnings),
    )
