"""Genotypes on the twin: from FHIR genotype Observations, PharmCAT output, the CLI and the API.

A call names a gene and a diplotype (``CYP2C19``, ``*1/*2``). kgtwin looks the diplotype up in
the knowledge base's Diplotype nodes and stores the phenotype, activity score and lookup key
that CPIC assigns, with the source of the call. Example: CYP2C19 ``*2/*2`` is a Poor
Metabolizer, for whom CPIC advises against clopidogrel.

Single-variant genes that CPIC's tables lack (VKORC1 and CYP4F2, for warfarin) come from
``curated/variant_genotypes.csv``, stored in PharmCAT's form (``rs9923231 reference (C)/
rs9923231 variant (T)``); the usual other spellings (``C/T``, ``-1639G/A``, ``G/A``) are
accepted as the knowledge base lists them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import NotFound, ValidationError, choices
from kg.ingest.events import change_key, event_row
from kg.ingest.times import Instant, now
from kg.ingest.writer import write_twin
from kg.store import GraphStore

__all__ = [
    "SOURCES",
    "GenotypeCall",
    "GenotypeRequest",
    "genotype_from_observation",
    "load_pharmcat",
    "normalise_diplotype",
    "parse_pharmcat_json",
    "parse_pharmcat_tsv",
    "resolve_genotypes",
    "set_genotype",
    "set_genotypes",
]

SOURCES = ("api", "fhir", "manual", "pharmcat")
GENE_STUDIED = "48018-6"
GENOTYPE_DISPLAY = "84413-4"
_HGNC = "http://www.genenames.org"
_UNKNOWN_ALLELES = ("", "unknown", "Unknown", "N/A")


@dataclass(frozen=True)
class GenotypeRequest:
    """A call to resolve: who, which gene and diplotype, from where (``location`` for errors)."""

    patient_uid: str
    gene: str
    diplotype: str
    source: str
    location: str
    resource_uid: str | None = None


@dataclass(frozen=True)
class GenotypeCall:
    """A stored genotype: the diplotype and what CPIC derives from it."""

    patient_id: str
    gene: str
    diplotype: str
    phenotype: str | None
    activity_score: str | None
    lookup_key: str | None
    source: str
    recorded_at: str | None = None


def normalise_diplotype(gene: str, text: str) -> str:
    """``CYP2C19*1/CYP2C19*2`` or ``*1 / *2`` -> ``*1/*2``."""
    parts = [p.strip() for p in text.strip().split("/")]
    out = []
    for p in parts:
        if p.upper().startswith(gene.upper()) and len(p) > len(gene):
            p = p[len(gene) :].strip()
        out.append(p)
    return "/".join(out)


def _spelling(text: str) -> str:
    return "".join(text.split()).upper()


def _synonyms(store: GraphStore, gene: str) -> dict[str, str]:
    """Other spellings of ``gene``'s diplotypes (either allele order) -> Diplotype uid."""
    out: dict[str, str] = {}
    for row in store.read("list_diplotype_synonyms", {"gene": gene}):
        for text in row["synonyms"] or []:
            out.setdefault(_spelling(text), row["uid"])
            out.setdefault(_spelling(_flipped(text)), row["uid"])
    return out


def _flipped(text: str) -> str:
    """``rs9923231 C/T`` -> ``rs9923231 T/C``; ``G/A`` -> ``A/G`` (a leading label stays)."""
    if text.count("/") != 1:
        return text
    left, right = text.split("/")
    label, _, first = left.strip().rpartition(" ")
    return f"{label} {right.strip()}/{first}".strip()


def _candidates(gene: str, diplotype: str) -> list[str]:
    d = normalise_diplotype(gene, diplotype)
    flipped = "/".join(reversed(d.split("/")))
    return [f"{gene}:{d}"] + ([f"{gene}:{flipped}"] if flipped != d else [])


def genotype_from_observation(r: Mapping[str, Any]) -> tuple[str | None, str | None] | None:
    """(gene, diplotype) of an HL7 Genomics Reporting genotype Observation, else None.

    Recognised: a component "gene studied" (LOINC 48018-6, HGNC coding) plus a component or
    value "genotype display" (LOINC 84413-4), e.g. ``*1/*2``.
    """
    codes = {c.get("code") for c in (r.get("code") or {}).get("coding") or []}
    comps = {}
    for comp in r.get("component") or []:
        for c in (comp.get("code") or {}).get("coding") or []:
            comps[c.get("code")] = comp
    if GENE_STUDIED not in comps and GENOTYPE_DISPLAY not in codes | set(comps):
        return None
    gene = None
    cc: Mapping[str, Any]
    coding: Mapping[str, Any]
    if GENE_STUDIED in comps:
        cc = comps[GENE_STUDIED].get("valueCodeableConcept") or {}
        coding = next(iter(cc.get("coding") or []), {})
        gene = coding.get("display") or cc.get("text")
        if not gene and not str(coding.get("code", "")).startswith("HGNC:"):
            gene = coding.get("code")
    holder: Mapping[str, Any] = comps.get(GENOTYPE_DISPLAY, r)
    text = holder.get("valueString")
    if text is None and "valueCodeableConcept" in holder:
        cc = holder["valueCodeableConcept"] or {}
        coding = next(iter(cc.get("coding") or []), {})
        text = cc.get("text") or coding.get("display") or coding.get("code")
    if isinstance(text, str) and gene is None and " " in text.strip():
        gene, text = text.strip().split(None, 1)
    return (str(gene).strip() if gene else None), (str(text).strip() if text else None)


def parse_pharmcat_tsv(text: str) -> list[tuple[str, str, str]]:
    """(gene, diplotype, location) per line of a PharmCAT outside-call file (``GENE\tDIPLOTYPE``).

    Raises:
        ValidationError: listing every line that is not ``GENE<TAB>DIPLOTYPE[<TAB>...]``.
    """
    calls, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            problems.append(f"line {n}: found {line[:60]!r}, expected GENE<TAB>DIPLOTYPE")
            continue
        calls.append((cols[0].strip(), cols[1].strip(), f"line {n}"))
    if problems:
        raise ValidationError("PharmCAT outside-call file is malformed", problems)
    return calls


def _gene_reports(genes: Mapping[str, Any]) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    for key, value in genes.items():
        if not isinstance(value, Mapping):
            continue
        if "sourceDiplotypes" in value or "recommendationDiplotypes" in value:
            yield key, f"genes.{key}", value
        else:  # PharmCAT 2.x nests gene reports under their source: genes.CPIC.CYP2C19
            for gene, report in value.items():
                if isinstance(report, Mapping):
                    yield gene, f"genes.{key}.{gene}", report


def parse_pharmcat_json(data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(gene, diplotype, location) from a PharmCAT report JSON (``genes`` -> diplotypes).

    Takes ``recommendationDiplotypes`` (else ``sourceDiplotypes``) and joins the two allele
    names; genes with no call (allele "Unknown") are left out. The first source wins.

    Raises:
        ValidationError: the document has no ``genes`` object.
    """
    genes = data.get("genes") if isinstance(data, Mapping) else None
    if not isinstance(genes, Mapping):
        raise ValidationError(
            "not a PharmCAT report", [f"genes: found {type(genes).__name__}, expected an object"]
        )
    calls: dict[str, tuple[str, str, str]] = {}
    for gene, loc, report in _gene_reports(genes):
        key = (
            "recommendationDiplotypes"
            if report.get("recommendationDiplotypes")
            else "sourceDiplotypes"
        )
        for i, dip in enumerate(report.get(key) or []):
            names = [((dip.get(a) or {}).get("name") or "") for a in ("allele1", "allele2")]
            names = [n for n in names if n]
            if gene in calls or not names or any(n in _UNKNOWN_ALLELES for n in names):
                continue
            calls[gene] = (gene, "/".join(names), f"{loc}.{key}[{i}]")
    return list(calls.values())


def _known_genes(store: GraphStore) -> list[str]:
    return [r["gene"] for r in store.read("list_genes_with_diplotypes")]


def _diplotypes(
    store: GraphStore, uids: set[str], cache: dict[str, dict[str, Any] | None] | None
) -> dict[str, dict[str, Any]]:
    """Diplotype rows by uid, read once per knowledge base when a cache is given."""
    cache = {} if cache is None else cache
    missing = sorted(uids - cache.keys())
    if missing:
        rows = {r["uid"]: r for r in store.read("get_diplotypes_for_calls", {"uids": missing})}
        for uid in missing:
            cache[uid] = rows.get(uid)
    return {u: row for u in uids if (row := cache.get(u)) is not None}


def resolve_genotypes(
    store: GraphStore,
    requests: Sequence[GenotypeRequest],
    *,
    recorded: Instant,
    cache: dict[str, dict[str, Any] | None] | None = None,
    new_patients: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[GenotypeCall]]:
    """Look up each request's Diplotype; return (genotype rows, event rows, problems, calls).

    Args:
        cache: Diplotype rows already read (kept by the CodeResolver of the knowledge base).
        new_patients: Patient uids known to have no twin yet (their old calls are not read).
    """
    if not requests:
        return [], [], [], []
    found = _diplotypes(
        store, {uid for r in requests for uid in _candidates(r.gene, r.diplotype)}, cache
    )
    genotype_uids = sorted(
        {
            f"Genotype/{r.patient_uid.split('/', 1)[1]}/{r.gene}"
            for r in requests
            if r.patient_uid not in new_patients
        }
    )
    before: dict[str, str | None] = {}
    if genotype_uids:
        before = {
            row["uid"]: row["diplotype"]
            for row in store.read("get_genotype_states", {"uids": genotype_uids})
        }
    rows: dict[str, dict[str, Any]] = {}
    events, problems, calls = [], [], []
    genes: list[str] | None = None
    synonyms: dict[str, dict[str, str]] = {}
    for req in requests:
        if req.source not in SOURCES:
            problems.append(
                f"{req.location}: found source {req.source!r}, expected one of {choices(SOURCES)}"
            )
            continue
        hit = next((found[u] for u in _candidates(req.gene, req.diplotype) if u in found), None)
        if hit is None:  # another spelling, e.g. VKORC1 "G/A" for rs9923231 C/T
            if req.gene not in synonyms:
                synonyms[req.gene] = _synonyms(store, req.gene)
            written = _spelling(normalise_diplotype(req.gene, req.diplotype))
            spelled = synonyms[req.gene].get(written)
            if spelled is not None:
                hit = _diplotypes(store, {spelled}, cache).get(spelled)
        if hit is None:
            genes = genes if genes is not None else _known_genes(store)
            if req.gene not in genes:
                problems.append(
                    f"{req.location}: found gene {req.gene!r}, expected one of {choices(genes)}"
                )
            else:
                examples = [
                    r["name"]
                    for r in store.read("list_diplotype_examples", {"gene": req.gene, "limit": 8})
                ]
                problems.append(
                    f"{req.location}: found {req.gene} diplotype {req.diplotype!r}, expected a "
                    f"CPIC diplotype such as {', '.join(examples)}"
                )
            continue
        pid = req.patient_uid.split("/", 1)[1]
        uid = f"Genotype/{pid}/{req.gene}"
        rows[uid] = {
            "uid": uid,
            "patient_uid": req.patient_uid,
            "props": {
                "gene": req.gene,
                "diplotype": hit["name"],
                "phenotype": hit["phenotype"],
                "activity_score": hit["activity_score"],
                "lookup_key": hit["lookup_key"],
                "source": req.source,
                "recorded_at": recorded.iso,
            },
            "diplotype_uid": hit["uid"],
            "phenotype_uid": hit["phenotype_uid"] or f"{req.gene}:{hit['phenotype']}",
            "gene_uid": hit["gene_uid"] or "",
        }
        if before.get(uid) != hit["name"]:
            detail = f"{before.get(uid) or 'none'} -> {hit['name']}"
            key = change_key(req.gene, recorded, detail)
            events.append(event_row(pid, "genotype_set", key, recorded, uid, detail))
            before[uid] = hit["name"]
        calls.append(
            GenotypeCall(
                patient_id=pid,
                gene=req.gene,
                diplotype=hit["name"],
                phenotype=hit["phenotype"],
                activity_score=hit["activity_score"],
                lookup_key=hit["lookup_key"],
                source=req.source,
                recorded_at=recorded.iso,
            )
        )
    return list(rows.values()), events, problems, calls


def set_genotypes(
    store: GraphStore,
    patient_id: str,
    calls: Iterable[tuple[str, str, str]],
    *,
    source: str = "manual",
) -> list[GenotypeCall]:
    """Store several calls (gene, diplotype, location) for one patient, all or none.

    Raises:
        NotFound: no such patient.
        ValidationError: any call names an unknown gene or diplotype (every one is listed).
    """
    from kg.ingest.twin import require_patient

    require_patient(store, patient_id)
    recorded = now()
    requests = [
        GenotypeRequest(f"Patient/{patient_id}", gene.strip(), dip, source, loc)
        for gene, dip, loc in calls
    ]
    rows, events, problems, out = resolve_genotypes(store, requests, recorded=recorded)
    if problems:
        raise ValidationError(
            f"{len(problems)} genotype call(s) rejected; nothing was written", problems
        )
    if rows:
        write_twin(store, genotypes=rows, events=events)
    return out


def set_genotype(
    store: GraphStore, patient_id: str, gene: str, diplotype: str, *, source: str = "manual"
) -> GenotypeCall:
    """Set one gene's diplotype on a twin; derive phenotype, activity score and lookup key.

    Example: ``set_genotype(store, "p1", "CYP2C19", "*2/*2")`` stores a Poor Metabolizer.

    Raises:
        NotFound: no such patient, or no Diplotype of that gene (names the known genes).
        ValidationError: the gene is known but the diplotype is not (names examples).
    """
    try:
        return set_genotypes(store, patient_id, [(gene, diplotype, "diplotype")], source=source)[0]
    except ValidationError as exc:
        if exc.problems and "found gene" in exc.problems[0]:
            raise NotFound(
                f"Unknown gene {gene!r}: {exc.problems[0].split('expected ', 1)[1]}"
            ) from None
        raise


def load_pharmcat(text: str) -> list[tuple[str, str, str]]:
    """Parse PharmCAT output: report JSON when it parses as a JSON object, else outside-call TSV."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return parse_pharmcat_json(json.loads(stripped))
    return parse_pharmcat_tsv(text)
