"""Pharmacogenomics: CPIC recommendations at the patient's phenotype, with phenoconversion.

Phenoconversion (drug-drug-gene): a strong inhibitor of CYP2D6, CYP2C19 or CYP2C9 among the
medications makes a genotypic normal metabolizer behave as a poor metabolizer. Moderate
inhibitors follow the CPIC activity-score rule (activity score x 0.5, Cicali et al. 2021,
PMID 33325019) for the activity-score genes CYP2D6 and CYP2C9, and lower a CYP2C19 phenotype by
one step. The recommendation is then looked up with the converted key and says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.reasoning.context import CheckInput
from kg.reasoning.findings import AlertBuilder, evidence_from
from kg.reasoning.model import Alert, Evidence
from kg.store import GraphStore

__all__ = [
    "PHENOCONVERSION_GENES",
    "GeneStatus",
    "convert_phenotype",
    "find_pgx",
    "gene_statuses",
    "lookup_key_of",
]

PHENOCONVERSION_GENES = ("CYP2C19", "CYP2C9", "CYP2D6")
_ACTIVITY_GENES = ("CYP2C9", "CYP2D6", "DPYD")
_CYP2C19_STEPS = (
    "Ultrarapid Metabolizer",
    "Rapid Metabolizer",
    "Normal Metabolizer",
    "Intermediate Metabolizer",
    "Poor Metabolizer",
)
_CLASS_RANK = {"Strong": 4, "Moderate": 3, "Optional": 2, "No recommendation": 1}
_AVOID = re.compile(r"\bavoid|contraindicat|\balternat|not recommended|reduce", re.IGNORECASE)
_STANDARD = re.compile(
    r"label[- ]recommended|standard dos|at standard|per standard|normal starting dose|"
    r"recommended starting dose|no change|use .* per",
    re.IGNORECASE,
)
_NORMAL = re.compile(r"\bnormal\b", re.IGNORECASE)


@dataclass(frozen=True)
class GeneStatus:
    """A gene's genotype-derived status and, when a drug inhibits it, the converted one."""

    gene: str
    diplotype: str | None
    phenotype: str | None
    activity_score: str | None
    lookup_key: str | None
    converted_phenotype: str | None = None
    converted_key: str | None = None
    perpetrators: tuple[tuple[str, str, str], ...] = ()  # (drug uid, name, strength)
    evidence: tuple[Evidence, ...] = ()

    @property
    def phenoconverted(self) -> bool:
        """True when a co-medication changes the lookup key."""
        return self.converted_key is not None and self.converted_key != self.lookup_key

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "gene": self.gene,
            "diplotype": self.diplotype,
            "phenotype": self.phenotype,
            "activity_score": self.activity_score,
            "lookup_key": self.lookup_key,
            "phenoconverted": self.phenoconverted,
            "converted_phenotype": self.converted_phenotype,
            "converted_key": self.converted_key,
            "perpetrators": [{"uid": u, "name": n, "strength": s} for u, n, s in self.perpetrators],
        }


def lookup_key_of(genotype: Mapping[str, Any]) -> str | None:
    """The CPIC lookup key of a genotype (activity score for CYP2D6/CYP2C9/DPYD, else phenotype)."""
    if genotype.get("lookup_key"):
        return str(genotype["lookup_key"])
    if genotype.get("gene") in _ACTIVITY_GENES and genotype.get("activity_score"):
        return str(genotype["activity_score"])
    return genotype.get("phenotype")


def _score_text(score: float) -> str:
    return f"{score:.1f}" if score == int(score) else f"{score:g}"


def _activity_phenotype(gene: str, score: float) -> str:
    if gene == "CYP2D6":
        if score == 0:
            return "Poor Metabolizer"
        if score < 1.25:
            return "Intermediate Metabolizer"
        return "Normal Metabolizer" if score <= 2.25 else "Ultrarapid Metabolizer"
    # CYP2C9
    if score <= 0.5:
        return "Poor Metabolizer"
    return "Intermediate Metabolizer" if score < 2 else "Normal Metabolizer"


def convert_phenotype(
    gene: str, phenotype: str | None, lookup_key: str | None, strength: str
) -> tuple[str, str] | None:
    """The (phenotype, lookup key) a strong or moderate inhibitor converts a genotype to.

    Returns None when the genotype is indeterminate or already as poor as the conversion.

    Example: CYP2D6 activity score 2.0 (normal) with paroxetine (strong) gives
    ``("Poor Metabolizer", "0.0")``; with duloxetine (moderate) ``("Intermediate
    Metabolizer", "1.0")``.
    """
    if gene in ("CYP2D6", "CYP2C9"):
        try:
            score = float((lookup_key or "").lstrip("≥"))
        except ValueError:
            return None
        new = 0.0 if strength == "strong" else score * 0.5
        step = 2 if gene == "CYP2C9" else 4  # CPIC scores move in steps of 0.5 / 0.25
        new = math.floor(new * step) / step
        if new >= score:
            return None
        return _activity_phenotype(gene, new), _score_text(new)
    if gene == "CYP2C19":
        base = (phenotype or lookup_key or "").replace("Likely ", "")
        if base not in _CYP2C19_STEPS:
            return None
        i = _CYP2C19_STEPS.index(base)
        j = len(_CYP2C19_STEPS) - 1 if strength == "strong" else min(i + 1, len(_CYP2C19_STEPS) - 1)
        if j <= i:
            return None
        new_pheno = _CYP2C19_STEPS[j]
        return new_pheno, new_pheno
    return None


def gene_statuses(
    store: GraphStore, genotypes: Sequence[Mapping[str, Any]], drug_uids: Sequence[str]
) -> dict[str, GeneStatus]:
    """Each genotyped gene's status, converted by inhibitors among ``drug_uids``."""
    statuses = {
        str(g["gene"]): GeneStatus(
            gene=str(g["gene"]),
            diplotype=g.get("diplotype"),
            phenotype=g.get("phenotype"),
            activity_score=g.get("activity_score"),
            lookup_key=lookup_key_of(g),
        )
        for g in genotypes
        if g.get("gene")
    }
    genes = [g for g in PHENOCONVERSION_GENES if g in statuses]
    if not genes or not drug_uids:
        return statuses
    params = {"drug_uids": list(drug_uids), "genes": genes}
    perps: dict[str, list[Mapping[str, Any]]] = {}
    for r in store.read("find_enzyme_perpetrators", params):
        if r["role"] == "INHIBITS" and r["strength"] in ("strong", "moderate"):
            perps.setdefault(r["gene"], []).append(r)
    for gene, rows in perps.items():
        st = statuses[gene]
        strongest = "strong" if any(r["strength"] == "strong" for r in rows) else "moderate"
        conv = convert_phenotype(gene, st.phenotype, st.lookup_key, strongest)
        if conv is None:
            continue
        statuses[gene] = GeneStatus(
            gene=st.gene,
            diplotype=st.diplotype,
            phenotype=st.phenotype,
            activity_score=st.activity_score,
            lookup_key=st.lookup_key,
            converted_phenotype=conv[0],
            converted_key=conv[1],
            perpetrators=tuple(
                sorted((r["drug_uid"], r["drug_name"], r["strength"]) for r in rows)
            ),
            evidence=tuple(
                e
                for r in rows
                if (e := evidence_from(r, rule_id=f"phenoconversion:{gene}:{r['strength']}"))
            ),
        )
    return statuses


def _severity(classification: str | None, text: str, normal: bool) -> str:
    standard = bool(_STANDARD.search(text)) and not _AVOID.search(text)
    if classification == "Strong":
        if _AVOID.search(text):
            return "major"
        return "info" if standard or normal else "moderate"
    if classification == "Moderate":
        return "info" if standard and normal else ("moderate" if _AVOID.search(text) else "minor")
    if classification == "Optional":
        return "info" if standard or normal else "minor"
    return "info"


def _fit(rec: Mapping[str, Any], inp: CheckInput, drug_uid: str) -> tuple[int, str | None]:
    """How well a recommendation's population fits the twin, and what shows it.

    2: its curated test holds; 1: a general recommendation; 0: untested or unknown (no age on
    file, a label without a curated test); -1: the test fails.
    """
    pop = (rec.get("population") or "").lower()
    if pop in ("", "general"):
        return 1, None
    test, values = rec.get("population_test"), list(rec.get("population_value") or [])
    if not test or not values:
        return 0, None
    if test in ("age_lt", "age_gte"):
        if inp.age is None:
            return 0, None
        holds = inp.age < int(values[0]) if test == "age_lt" else inp.age >= int(values[0])
        return (2 if holds else -1), f"age {inp.age}"
    if test in ("on_drug_days_lt", "on_drug_days_gte"):
        start = inp.started.get(drug_uid)
        days = 0 if start is None else max(0, (inp.now_epoch - start) // 86_400)
        holds = days < int(values[0]) if test == "on_drug_days_lt" else days >= int(values[0])
        shown = (
            f"taking {inp.name(drug_uid)} for {days} days"
            if start
            else (f"not yet taking {inp.name(drug_uid)}")
        )
        return (2 if holds else -1), shown
    if test == "concept_any":
        wanted = {v if ":" in v else f"concept:{v}" for v in values}
        if wanted & set(inp.concept_uids):
            return 2, str(rec.get("population_basis") or "a matching condition on record")
        return -1, None
    return 0, None


def _primary(
    recs: list[Mapping[str, Any]], inp: CheckInput, drug_uid: str
) -> tuple[Mapping[str, Any], str | None]:
    """The recommendation whose population fits the twin best (then the strongest), and why."""

    def score(r: Mapping[str, Any]) -> tuple[int, int, str]:
        return (
            _fit(r, inp, drug_uid)[0],
            _CLASS_RANK.get(r.get("classification") or "", 0),
            r["uid"],
        )

    best = max(recs, key=score)
    fit, basis = _fit(best, inp, drug_uid)
    return best, (basis if fit == 2 else None)


def find_pgx(store: GraphStore, inp: CheckInput, statuses: Mapping[str, GeneStatus]) -> list[Alert]:
    """PGx alerts for ``inp.drug_uids``: recommendations at the (converted) phenotype, and a
    ``pgx_no_genotype`` notice for each gene-drug pair without a genotype on file."""
    if not inp.drug_uids:
        return []
    drug_genes: dict[str, tuple[str, set[str]]] = {}
    for r in store.read("find_pgx_drug_genes", {"drug_uids": list(inp.drug_uids)}):
        genes = {g for lst in r["gene_lists"] for g in (lst or [])}
        drug_genes[r["drug_uid"]] = (r["drug_name"], genes)
    if not drug_genes:
        return []
    perpetrators = {u for st in statuses.values() for u, _, _ in st.perpetrators}
    plain_keys = sorted(f"{g}={st.lookup_key}" for g, st in statuses.items() if st.lookup_key)
    conv_keys = sorted(
        f"{g}={st.converted_key or st.lookup_key}"
        for g, st in statuses.items()
        if st.converted_key or st.lookup_key
    )
    # A perpetrator's own recommendation stays genotype-based (its inhibition is in its PK).
    groups = [
        ([d for d in drug_genes if d not in perpetrators], conv_keys),
        ([d for d in drug_genes if d in perpetrators], plain_keys),
    ]
    matched: dict[str, list[Mapping[str, Any]]] = {}
    for drugs, keys in groups:
        if drugs and keys:
            params = {"drug_uids": drugs, "gene_keys": keys}
            for r in store.read("find_pgx_recommendations", params):
                matched.setdefault(r["drug_uid"], []).append(r)
    alerts: list[Alert] = []
    for drug_uid, (drug_name, genes) in sorted(drug_genes.items()):
        recs = matched.get(drug_uid)
        if recs:
            alerts.append(_rec_alert(drug_uid, drug_name, recs, statuses, perpetrators, inp))
            continue
        missing = sorted(g for g in genes if g not in statuses)
        if missing:
            alerts.append(_missing_alert(drug_uid, drug_name, missing))
    return alerts


def _rec_alert(
    drug_uid: str,
    drug_name: str,
    recs: list[Mapping[str, Any]],
    statuses: Mapping[str, GeneStatus],
    perpetrators: set[str],
    inp: CheckInput,
) -> Alert:
    rec, population_basis = _primary(recs, inp, drug_uid)
    genes = list(rec["lookup_genes"])
    own = drug_uid in perpetrators
    converted = [statuses[g] for g in genes if statuses[g].phenoconverted and not own]
    parts = []
    for g in genes:
        st = statuses[g]
        shown = st.phenotype or st.lookup_key
        if st.activity_score and g in _ACTIVITY_GENES:
            shown = f"{shown} (activity score {st.activity_score})"
        if st in converted:
            by = ", ".join(f"{n} ({s} inhibitor)" for _, n, s in st.perpetrators)
            shown = (
                f"{st.converted_phenotype} (activity score {st.converted_key}) "
                if g in _ACTIVITY_GENES
                else f"{st.converted_phenotype} "
            ) + f"by phenoconversion from genotype {shown}, because of {by}"
        parts.append(f"{g} {st.diplotype or ''} {shown}".replace("  ", " "))
    text = rec.get("text") or ""
    phenos = [
        (st.converted_phenotype if st in converted else st.phenotype) or ""
        for st in (statuses[g] for g in genes)
    ]
    normal = all(_NORMAL.search(p) for p in phenos) and bool(phenos)
    severity = _severity(rec.get("classification"), text, normal)
    population = rec.get("population") or "general"
    shown_population = f"{population}, {population_basis}" if population_basis else population
    first_sentence = text.split(". ")[0].rstrip(".")
    message = (
        f"{drug_name}: {'; '.join(parts)}. CPIC ({rec.get('classification') or 'unclassified'}"
        f", population {shown_population}): {first_sentence}."
    )
    path = [drug_uid, "FOR_DRUG", rec["uid"]]
    for g in genes:
        st = statuses[g]
        path += ["FOR_GENE", f"{g}={st.converted_key if st in converted else st.lookup_key}"]
        if st in converted:
            for u, _, _ in st.perpetrators:
                path += [u, "INHIBITS", g]
    pmids = rec.get("pmids") or []
    citation = rec.get("citation") or rec.get("guideline_name")
    if pmids and "PMID" not in str(citation):
        citation = f"{citation}; PMID {', '.join(str(p) for p in pmids)}"
    ev = [
        Evidence(
            source=str(rec.get("source") or "source:cpic"),
            source_version=rec.get("source_version"),
            citation=citation,
            rule_id=rec["uid"],
            citation_url=rec.get("citation_url") or rec.get("guideline_url"),
            licence=rec.get("licence"),
        )
    ]
    for st in converted:
        ev += list(st.evidence)
    b = AlertBuilder(kind="pgx", key=f"pgx:{drug_uid}")
    b.add(
        severity=severity,
        message=message,
        management=text or "See the CPIC guideline.",
        basis="cpic_phenoconverted" if converted else "cpic",
        evidence=ev,
        path=path,
        drugs=[(drug_uid, drug_name)],
        classification=rec.get("classification"),
        population=population,
        population_basis=population_basis,
        population_citation=rec.get("population_citation") if population_basis else None,
        recommendation_uid=rec["uid"],
        lookup=[f"{g}={v}" for g, v in zip(genes, rec["lookup_values"], strict=False)],
        implications=list(rec.get("implications") or []),
        other_populations=sorted(
            {f"{r.get('population') or 'general'}: {r.get('classification')}" for r in recs}
            - {f"{population}: {rec.get('classification')}"}
        ),
        phenoconversion=[st.to_dict() for st in converted],
    )
    first = statuses[genes[0]]
    return b.build(
        gene=", ".join(genes),
        phenotype=(first.converted_phenotype if first in converted else first.phenotype),
        phenoconverted=bool(converted),
    )


def _missing_alert(drug_uid: str, drug_name: str, missing: list[str]) -> Alert:
    b = AlertBuilder(kind="pgx_no_genotype", key=f"pgx_no_genotype:{drug_uid}")
    b.add(
        severity="info",
        message=(
            f"{drug_name} has a CPIC gene-drug recommendation ({', '.join(missing)}), but no "
            "genotype is on file: genotype not available."
        ),
        management=f"Consider {', '.join(missing)} genotyping before or while prescribing "
        f"{drug_name}.",
        basis="cpic",
        path=[drug_uid, "FOR_DRUG", "Recommendation", "FOR_GENE", *missing],
        drugs=[(drug_uid, drug_name)],
        genes=missing,
    )
    return b.build(gene=", ".join(missing))
