"""The safety report: every check over one medication list, ranked, with what-if diffs.

The twin is read once; a what-if changes the lists in Python; every check query takes the
resulting drug list as ``$drug_uids``. Nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.reasoning.context import (
    CheckInput,
    MedEntry,
    TwinContext,
    apply_what_if,
    epoch_of,
    read_context,
)
from kg.reasoning.contraindications import (
    find_allergies,
    find_condition_alerts,
    find_lab_alerts,
    find_renal_alerts,
    fold_renal_into_lab,
)
from kg.reasoning.drugs import resolve_drugs
from kg.reasoning.groups import find_additive_risks, find_duplicates
from kg.reasoning.interactions import find_interactions
from kg.reasoning.model import Alert, NotChecked, ReportDiff, SafetyReport, WhatIf, sort_alerts
from kg.reasoning.pgx import GeneStatus, find_pgx, gene_statuses
from kg.store import GraphStore

__all__ = ["PgxReport", "check_drugs", "diff_reports", "pgx_report", "safety_report"]


@dataclass(frozen=True)
class PgxReport:
    """A twin's genes (with phenoconversion) and the PGx alerts for its medications."""

    patient_id: str
    genes: tuple[GeneStatus, ...]
    alerts: tuple[Alert, ...]
    withheld: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "patient_id": self.patient_id,
            "genes": [g.to_dict() for g in self.genes],
            "alerts": [a.to_dict() for a in self.alerts],
            "withheld": list(self.withheld),
        }


def _now_epoch(now: str | None) -> int:
    return epoch_of(now, field="now") if now else int(time.time())


def _classes(store: GraphStore, drug_uids: Sequence[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    if drug_uids:
        for r in store.read("find_drug_groups", {"drug_uids": list(drug_uids)}):
            out.setdefault(r["drug_uid"], set()).add(r["class_uid"])
    return {k: frozenset(v) for k, v in out.items()}


def _check_input(store: GraphStore, ctx: TwinContext, now_epoch: int) -> CheckInput:
    drug_uids = tuple(ctx.drug_uids())
    concepts: frozenset[str] = frozenset()
    if ctx.condition_codes:
        rows = store.read("find_condition_concepts", {"condition_codes": list(ctx.condition_codes)})
        concepts = frozenset(r["concept_uid"] for r in rows)
    routes = {u: r for u in drug_uids if (r := ctx.route_of(u))}
    return CheckInput(
        drug_uids=drug_uids,
        names=ctx.drug_names(),
        now_epoch=now_epoch,
        routes=routes,
        age=ctx.age,
        condition_codes=ctx.condition_codes,
        conditions=ctx.conditions,
        concept_uids=concepts,
        classes=_classes(store, drug_uids),
        labs=ctx.labs,
        allergies=ctx.allergies,
        genotypes=ctx.genotypes,
        started=ctx.started(),
    )


def _run_checks(
    store: GraphStore,
    inp: CheckInput,
    meds: Sequence[MedEntry],
    *,
    genomic: bool,
) -> list[Alert]:
    alerts = find_interactions(store, inp)
    alerts += find_additive_risks(store, inp)
    alerts += find_duplicates(store, inp, meds)
    alerts += find_condition_alerts(store, inp)
    alerts += find_lab_alerts(store, inp)
    alerts += find_renal_alerts(store, inp)
    alerts += find_allergies(store, inp)
    alerts = fold_renal_into_lab(alerts)
    if genomic:
        statuses = gene_statuses(store, inp.genotypes, inp.drug_uids)
        alerts += find_pgx(store, inp, statuses)
    return alerts


def _withheld(store: GraphStore, inp: CheckInput, reason: str) -> tuple[str, ...]:
    if not inp.drug_uids:
        return ()
    rows = store.read("find_pgx_drug_genes", {"drug_uids": list(inp.drug_uids)})
    return tuple(
        f"pgx: {r['drug_name']} ({', '.join(sorted({g for lst in r['gene_lists'] for g in lst}))})"
        f" not checked: {reason}"
        for r in sorted(rows, key=lambda r: r["drug_name"])
    )


def _not_checked(ctx: TwinContext) -> tuple[NotChecked, ...]:
    checked = {m.uid for m in ctx.meds}
    items = [
        NotChecked(
            uid=m["uid"],
            code=m.get("code"),
            display=m.get("display"),
            reason="some ingredients of this medication are not in the knowledge base"
            if m["uid"] in checked
            else "medication code not mapped to a known ingredient",
        )
        for m in ctx.unmapped
    ]
    items += [
        NotChecked(
            uid=a["uid"],
            code=a.get("code"),
            display=a.get("display"),
            reason="allergy substance not mapped to a drug or drug class",
        )
        for a in ctx.allergies
        if not a.get("substances") and a.get("category") in (None, "medication")
    ]
    return tuple(items)


def _report_for(
    store: GraphStore,
    ctx: TwinContext,
    *,
    now_epoch: int,
    allow_genomic: bool,
    patient_id: str,
) -> SafetyReport:
    inp = _check_input(store, ctx, now_epoch)
    genomic = allow_genomic and ctx.consent_genomic
    alerts = _run_checks(store, inp, ctx.meds, genomic=genomic)
    withheld: tuple[str, ...] = ()
    if not genomic:
        reason = (
            "genomic data withheld by the caller"
            if not allow_genomic
            else "the patient has not consented to the use of genomic data"
        )
        withheld = _withheld(store, inp, reason)
    return SafetyReport(
        patient_id=patient_id,
        as_of=ctx.as_of,
        alerts=sort_alerts(alerts),
        not_checked=_not_checked(ctx),
        withheld=withheld,
        drugs=tuple(sorted(inp.names.items(), key=lambda kv: kv[1])),
    )


def diff_reports(before: SafetyReport, after: SafetyReport) -> ReportDiff:
    """New, resolved and changed alerts (by ``key``; changed: severity or message differ)."""
    old = {a.key: a for a in before.alerts}
    new = {a.key: a for a in after.alerts}
    return ReportDiff(
        new=tuple(a for k, a in new.items() if k not in old),
        resolved=tuple(a for k, a in old.items() if k not in new),
        changed=tuple(
            (old[k], a)
            for k, a in new.items()
            if k in old and (old[k].severity, old[k].message) != (a.severity, a.message)
        ),
    )


def safety_report(
    store: GraphStore,
    patient_id: str,
    *,
    as_of: str | None = None,
    what_if: WhatIf | None = None,
    now: str | None = None,
    allow_genomic: bool = True,
) -> SafetyReport:
    """Everything that makes a twin's medication list unsafe, ranked, explained and cited.

    Args:
        store: the graph.
        patient_id: a FHIR id or ``Patient/<id>``.
        as_of: check the medications active at this date (default: now).
        what_if: a hypothetical change; the report is computed without writing anything and
            ``diff`` holds the new, resolved and changed alerts against the current report.
        now: the reference time for lab ages (default: the clock); ISO-8601.
        allow_genomic: False withholds PGx alerts (listed in ``withheld``).

    Raises:
        NotFound: no such patient, or a what-if drug is unknown (with close names).
        ValidationError: a date is not ISO-8601.
    """
    now_epoch = _now_epoch(now)
    at = epoch_of(as_of, field="as_of") if as_of else now_epoch
    ctx = read_context(store, patient_id, as_of_epoch=at, as_of=as_of)

    def report_for(c: TwinContext) -> SafetyReport:
        return _report_for(
            store, c, now_epoch=now_epoch, allow_genomic=allow_genomic, patient_id=patient_id
        )

    current = report_for(ctx)
    if what_if is None:
        return current
    added = resolve_drugs(store, what_if.add) if what_if.add else []
    stopped = [u for _, u, _ in resolve_drugs(store, what_if.stop)] if what_if.stop else []
    hypo_ctx = apply_what_if(ctx, what_if, added=added, stopped=stopped, now_epoch=now_epoch)
    hypo = report_for(hypo_ctx)
    return SafetyReport(
        patient_id=hypo.patient_id,
        as_of=hypo.as_of,
        alerts=hypo.alerts,
        not_checked=hypo.not_checked,
        diff=diff_reports(current, hypo),
        withheld=hypo.withheld,
        drugs=hypo.drugs,
        what_if=what_if,
    )


def check_drugs(
    store: GraphStore,
    drugs: Sequence[str],
    *,
    allergies: Sequence[str] = (),
    now: str | None = None,
) -> SafetyReport:
    """Ad-hoc check of a bare drug list (names, RxNorm codes or uids): interactions, additive
    risks, duplicates, and allergies when allergen uids (Drug or DrugClass) are given.

    Raises:
        NotFound: an unknown drug, with the closest known names.
    """
    resolved = resolve_drugs(store, drugs)
    meds = [
        MedEntry(uid=f"adhoc/{i}", code=None, display=text, drug_uids=(u,), drug_names=(n,))
        for i, (text, u, n) in enumerate(resolved)
    ]
    names = {u: n for _, u, n in resolved}
    drug_uids = tuple(dict.fromkeys(u for _, u, _ in resolved))
    inp = CheckInput(
        drug_uids=drug_uids,
        names=names,
        now_epoch=_now_epoch(now),
        classes=_classes(store, drug_uids),
        allergies=tuple(
            {"uid": f"adhoc-allergy/{a}", "display": a, "substances": ((a, a),)} for a in allergies
        ),
    )
    alerts = find_interactions(store, inp)
    alerts += find_additive_risks(store, inp)
    alerts += find_duplicates(store, inp, meds)
    alerts += find_allergies(store, inp)
    return SafetyReport(
        patient_id=None,
        as_of=None,
        alerts=sort_alerts(alerts),
        not_checked=(),
        drugs=tuple(sorted(names.items(), key=lambda kv: kv[1])),
    )


def pgx_report(
    store: GraphStore, patient_id: str, drug: str | None = None, *, allow_genomic: bool = True
) -> PgxReport:
    """A twin's gene statuses (with phenoconversion) and PGx alerts, for its active
    medications or, when ``drug`` is given, for that drug added to them.

    Raises:
        NotFound: no such patient, or an unknown drug.
    """
    ctx = read_context(store, patient_id, as_of_epoch=int(time.time()))
    if drug is not None:
        ctx = apply_what_if(
            ctx,
            WhatIf(add=(drug,)),
            added=resolve_drugs(store, [drug]),
            stopped=(),
            now_epoch=int(time.time()),
        )
    inp = _check_input(store, ctx, int(time.time()))
    if not (allow_genomic and ctx.consent_genomic):
        return PgxReport(patient_id, (), (), _withheld(store, inp, "genomic data withheld"))
    statuses = gene_statuses(store, ctx.genotypes, inp.drug_uids)
    alerts = find_pgx(store, inp, statuses)
    if drug is not None:
        target = {u for _, u, _ in resolve_drugs(store, [drug])}
        alerts = [a for a in alerts if target.intersection(a.drug_uids)]
    return PgxReport(
        patient_id=patient_id,
        genes=tuple(statuses[g] for g in sorted(statuses)),
        alerts=sort_alerts(alerts),
    )
