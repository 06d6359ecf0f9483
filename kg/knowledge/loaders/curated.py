"""Curated knowledge (``data/curated``): drug groups, enzyme roles, conditions and rules.

Every row carries a citation (an FDA label section, the FDA DDI table, or a guideline with
its PMID). A file that is absent makes its source load nothing, with a note in the summary.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.knowledge.csvfile import Column, Problems, Record, read_csv, read_json
from kg.knowledge.loaders.pgx import EXTRA_GENES
from kg.knowledge.plan import Context, SourcePlan
from kg.knowledge.severity import SEVERITIES, highest, severity_rank
from kg.knowledge.sources import SOURCE_INFO, provenance
from kg.knowledge.vocabulary import norm_name

__all__ = ["CURATED_FILES", "CURATED_PLANNERS", "RENAL_ACTION_SEVERITY", "group_uid"]

_DIR = "curated"
_SRC = "kgtwin_curated"
_RX = r"[0-9]+"
_ID = r"[A-Za-z0-9_-]+"
_CITATION = Column("citation", pattern=r".*\S.*")
_URL = Column("citation_url", required=False, pattern=r"https?://\S+")

#: Severity of a renal dose rule, by its action.
RENAL_ACTION_SEVERITY = {
    "avoid": "major",
    "do_not_initiate": "major",
    "reduce_dose": "moderate",
    "extend_interval": "moderate",
    "monitor": "minor",
}
ENZYMES = {sym: uid for uid, sym, _, _ in EXTRA_GENES}
SNOMED_SYSTEM = "http://snomed.info/sct"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC_SYSTEM = "http://loinc.org"

#: Curated files per source.
CURATED_FILES = {
    "drug_groups": ("drug_groups.csv", "drug_group_members.csv"),
    "enzyme_roles": ("enzyme_roles.csv",),
    "conditions": ("condition_concepts.csv",),
    "contraindications": ("contraindications.csv",),
    "lab_rules": ("lab_rules.csv",),
    "allergies": ("allergy_groups.csv", "allergy_cross_reactivity.csv"),
    "renal_dosing": ("renal_dosing.csv",),
    "context_rules": ("context_interaction_rules.json",),
}


def group_uid(group_id: str) -> str:
    """``NSAID`` -> ``kgtwin:NSAID``."""
    return f"kgtwin:{group_id}"


def _prov(ctx: Context, r: Record | dict[str, Any]) -> dict[str, Any]:
    return provenance(
        _SRC, ctx.kb_version, r.get("citation") or None, r.get("citation_url") or None
    )


def _ids(path: Path, column: str) -> set[str]:
    """The ``column`` values of a referenced file (validated by its own source)."""
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        return {(row.get(column) or "").strip() for row in csv.DictReader(fh)} - {""}


def _plan(name: str) -> SourcePlan:
    return SourcePlan(name, SOURCE_INFO[_SRC].version)


def _missing(ctx: Context, name: str) -> SourcePlan | None:
    absent = [f for f in CURATED_FILES[name] if not ctx.path(f"{_DIR}/{f}").is_file()]
    if not absent:
        return None
    plan = _plan(name)
    plan.note = f"curated file(s) {', '.join(absent)} not present in {_DIR}/; source skipped"
    return plan


def _check_unique(p: Problems, rows: list[Record], column: str) -> list[Record]:
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        key = r[column]
        if key in seen:
            p.add(r.where(column), f"duplicate id {key!r} (first on line {seen[key]})")
            continue
        seen[key] = r.line
        out.append(r)
    return out


def _drug(
    ctx: Context, p: Problems, r: Record, name_col: str | None, rx_col: str
) -> tuple[str, str | None, str]:
    """(uid, rxcui or None, name) for a curated drug reference."""
    voc = ctx.vocabulary
    rx = r[rx_col]
    name = r[name_col] if name_col else ""
    if not name and rx:
        uid = f"RxNorm:{rx}"
        if uid not in voc.drugs:
            p.add(r.where(rx_col), f"RXCUI {rx!r} is not a known ingredient")
        entry = voc.drugs.get(uid)
        return uid, rx, entry.name if entry else rx
    uid, ok = voc.resolve(name, rx)
    return uid, uid.removeprefix("RxNorm:") if ok else None, norm_name(name)


def _target(
    ctx: Context, p: Problems, r: Record, groups: set[str]
) -> tuple[str | None, str | None]:
    """(drug uid, class uid) of a ``target_type``/``target`` pair."""
    if r["target_type"] == "drug":
        uid, _, _ = _drug(ctx, p, r, None, "target")
        return uid, None
    if r["target"] not in groups:
        p.add(r.where("target"), f"group {r['target']!r} is not in drug_groups.csv")
    return None, group_uid(r["target"])


# -- drug groups ----------------------------------------------------------------------------
def plan_drug_groups(ctx: Context) -> SourcePlan:
    """Therapeutic and risk groups (DrugClass ``kgtwin:<GroupId>``), hierarchy and members."""
    if skipped := _missing(ctx, "drug_groups"):
        return skipped
    p = Problems("drug_groups")
    groups = read_csv(
        ctx.path(f"{_DIR}/drug_groups.csv"),
        [
            Column("group_id", pattern=_ID),
            Column("name"),
            Column("parent_group", required=False),
            Column("kind", choices=("therapeutic", "risk_group")),
            Column("description", required=False),
            _CITATION,
        ],
        p,
        display=f"{_DIR}/drug_groups.csv",
    )
    members = read_csv(
        ctx.path(f"{_DIR}/drug_group_members.csv"),
        [
            Column("group_id"),
            Column("drug_name"),
            Column("rxcui", required=False, pattern=_RX),
            Column("weight", required=False, kind="int"),
            _CITATION,
        ],
        p,
        display=f"{_DIR}/drug_group_members.csv",
    )
    groups = _check_unique(p, groups, "group_id")
    ids = {r["group_id"] for r in groups}
    class_rows, parent_rows, member_rows = [], [], {}
    for r in groups:
        class_rows.append(
            {
                "uid": group_uid(r["group_id"]),
                "props": {
                    "name": r["name"],
                    "kind": r["kind"],
                    "group_id": r["group_id"],
                    "description": r["description"] or None,
                    **_prov(ctx, r),
                },
            }
        )
        if r["parent_group"]:
            if r["parent_group"] not in ids:
                p.add(
                    r.where("parent_group"),
                    f"parent {r['parent_group']!r} is not a group_id of this file",
                )
                continue
            parent_rows.append(
                {
                    "child": group_uid(r["group_id"]),
                    "parent": group_uid(r["parent_group"]),
                    "props": {"inferred": False, **_prov(ctx, r)},
                }
            )
    unresolved: dict[str, dict[str, Any]] = {}
    for r in members:
        if r["group_id"] not in ids:
            p.add(r.where("group_id"), f"group {r['group_id']!r} is not in drug_groups.csv")
            continue
        uid, rx, name = _drug(ctx, p, r, "drug_name", "rxcui")
        key = (uid, r["group_id"])
        if key in member_rows:
            p.add(
                r.where("drug_name"),
                f"duplicate member {r['drug_name']!r} of group {r['group_id']!r}",
            )
            continue
        if rx is None:
            from kg.knowledge.loaders.vocab import unresolved_drug

            unresolved.setdefault(uid, unresolved_drug(uid, r["drug_name"], _SRC, ctx.kb_version))
        props = _prov(ctx, r)
        if r["weight"]:
            props["weight"] = int(r["weight"])
        member_rows[key] = {
            "drug": uid,
            "drug_name": name,
            "drug_rxcui": rx,
            "class": group_uid(r["group_id"]),
            "props": props,
        }
    p.raise_if_any()
    plan = _plan("drug_groups")
    plan.add("merge_kb_drugs", list(unresolved.values()), "Drug")
    plan.add("merge_kb_drug_classes", class_rows, "DrugClass")
    plan.add("merge_kb_subclasses", parent_rows, "SUBCLASS_OF")
    plan.add("merge_kb_class_members", list(member_rows.values()), "MEMBER_OF")
    return plan


# -- enzyme roles ---------------------------------------------------------------------------
def plan_enzyme_roles(ctx: Context) -> SourcePlan:
    """INHIBITS / INDUCES / SUBSTRATE_OF edges from drugs to enzyme and transporter genes."""
    if skipped := _missing(ctx, "enzyme_roles"):
        return skipped
    p = Problems("enzyme_roles")
    rows = read_csv(
        ctx.path(f"{_DIR}/enzyme_roles.csv"),
        [
            Column("drug_name"),
            Column("rxcui", required=False, pattern=_RX),
            Column("enzyme", choices=tuple(ENZYMES)),
            Column("role", choices=("substrate", "inhibitor", "inducer")),
            Column("strength", choices=("strong", "moderate", "weak", "sensitive")),
            _CITATION,
            _URL,
        ],
        p,
        display=f"{_DIR}/enzyme_roles.csv",
    )
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    unresolved: dict[str, dict[str, Any]] = {}
    for r in rows:
        substrate = r["role"] == "substrate"
        if substrate and r["strength"] not in ("sensitive", "moderate"):
            p.add(
                r.where("strength"),
                f"{r['strength']!r} is not valid for a substrate (choices: moderate, sensitive)",
            )
            continue
        if not substrate and r["strength"] == "sensitive":
            p.add(
                r.where("strength"),
                f"'sensitive' is not valid for an {r['role']} (choices: moderate, strong, weak)",
            )
            continue
        uid, rx, name = _drug(ctx, p, r, "drug_name", "rxcui")
        key = (uid, r["enzyme"], r["role"])
        if key in out:
            p.add(
                r.where("drug_name"),
                f"duplicate role {r['role']} of {r['drug_name']!r} for {r['enzyme']}",
            )
            continue
        if rx is None:
            from kg.knowledge.loaders.vocab import unresolved_drug

            unresolved.setdefault(uid, unresolved_drug(uid, r["drug_name"], _SRC, ctx.kb_version))
        props = {
            ("sensitivity" if substrate else "strength"): r["strength"],
            "enzyme": r["enzyme"],
            **_prov(ctx, r),
        }
        out[key] = {
            "drug": uid,
            "drug_name": name,
            "drug_rxcui": rx,
            "gene": ENZYMES[r["enzyme"]],
            "symbol": r["enzyme"],
            "role": r["role"],
            "props": props,
        }
    p.raise_if_any()
    plan = _plan("enzyme_roles")
    plan.add("merge_kb_drugs", list(unresolved.values()), "Drug")
    plan.add("merge_kb_enzyme_roles", list(out.values()), "INHIBITS|INDUCES|SUBSTRATE_OF")
    return plan


# -- conditions -----------------------------------------------------------------------------
def plan_conditions(ctx: Context) -> SourcePlan:
    """ClinicalConcept value sets with their SNOMED CT and ICD-10-CM Code nodes."""
    if skipped := _missing(ctx, "conditions"):
        return skipped
    p = Problems("conditions")
    rows = read_csv(
        ctx.path(f"{_DIR}/condition_concepts.csv"),
        [
            Column("concept_id", pattern=_ID),
            Column("name"),
            Column("snomed_codes", required=False, pattern=r"[0-9]+(;[0-9]+)*"),
            Column(
                "icd10_codes",
                required=False,
                pattern=r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?(;[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?)*",
            ),
            Column("description", required=False),
        ],
        p,
        display=f"{_DIR}/condition_concepts.csv",
    )
    rows = _check_unique(p, rows, "concept_id")
    concepts, codes = [], []
    for r in rows:
        snomed = [c for c in r["snomed_codes"].split(";") if c]
        icd = [c for c in r["icd10_codes"].split(";") if c]
        if not snomed and not icd:
            p.add(r.where("snomed_codes"), "a concept needs at least one SNOMED CT or ICD-10 code")
            continue
        cite = "SNOMED CT (NLM US edition); ICD-10-CM (CDC); kgtwin curated value set"
        prov = provenance(_SRC, ctx.kb_version, cite)
        uid = f"concept:{r['concept_id']}"
        concepts.append(
            {
                "uid": uid,
                "props": {
                    "concept_id": r["concept_id"],
                    "name": r["name"],
                    "snomed_codes": snomed,
                    "icd10_codes": icd,
                    "description": r["description"] or None,
                    **prov,
                },
            }
        )
        for c in snomed:
            codes.append(
                {
                    "code_uid": f"SNOMED:{c}",
                    "concept_uid": uid,
                    "props": {"system": SNOMED_SYSTEM, "code": c, **prov},
                }
            )
        for c in icd:
            codes.append(
                {
                    "code_uid": f"ICD10:{c}",
                    "concept_uid": uid,
                    "props": {"system": ICD10_SYSTEM, "code": c, "prefix_match": True, **prov},
                }
            )
    p.raise_if_any()
    plan = _plan("conditions")
    plan.add("merge_kb_concepts", concepts, "ClinicalConcept")
    plan.add("merge_kb_value_set_codes", codes, "IN_VALUE_SET")
    return plan


_RULE_COLUMNS = [
    Column("rule_id", pattern=_ID),
    Column("target_type", choices=("drug", "group")),
    Column("target"),
    Column("strength", choices=("absolute", "relative")),
    Column("severity", choices=SEVERITIES),
    Column("message"),
    Column("management", required=False),
    _CITATION,
    _URL,
]


def _rule_props(ctx: Context, r: Record) -> dict[str, Any]:
    return {
        "rule_id": r["rule_id"],
        "severity": r["severity"],
        "severity_rank": severity_rank(r["severity"]),
        "strength": r["strength"],
        "message": r["message"],
        "management": r["management"] or None,
        **_prov(ctx, r),
    }


def plan_contraindications(ctx: Context) -> SourcePlan:
    """Drug-condition ContraindicationRules."""
    if skipped := _missing(ctx, "contraindications"):
        return skipped
    p = Problems("contraindications")
    rows = read_csv(
        ctx.path(f"{_DIR}/contraindications.csv"),
        [*_RULE_COLUMNS[:3], Column("concept_id"), *_RULE_COLUMNS[3:]],
        p,
        display=f"{_DIR}/contraindications.csv",
    )
    rows = _check_unique(p, rows, "rule_id")
    groups = _ids(ctx.path(f"{_DIR}/drug_groups.csv"), "group_id")
    concepts = _ids(ctx.path(f"{_DIR}/condition_concepts.csv"), "concept_id")
    out = []
    for r in rows:
        drug, cls = _target(ctx, p, r, groups)
        if r["concept_id"] not in concepts:
            p.add(
                r.where("concept_id"),
                f"concept {r['concept_id']!r} is not in condition_concepts.csv",
            )
        out.append(
            {
                "uid": f"rule:{r['rule_id']}",
                "drug": drug,
                "class": cls,
                "concept_uid": f"concept:{r['concept_id']}",
                "source_uid": SOURCE_INFO[_SRC].uid,
                "props": _rule_props(ctx, r),
            }
        )
    p.raise_if_any()
    plan = _plan("contraindications")
    plan.add("merge_kb_contraindication_rules", out, "ContraindicationRule")
    return plan


def plan_lab_rules(ctx: Context) -> SourcePlan:
    """Drug-lab LabRules with LOINC-coded LabTests."""
    if skipped := _missing(ctx, "lab_rules"):
        return skipped
    p = Problems("lab_rules")
    rows = read_csv(
        ctx.path(f"{_DIR}/lab_rules.csv"),
        [
            *_RULE_COLUMNS[:3],
            Column("loinc", pattern=r"[0-9]{1,7}-[0-9]"),
            Column("lab_name"),
            Column("comparator", choices=("<", "<=", ">", ">=")),
            Column("threshold", kind="float"),
            Column("unit"),
            Column("max_age_days", required=False, kind="int"),
            *_RULE_COLUMNS[3:],
        ],
        p,
        display=f"{_DIR}/lab_rules.csv",
    )
    rows = _check_unique(p, rows, "rule_id")
    groups = _ids(ctx.path(f"{_DIR}/drug_groups.csv"), "group_id")
    labs: dict[str, dict[str, Any]] = {}
    out = []
    for r in rows:
        drug, cls = _target(ctx, p, r, groups)
        lab = f"LOINC:{r['loinc']}"
        labs.setdefault(
            lab,
            {
                "uid": lab,
                "props": {
                    "loinc": r["loinc"],
                    "system": LOINC_SYSTEM,
                    "name": r["lab_name"],
                    "unit": r["unit"],
                    **provenance(
                        _SRC,
                        ctx.kb_version,
                        "LOINC (Regenstrief Institute)",
                        f"https://loinc.org/{r['loinc']}",
                    ),
                },
            },
        )
        props = _rule_props(ctx, r)
        props.update(
            loinc=r["loinc"],
            comparator=r["comparator"],
            threshold=float(r["threshold"]),
            unit=r["unit"],
            max_age_days=int(r["max_age_days"]) if r["max_age_days"] else None,
        )
        out.append(
            {
                "uid": f"rule:{r['rule_id']}",
                "drug": drug,
                "class": cls,
                "lab_uid": lab,
                "source_uid": SOURCE_INFO[_SRC].uid,
                "props": props,
            }
        )
    p.raise_if_any()
    plan = _plan("lab_rules")
    plan.add("merge_kb_lab_tests", list(labs.values()), "LabTest")
    plan.add("merge_kb_lab_rules", out, "LabRule")
    return plan


# -- allergies ------------------------------------------------------------------------------
def plan_allergies(ctx: Context) -> SourcePlan:
    """Allergen codes of each group (ALLERGEN_CODE) and CrossReactivityRules between groups."""
    if skipped := _missing(ctx, "allergies"):
        return skipped
    p = Problems("allergies")
    agroups = read_csv(
        ctx.path(f"{_DIR}/allergy_groups.csv"),
        [
            Column("allergen_id", pattern=_ID),
            Column("name"),
            Column("group_id"),
            Column("snomed_codes", required=False, pattern=r"[0-9]+(;[0-9]+)*"),
            Column("rxnorm_codes", required=False, pattern=r"[0-9]+(;[0-9]+)*"),
            _CITATION,
        ],
        p,
        display=f"{_DIR}/allergy_groups.csv",
    )
    xr = read_csv(
        ctx.path(f"{_DIR}/allergy_cross_reactivity.csv"),
        [
            Column("rule_id", pattern=_ID),
            Column("allergen_group"),
            Column("reacting_group"),
            Column("relation", choices=("same_class", "cross_reactive")),
            Column("severity", choices=SEVERITIES),
            Column("risk_note"),
            _CITATION,
            _URL,
        ],
        p,
        display=f"{_DIR}/allergy_cross_reactivity.csv",
    )
    agroups = _check_unique(p, agroups, "allergen_id")
    xr = _check_unique(p, xr, "rule_id")
    groups = _ids(ctx.path(f"{_DIR}/drug_groups.csv"), "group_id")
    codes: dict[tuple[str, str], dict[str, Any]] = {}
    for r in agroups:
        if r["group_id"] not in groups:
            p.add(r.where("group_id"), f"group {r['group_id']!r} is not in drug_groups.csv")
            continue
        prov = _prov(ctx, r)
        for system, col, prefix in (
            (SNOMED_SYSTEM, "snomed_codes", "SNOMED"),
            (RXNORM_SYSTEM, "rxnorm_codes", "RxNorm"),
        ):
            for c in (x for x in r[col].split(";") if x):
                codes[(f"{prefix}:{c}", r["group_id"])] = {
                    "code_uid": f"{prefix}:{c}",
                    "class_uid": group_uid(r["group_id"]),
                    "props": {"system": system, "code": c, **prov},
                    "edge": {"allergen_id": r["allergen_id"], "allergen_name": r["name"], **prov},
                }
    rules = []
    for r in xr:
        for col in ("allergen_group", "reacting_group"):
            if r[col] not in groups:
                p.add(r.where(col), f"group {r[col]!r} is not in drug_groups.csv")
        note, _, management = r["risk_note"].partition("Management:")
        rules.append(
            {
                "uid": f"rule:{r['rule_id']}",
                "allergen_class": group_uid(r["allergen_group"]),
                "reacts_class": group_uid(r["reacting_group"]),
                "source_uid": SOURCE_INFO[_SRC].uid,
                "props": {
                    "rule_id": r["rule_id"],
                    "relation": r["relation"],
                    "severity": r["severity"],
                    "severity_rank": severity_rank(r["severity"]),
                    "strength": None,
                    "message": note.strip(),
                    "management": management.strip() or None,
                    **_prov(ctx, r),
                },
            }
        )
    p.raise_if_any()
    plan = _plan("allergies")
    plan.add("merge_kb_allergen_codes", list(codes.values()), "ALLERGEN_CODE")
    plan.add("merge_kb_cross_reactivity_rules", rules, "CrossReactivityRule")
    return plan


# -- renal dosing ---------------------------------------------------------------------------
def plan_renal_dosing(ctx: Context) -> SourcePlan:
    """RenalDoseRules: eGFR band [egfr_min, egfr_max) and the action for one drug."""
    if skipped := _missing(ctx, "renal_dosing"):
        return skipped
    p = Problems("renal_dosing")
    rows = read_csv(
        ctx.path(f"{_DIR}/renal_dosing.csv"),
        [
            Column("rule_id", pattern=_ID),
            Column("drug_name"),
            Column("rxcui", required=False, pattern=_RX),
            Column("egfr_min", required=False, kind="float"),
            Column("egfr_max", required=False, kind="float"),
            Column("action", choices=tuple(RENAL_ACTION_SEVERITY)),
            Column("adjustment"),
            _CITATION,
            _URL,
        ],
        p,
        display=f"{_DIR}/renal_dosing.csv",
    )
    rows = _check_unique(p, rows, "rule_id")
    out = []
    for r in rows:
        lo = float(r["egfr_min"]) if r["egfr_min"] else None
        hi = float(r["egfr_max"]) if r["egfr_max"] else None
        if lo is not None and hi is not None and lo >= hi:
            p.add(r.where("egfr_max"), f"band is empty: egfr_min {lo:g} >= egfr_max {hi:g}")
            continue
        uid, rx, name = _drug(ctx, p, r, "drug_name", "rxcui")
        sev = RENAL_ACTION_SEVERITY[r["action"]]
        out.append(
            {
                "uid": f"rule:{r['rule_id']}",
                "drug": uid,
                "drug_name": name,
                "drug_rxcui": rx,
                "source_uid": SOURCE_INFO[_SRC].uid,
                "props": {
                    "rule_id": r["rule_id"],
                    "egfr_min": lo,
                    "egfr_max": hi,
                    "action": r["action"],
                    "adjustment": r["adjustment"],
                    "severity": sev,
                    "severity_rank": severity_rank(sev),
                    "strength": None,
                    "message": f"{name}: {r['action'].replace('_', ' ')} for eGFR {_band(lo, hi)}",
                    "management": r["adjustment"],
                    **_prov(ctx, r),
                },
            }
        )
    p.raise_if_any()
    plan = _plan("renal_dosing")
    plan.add("merge_kb_renal_dose_rules", out, "RenalDoseRule")
    return plan


def _band(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is not None:
        return f"< {hi:g}"
    if hi is None and lo is not None:
        return f">= {lo:g}"
    return f"{lo:g}-<{hi:g}"


# -- context-aware interaction rules --------------------------------------------------------
_PREDICATES = (
    "precipitant_route",
    "precipitant_drug",
    "comedication_group",
    "comedication_drug",
    "age_gte",
    "condition",
)


def plan_context_rules(ctx: Context) -> SourcePlan:
    """Context-aware InteractionRules (HL7 PDDI-CDS) with their branches as ``context_json``."""
    if skipped := _missing(ctx, "context_rules"):
        return skipped
    p = Problems("context_rules")
    name = f"{_DIR}/context_interaction_rules.json"
    data = read_json(ctx.path(name), p, display=name)
    groups = _ids(ctx.path(f"{_DIR}/drug_groups.csv"), "group_id")
    concepts = _ids(ctx.path(f"{_DIR}/condition_concepts.csv"), "concept_id")
    out = []
    seen: set[str] = set()
    rules = data.get("rules") if isinstance(data, dict) else None
    if data is not None and not isinstance(rules, list):
        p.add(name, "must be an object with a 'rules' list")
        rules = []
    for i, rule in enumerate(rules or []):
        where = f"{name}: rules[{i}]"
        if not isinstance(rule, dict):
            p.add(where, "must be an object")
            continue
        for key in ("rule_id", "object", "precipitant", "citation", "branches"):
            if not rule.get(key):
                p.add(f"{where}, field {key!r}", "is missing or empty (required)")
        if not all(
            rule.get(k) for k in ("rule_id", "object", "precipitant", "citation", "branches")
        ):
            continue
        rid = str(rule["rule_id"])
        if rid in seen:
            p.add(f"{where}, field 'rule_id'", f"duplicate id {rid!r}")
            continue
        seen.add(rid)
        ends: dict[str, tuple[str | None, str | None]] = {}
        for role in ("object", "precipitant"):
            ref = rule[role]
            if isinstance(ref, dict) and "drug" in ref:
                uid = f"RxNorm:{ref['drug']}"
                if uid not in ctx.vocabulary.drugs:
                    p.add(
                        f"{where}, field {role!r}",
                        f"RXCUI {ref['drug']!r} is not a known ingredient",
                    )
                ends[role] = (uid, None)
            elif isinstance(ref, dict) and "group" in ref:
                if ref["group"] not in groups:
                    p.add(
                        f"{where}, field {role!r}",
                        f"group {ref['group']!r} is not in drug_groups.csv",
                    )
                ends[role] = (None, group_uid(str(ref["group"])))
            else:
                p.add(f"{where}, field {role!r}", "must be {'drug': RXCUI} or {'group': GroupId}")
                ends[role] = (None, None)
        sevs = []
        for j, br in enumerate(rule["branches"]):
            bw = f"{where}.branches[{j}]"
            if not isinstance(br, dict) or br.get("severity") not in SEVERITIES:
                p.add(f"{bw}, field 'severity'", f"must be one of {', '.join(SEVERITIES)}")
                continue
            sevs.append(br["severity"])
            _check_when(p, bw, br.get("when"), groups, concepts)
        if not sevs:
            continue
        sev = highest(sevs)
        cite = str(rule["citation"])
        out.append(
            {
                "uid": f"rule:{rid}",
                "object_drug": ends["object"][0],
                "object_class": ends["object"][1],
                "precipitant_drug": ends["precipitant"][0],
                "precipitant_class": ends["precipitant"][1],
                "source_uid": SOURCE_INFO[_SRC].uid,
                "props": {
                    "rule_id": rid,
                    "kind": "context_interaction",
                    "severity": sev,
                    "severity_rank": severity_rank(sev),
                    "strength": None,
                    "message": str(rule.get("clinical_consequence") or rid),
                    "management": None,
                    "mechanism": rule.get("mechanism"),
                    "context_json": json.dumps(
                        rule["branches"], ensure_ascii=False, sort_keys=True
                    ),
                    **provenance(_SRC, ctx.kb_version, cite, rule.get("citation_url")),
                },
                "edge": {
                    "source_severity": sev,
                    "label": rid,
                    "rule_id": rid,
                    "source_version": SOURCE_INFO[_SRC].version,
                    "citation": cite,
                },
            }
        )
    p.raise_if_any()
    plan = _plan("context_rules")
    plan.add("merge_kb_interaction_rules", out, "InteractionRule")
    return plan


def _check_when(p: Problems, where: str, when: Any, groups: set[str], concepts: set[str]) -> None:
    if not isinstance(when, dict) or not (set(when) & {"any", "all", "always"}):
        p.add(f"{where}, field 'when'", "must hold 'any', 'all' or 'always'")
        return
    for key in ("any", "all"):
        for pred in when.get(key, []):
            if not isinstance(pred, dict) or len(pred) != 1 or next(iter(pred)) not in _PREDICATES:
                p.add(
                    f"{where}, field 'when.{key}'",
                    f"{pred!r} is not a predicate (choices: {', '.join(_PREDICATES)})",
                )
                continue
            kind, value = next(iter(pred.items()))
            if kind == "comedication_group" and value not in groups:
                p.add(f"{where}, field 'when.{key}'", f"group {value!r} is not in drug_groups.csv")
            if kind == "condition" and value not in concepts:
                p.add(
                    f"{where}, field 'when.{key}'",
                    f"concept {value!r} is not in condition_concepts.csv",
                )


CURATED_PLANNERS: dict[str, Callable[[Context], SourcePlan]] = {
    "drug_groups": plan_drug_groups,
    "enzyme_roles": plan_enzyme_roles,
    "conditions": plan_conditions,
    "contraindications": plan_contraindications,
    "lab_rules": plan_lab_rules,
    "allergies": plan_allergies,
    "renal_dosing": plan_renal_dosing,
    "context_rules": plan_context_rules,
}
