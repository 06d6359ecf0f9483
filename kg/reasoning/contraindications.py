"""Contraindications: drug-condition, drug-lab (with the value's age), renal dosing, allergies."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kg.reasoning.context import EGFR_LOINCS, CheckInput
from kg.reasoning.findings import AlertBuilder, evidence_from
from kg.reasoning.model import Alert, LabValue
from kg.store import GraphStore

__all__ = [
    "RENAL_ACTION_SEVERITY",
    "find_allergies",
    "find_condition_alerts",
    "find_lab_alerts",
    "find_renal_alerts",
    "fold_renal_into_lab",
    "lab_family",
]

RENAL_ACTION_SEVERITY = {
    "avoid": "major",
    "do_not_initiate": "moderate",
    "reduce_dose": "moderate",
    "extend_interval": "moderate",
    "monitor": "minor",
}


def find_condition_alerts(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Drugs contraindicated by one of the active conditions (value sets by code)."""
    if not inp.condition_codes or not inp.drug_uids:
        return []
    params = {"drug_uids": list(inp.drug_uids), "condition_codes": list(inp.condition_codes)}
    builders: dict[str, tuple[AlertBuilder, str]] = {}
    rows = store.read("find_condition_contraindications", params)
    for r in sorted(rows, key=lambda r: (r["rule_uid"], r["via"])):
        key = f"drug_condition:{r['drug_uid']}:{r['concept_uid']}"
        if key not in builders:
            builders[key] = (AlertBuilder(kind="drug_condition", key=key), r["concept_name"])
        b = builders[key][0]
        code = r["matched_codes"][0]
        shown = inp.conditions.get(code, code)
        if any(c.get("rule_uid") == r["rule_uid"] for c in b.contributions):
            continue
        path = [r["drug_uid"]]
        if r["via"] != r["drug_uid"]:
            path += ["MEMBER_OF", r["via"]]
        path += ["FOR_CLASS" if r["via"] != r["drug_uid"] else "FOR_DRUG", r["rule_uid"]]
        path += ["WHEN_CONDITION", r["concept_uid"], "IN_VALUE_SET", code]
        b.add(
            severity=r["severity"],
            message=f"{r['drug_name']} with {shown} ({r['concept_name']}): {r['message']}",
            management=r["management"],
            basis=f"contraindication:{r.get('strength') or 'relative'}",
            evidence=[evidence_from(r)],
            path=path,
            drugs=[(r["drug_uid"], r["drug_name"])],
            rule_uid=r["rule_uid"],
            strength=r.get("strength"),
            condition_code=code,
        )
    return [b.build(condition=name) for b, name in builders.values()]


def _date(epoch: int | None, iso: str | None) -> str:
    if iso:
        return iso[:10]
    if epoch is None:
        return "an unknown date"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


def lab_family(loinc: str) -> str:
    """What a LOINC code measures, for folding: every eGFR code is ``egfr``."""
    return "egfr" if loinc in EGFR_LOINCS else loinc


def find_lab_alerts(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Drugs whose lab rules the latest value crosses, one alert per drug and lab (the most
    severe rule leads), with the value's date and whether it is too old to trust."""
    latest: dict[str, LabValue] = {}
    for lab in inp.labs:  # several codes measure one thing (eGFR by MDRD, CKD-EPI...)
        fam = lab_family(lab.loinc)
        if fam not in latest or (lab.effective_epoch or 0) > (latest[fam].effective_epoch or 0):
            latest[fam] = lab
    if not latest or not inp.drug_uids:
        return []
    labs = [
        {
            "loinc": lab.loinc,
            "value": lab.value,
            "effective": lab.effective,
            "effective_epoch": lab.effective_epoch,
        }
        for lab in latest.values()
    ]
    params = {"drug_uids": list(inp.drug_uids), "labs": labs, "now_epoch": inp.now_epoch}
    builders: dict[str, AlertBuilder] = {}
    rows = store.read("find_lab_contraindications", params)
    for r in sorted(rows, key=lambda r: str(r["rule_id"])):
        when = _date(None, r.get("effective"))
        stale = bool(r["stale"])
        unit = f" {r['unit']}" if r["unit"] else ""
        msg = (
            f"{r['drug_name']}: latest {r['lab_name']} {r['value']:g}{unit} on {when} is "
            f"{r['comparator']} {r['threshold']:g}. {r['message']}"
        )
        if stale:
            msg += (
                f" The value is {r['age_days']} days old (older than the {r['max_age_days']} "
                "days this rule trusts): it is stale; re-measure before acting."
            )
        key = f"drug_lab:{r['drug_uid']}:{lab_family(r['loinc'])}"
        b = builders.setdefault(key, AlertBuilder(kind="drug_lab", key=key))
        via = r["via"]
        path = [r["drug_uid"]] + (["MEMBER_OF", via] if via != r["drug_uid"] else [])
        b.add(
            severity=r["severity"],
            message=msg,
            management=r["management"],
            basis="lab_rule",
            evidence=[evidence_from(r)],
            path=[*path, "FOR_DRUG", r["rule_uid"], "ON_LAB", f"LOINC:{r['loinc']}"],
            drugs=[(r["drug_uid"], r["drug_name"])],
            loinc=r["loinc"],
            value=r["value"],
            unit=r["unit"],
            effective=r.get("effective"),
            age_days=r["age_days"],
            max_age_days=r["max_age_days"],
            stale=stale,
            comparator=r["comparator"],
            threshold=r["threshold"],
        )
    alerts = []
    for b in builders.values():
        alert = b.build()
        alerts.append(replace(alert, lab=str(alert.detail("loinc"))))
    return alerts


def find_renal_alerts(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Dose adjustments due at the latest eGFR."""
    egfr_labs = [lab for lab in inp.labs if lab.loinc in EGFR_LOINCS]
    latest = max(egfr_labs, key=lambda lab: lab.effective_epoch or 0, default=None)
    if latest is None or not inp.drug_uids:
        return []
    params = {"drug_uids": list(inp.drug_uids), "egfr": float(latest.value)}
    alerts = []
    when = _date(latest.effective_epoch, latest.effective)
    for r in store.read("find_renal_dose_rules", params):
        severity = r.get("severity") or RENAL_ACTION_SEVERITY.get(r["action"], "moderate")
        lo = f"{r['egfr_min']:g}" if r["egfr_min"] is not None else "0"
        hi = f"{r['egfr_max']:g}" if r["egfr_max"] is not None else "∞"
        b = AlertBuilder(kind="renal_dose", key=f"renal_dose:{r['drug_uid']}")
        b.add(
            severity=severity,
            message=(
                f"{r['drug_name']}: eGFR {latest.value:g} on {when} is in the band {lo}-{hi}; "
                f"action: {r['action'].replace('_', ' ')}."
            ),
            management=r["adjustment"],
            basis="renal_dose_rule",
            evidence=[evidence_from(r)],
            path=[r["drug_uid"], "FOR_DRUG", r["rule_uid"], "ON_LAB", f"LOINC:{latest.loinc}"],
            drugs=[(r["drug_uid"], r["drug_name"])],
            egfr=latest.value,
            egfr_date=when,
            action=r["action"],
        )
        alerts.append(b.build(lab=latest.loinc))
    return alerts


def find_allergies(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Drugs the patient is allergic to (directly or by class), and cross-reactive classes."""
    owner: dict[str, list[dict[str, object]]] = {}
    for a in inp.allergies:
        for sub_uid, _ in a.get("substances") or ():
            owner.setdefault(sub_uid, []).append(dict(a))
    if not owner or not inp.drug_uids:
        return []
    params = {"drug_uids": list(inp.drug_uids), "allergen_uids": sorted(owner)}
    builders: dict[str, AlertBuilder] = {}
    labels: dict[str, str] = {}

    def builder(allergy: dict[str, object], drug_uid: str) -> AlertBuilder:
        key = f"allergy:{allergy['uid']}:{drug_uid}"
        labels[key] = str(allergy.get("display") or allergy["uid"])
        return builders.setdefault(key, AlertBuilder(kind="allergy", key=key))

    for r in store.read("find_allergy_direct", params):
        for allergy in owner[r["allergen_uid"]]:
            high = allergy.get("criticality") == "high"
            what = (
                "is the allergen"
                if r["allergen_uid"] == r["drug_uid"]
                else f"belongs to {r['allergen_name'] or r['allergen_uid']}"
            )
            b = builder(allergy, r["drug_uid"])
            b.add(
                severity="contraindicated" if high else "major",
                message=(
                    f"{r['drug_name']} {what}: the patient has a recorded allergy "
                    f"({allergy.get('display') or 'unnamed'}, criticality "
                    f"{allergy.get('criticality') or 'unknown'})."
                ),
                management="Do not give; choose a drug outside the allergen class, or clarify "
                "the allergy history (de-labelling) first.",
                basis="allergen",
                path=[
                    r["drug_uid"],
                    "MEMBER_OF",
                    r["allergen_uid"],
                    "TO_SUBSTANCE",
                    str(allergy["uid"]),
                ],
                drugs=[(r["drug_uid"], r["drug_name"])],
                criticality=allergy.get("criticality"),
            )
    for r in store.read("find_allergy_cross", params):
        for allergy in owner[r["allergen_uid"]]:
            b = builder(allergy, r["drug_uid"])
            if any(c.get("rule_uid") == r["rule_uid"] for c in b.contributions):
                continue
            message, _, management = (r["message"] or "").partition("Management:")
            b.add(
                severity=r["severity"],
                message=(
                    f"{r['drug_name']} may cross-react with the recorded allergy "
                    f"({allergy.get('display') or 'unnamed'}, criticality "
                    f"{allergy.get('criticality') or 'unknown'}): {message.strip()}"
                ),
                management=(management.strip() or r.get("management")),
                basis="cross_reactivity",
                evidence=[evidence_from(r)],
                path=[
                    r["drug_uid"],
                    "MEMBER_OF",
                    r["reacts_class"],
                    "REACTS_CLASS",
                    r["rule_uid"],
                    "ALLERGEN_CLASS",
                    r["allergen_class"],
                    "TO_SUBSTANCE",
                    str(allergy["uid"]),
                ],
                drugs=[(r["drug_uid"], r["drug_name"])],
                criticality=allergy.get("criticality"),
                rule_uid=r["rule_uid"],
            )
    return [b.build(allergy=labels[k]) for k, b in builders.items()]


def fold_renal_into_lab(alerts: list[Alert]) -> list[Alert]:
    """One finding, two tables: a renal-dose alert for a drug that already has an eGFR lab
    alert becomes extra evidence of that alert (metformin at eGFR 25: one alert)."""
    labs = {a.key: i for i, a in enumerate(alerts) if a.kind == "drug_lab"}
    out = list(alerts)
    drop = set()
    for i, a in enumerate(alerts):
        if a.kind != "renal_dose":
            continue
        j = labs.get(f"drug_lab:{a.drug_uids[0]}:egfr")
        if j is None:
            continue
        lab = out[j]
        out[j] = replace(
            lab,
            evidence=lab.evidence + tuple(e for e in a.evidence if e not in lab.evidence),
            path=lab.path + a.path,
            basis=(*lab.basis, *a.basis),
            details=tuple(sorted({**dict(lab.details), "renal_dose": a.management}.items())),
        )
        drop.add(i)
    return [a for i, a in enumerate(out) if i not in drop]
