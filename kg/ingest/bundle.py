"""FHIR ingest: a bundle (or one resource) becomes part of a twin, wholly or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import ValidationError
from kg.ingest.coding import CodeResolver, resolver_for
from kg.ingest.events import change_key, event_row
from kg.ingest.fhir import STOPPED_STATUSES, MappedBundle, map_bundle
from kg.ingest.genotype import resolve_genotypes
from kg.ingest.result import IngestResult, SkippedItem
from kg.ingest.times import Instant, now
from kg.ingest.writer import write_twin
from kg.store import GraphStore

__all__ = ["ingest_bundle", "ingest_bundles", "ingest_resource"]

_ROW_LISTS = (
    "patients", "conditions", "medications", "med_drugs", "allergies", "allergy_substances",
    "observations",
)  # fmt: skip


def ingest_bundle(
    store: GraphStore,
    bundle: Mapping[str, Any],
    *,
    lenient: bool = False,
    resolver: CodeResolver | None = None,
) -> IngestResult:
    """Validate a FHIR R4 Bundle and write it to the twins in ONE atomic statement.

    Resources are upserted by FHIR id: ingesting the same bundle twice changes nothing.
    Unmapped codes are kept on the twin with ``mapped = false`` and listed in the result.

    Args:
        store: the graph.
        bundle: a collection, transaction, batch or searchset Bundle (parsed JSON).
        lenient: skip unknown resource types and genotype calls the knowledge base cannot
            interpret (both reported in ``skipped``) instead of rejecting the bundle.
        resolver: code lookups to reuse across many bundles (default: cached per store).

    Raises:
        ValidationError: listing every problem (``entry[3].resource.code: found ...,
            expected ...``); nothing was written.
    """
    resolver = resolver or resolver_for(store)
    prepared = _prepare(store, bundle, lenient=lenient, resolver=resolver, patient_id=None)
    _write(store, [prepared])
    return prepared.result()


def ingest_bundles(
    store: GraphStore,
    bundles: Iterable[Mapping[str, Any]],
    *,
    lenient: bool = False,
    resolver: CodeResolver | None = None,
    group: int = 25,
) -> Iterator[IngestResult | ValidationError]:
    """Ingest many bundles, writing up to ``group`` valid ones per statement (bulk loads).

    Each bundle is validated on its own: a bad one is yielded as its ValidationError and not
    written, the others are. A group is written by one atomic statement, so a failure at write
    time leaves the whole group out. Bundles of a patient already in the pending group start
    a new group. Yields one result per bundle, in order.
    """
    resolver = resolver or resolver_for(store)
    pending: list[_Prepared] = []
    outcomes: list[IngestResult | ValidationError] = []
    patients: set[str] = set()
    for bundle in bundles:
        try:
            prepared = _prepare(
                store, bundle, lenient=lenient, resolver=resolver, patient_id=None, pending=patients
            )
        except ValidationError as exc:
            outcomes.append(exc)
            continue
        mine = prepared.patient_uids()
        if pending and (mine & patients or len(pending) >= group):
            _write(store, pending)
            yield from outcomes
            pending, outcomes, patients = [], [], set()
        pending.append(prepared)
        outcomes.append(prepared.result())
        patients |= mine
    if pending:
        _write(store, pending)
    yield from outcomes


def ingest_resource(
    store: GraphStore,
    resource: Mapping[str, Any],
    *,
    patient_id: str | None = None,
    resolver: CodeResolver | None = None,
) -> IngestResult:
    """Ingest one FHIR resource (Patient, Condition, Medication*, AllergyIntolerance, Observation).

    Args:
        store: the graph.
        resource: the resource (parsed JSON).
        patient_id: the FHIR id of the patient it belongs to; then ``subject`` may be absent.
        resolver: code lookups to reuse (default: cached per store).

    Raises:
        ValidationError: the resource is malformed or its patient is not on the graph.
    """
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource}]}
    resolver = resolver or resolver_for(store)
    prepared = _prepare(store, bundle, lenient=False, resolver=resolver, patient_id=patient_id)
    _write(store, [prepared])
    return prepared.result()


@dataclass
class _Prepared:
    """A validated bundle with everything resolved, ready to write."""

    mapped: MappedBundle
    genotypes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)

    def patient_uids(self) -> set[str]:
        return {p["uid"] for p in self.mapped.patients} | set(self.mapped.referenced_patients)

    def result(self) -> IngestResult:
        uids = [p["uid"] for p in self.mapped.patients] or sorted(self.mapped.referenced_patients)
        return IngestResult(
            patients=tuple(u.split("/", 1)[1] for u in uids),
            counts=dict(self.mapped.counts),
            unmapped=tuple(self.mapped.unmapped),
            skipped=tuple(self.skipped),
            events=len(self.events),
        )


def _prepare(
    store: GraphStore,
    bundle: Mapping[str, Any],
    *,
    lenient: bool,
    resolver: CodeResolver,
    patient_id: str | None,
    pending: set[str] | None = None,
) -> _Prepared:
    recorded = now()
    mapped = map_bundle(bundle, resolver, lenient=lenient, patient_id=patient_id, recorded=recorded)
    new = _new_patients(store, mapped, pending or set())
    genotypes, genotype_events, problems, _ = resolve_genotypes(
        store,
        mapped.genotype_requests,
        recorded=recorded,
        cache=resolver.diplotypes,
        new_patients=new,
    )
    skipped = list(mapped.skipped)
    if problems and lenient:
        skipped += [SkippedItem(p.split(".", 1)[0], "Observation", None, p) for p in problems]
    elif problems:
        mapped.problems.extend(problems)
    if mapped.problems:
        raise ValidationError(
            f"bundle rejected: {len(mapped.problems)} problem(s); nothing was written",
            mapped.problems,
        )
    if genotypes:
        mapped.count("Genotype", len(genotypes))
    events = mapped.events + _medication_change_events(store, mapped, recorded, new)
    return _Prepared(mapped, genotypes, events + genotype_events, skipped)


def _write(store: GraphStore, prepared: list[_Prepared]) -> None:
    """All prepared bundles in one ``write_twin`` statement."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _ROW_LISTS}
    genotypes, events = [], []
    for p in prepared:
        for name in _ROW_LISTS:
            rows[name] += getattr(p.mapped, name)
        genotypes += p.genotypes
        events += p.events
    latest = [row for p in prepared for row in p.mapped.latest_rows()]
    write_twin(store, **rows, latest=latest, genotypes=genotypes, events=events)


def _new_patients(store: GraphStore, mapped: MappedBundle, pending: set[str]) -> frozenset[str]:
    """Patients of the bundle not yet on the graph; a problem for each referenced one missing.

    ``pending`` holds patients of bundles validated but not yet written (bulk ingest).
    """
    in_bundle = {p["uid"] for p in mapped.patients} | (pending & set(mapped.referenced_patients))
    uids = sorted(in_bundle | set(mapped.referenced_patients))
    if not uids:
        return frozenset()
    existing = {r["uid"] for r in store.read("list_known_patients", {"uids": uids})}
    for uid in uids:
        if uid not in existing and uid not in in_bundle:
            mapped.problems.append(
                f"{mapped.referenced_patients[uid]}: found {uid!r}, expected a Patient in this "
                "bundle or already on a twin"
            )
    return frozenset(set(uids) - existing)


def _medication_change_events(
    store: GraphStore, mapped: MappedBundle, recorded: Instant, new: frozenset[str]
) -> list[dict[str, Any]]:
    """Stop and dose-change events, found by comparing with what the twin held before."""
    uids = [m["uid"] for m in mapped.medications if m["patient_uid"] not in new]
    before = {}
    if uids:
        before = {r["uid"]: r for r in store.read("get_medication_states", {"uids": uids})}
    events = []
    for m in mapped.medications:
        old, new_props = before.get(m["uid"]), m["props"]
        fhir_id = m["uid"].split("/", 1)[1]
        pid = m["patient_uid"].split("/", 1)[1]
        stopped_now = new_props["status"] in STOPPED_STATUSES and new_props["end"] is None
        if stopped_now and (old is None or old["status"] not in STOPPED_STATUSES):
            events.append(event_row(pid, "medication_stopped", fhir_id, recorded, m["uid"]))
        if (
            old
            and old["dose_text"]
            and new_props["dose_text"]
            and (old["dose_text"] != new_props["dose_text"])
        ):
            detail = f"{old['dose_text']} -> {new_props['dose_text']}"
            key = change_key(fhir_id, recorded, detail)
            events.append(event_row(pid, "dose_changed", key, recorded, m["uid"], detail))
    return events
