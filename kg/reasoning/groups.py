"""Additive risks (several drugs of one risk group) and duplicate therapy (same ingredient or
class twice)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.reasoning.context import CheckInput, MedEntry
from kg.reasoning.findings import AlertBuilder, evidence_from
from kg.reasoning.model import Alert
from kg.store import GraphStore

__all__ = ["ADDITIVE_RISKS", "AdditiveRisk", "find_additive_risks", "find_duplicates"]


@dataclass(frozen=True)
class AdditiveRisk:
    """How a risk group is scored: by drug count, or by summed weight (anticholinergic burden)."""

    what: str
    management: str
    moderate_at: float
    major_at: float
    by_weight: bool = False


# The curated risk groups (kg/knowledge/data/curated/drug_groups.csv, kind risk_group).
ADDITIVE_RISKS: dict[str, AdditiveRisk] = {
    "kgtwin:QTProlongingDrug": AdditiveRisk(
        "prolong the QT interval (additive risk of torsades de pointes)",
        "Avoid combining QT-prolonging drugs; if unavoidable, check a baseline ECG, potassium "
        "and magnesium and monitor the QTc.",
        moderate_at=2,
        major_at=2,
    ),
    "kgtwin:SerotonergicDrug": AdditiveRisk(
        "are serotonergic (additive risk of serotonin syndrome)",
        "Use the lowest doses; counsel on and monitor for serotonin syndrome (agitation, "
        "clonus, hyperthermia), especially after starting or raising a dose.",
        moderate_at=2,
        major_at=3,
    ),
    "kgtwin:BleedingRiskDrug": AdditiveRisk(
        "raise the bleeding risk (additive)",
        "Review the need for each; consider gastroprotection; monitor for bleeding and "
        "haemoglobin.",
        moderate_at=2,
        major_at=3,
    ),
    "kgtwin:HyperkalaemiaRiskDrug": AdditiveRisk(
        "raise serum potassium (additive risk of hyperkalaemia)",
        "Check potassium and creatinine within 1-2 weeks of a change and periodically.",
        moderate_at=2,
        major_at=3,
    ),
    "kgtwin:CNSDepressant": AdditiveRisk(
        "depress the CNS and breathing (additive sedation and respiratory depression)",
        "Limit doses and durations; avoid in frail or elderly patients where possible; "
        "counsel on sedation; consider naloxone with opioids.",
        moderate_at=2,
        major_at=3,
    ),
    "kgtwin:AnticholinergicDrug": AdditiveRisk(
        "have anticholinergic activity (cumulative anticholinergic burden)",
        "A total ACB score of 3 or more is linked to cognitive impairment, falls and "
        "mortality; deprescribe or substitute where possible.",
        moderate_at=3,
        major_at=6,
        by_weight=True,
    ),
}


def find_additive_risks(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Risk groups holding two or more of the drugs, scored by ``ADDITIVE_RISKS``."""
    if len(inp.drug_uids) < 2:
        return []
    alerts = []
    for r in store.read("find_additive_risks", {"drug_uids": list(inp.drug_uids)}):
        spec = ADDITIVE_RISKS.get(r["group_uid"])
        if spec is None:
            continue
        drugs = sorted(r["drugs"], key=lambda d: d["name"])
        score = float(r["total_weight"]) if spec.by_weight else float(len(drugs))
        if score < spec.moderate_at:
            continue
        severity = "major" if score >= spec.major_at else "moderate"
        names = ", ".join(d["name"] for d in drugs)
        what = f"{len(drugs)} drugs that {spec.what}: {names}"
        if spec.by_weight:
            what += f" (total ACB score {score:g})"
        b = AlertBuilder(kind="additive_risk", key=f"additive_risk:{r['group_uid']}")
        b.add(
            severity=severity,
            message=what + ".",
            management=spec.management,
            basis="risk_group",
            evidence=[evidence_from(d["prov"] or {}) for d in drugs],
            path=[x for d in drugs for x in (d["uid"], "MEMBER_OF")] + [r["group_uid"]],
            drugs=[(d["uid"], d["name"]) for d in drugs],
            group=r["group_uid"],
            group_name=r["group_name"],
            count=len(drugs),
            score=score,
        )
        alerts.append(b.build())
    return alerts


def find_duplicates(
    store: GraphStore, inp: CheckInput, meds: Sequence[MedEntry] = ()
) -> list[Alert]:
    """The same ingredient in two medications, or two drugs directly of one therapeutic class."""
    alerts = []
    by_drug: dict[str, list[MedEntry]] = {}
    for m in meds:
        for u in m.drug_uids:
            by_drug.setdefault(u, []).append(m)
    for drug_uid, entries in sorted(by_drug.items()):
        if len(entries) < 2:
            continue
        shown = "; ".join(e.display or e.uid for e in entries)
        b = AlertBuilder(kind="duplicate_therapy", key=f"duplicate_therapy:{drug_uid}")
        b.add(
            severity="moderate",
            message=f"{inp.name(drug_uid)} is given by {len(entries)} medications ({shown}).",
            management="Check for a double dose of the same ingredient; keep one product.",
            basis="same_ingredient",
            path=[x for e in entries for x in (e.uid, "OF_DRUG")] + [drug_uid],
            drugs=[(drug_uid, inp.name(drug_uid))],
            medications=[e.uid for e in entries],
        )
        alerts.append(b.build())
    if len(inp.drug_uids) < 2:
        return alerts
    for r in store.read("find_duplicate_therapy", {"drug_uids": list(inp.drug_uids)}):
        drugs = sorted(r["drugs"], key=lambda d: d["name"])
        names = ", ".join(d["name"] for d in drugs)
        b = AlertBuilder(kind="duplicate_therapy", key=f"duplicate_therapy:{r['class_uid']}")
        b.add(
            severity="moderate",
            message=f"{len(drugs)} drugs of the same class ({r['class_name']}): {names}.",
            management="Check that more than one drug of this class is intended; if not, stop one.",
            basis="same_class",
            evidence=[evidence_from(d["prov"] or {}) for d in drugs],
            path=[x for d in drugs for x in (d["uid"], "MEMBER_OF")] + [r["class_uid"]],
            drugs=[(d["uid"], d["name"]) for d in drugs],
            drug_class=r["class_uid"],
        )
        alerts.append(b.build())
    return alerts
