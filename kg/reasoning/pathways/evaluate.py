"""Evaluate care pathways for one twin: current step, open and blocked next steps, scores,
forecasts.

The current step is the deepest step whose therapy the twin is on (ties go to the step whose
entry criteria on stable facts hold: conditions, genotype, age, sex); without matching
therapy, the flow is followed from the start while exactly one transition holds. Next steps
are the transitions leaving the current step: their criteria are evaluated with the data they
rest on; each eligible therapy step's options are checked by a safety what-if (adding the
drug), and a step whose every option raises a major or contraindicated alert is blocked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import NotFound
from kg.reasoning.model import Alert
from kg.reasoning.pathways.check import pathway_graph
from kg.reasoning.pathways.criteria import ScoreValue, evaluate, evaluate_all
from kg.reasoning.pathways.files import parse_pathway, read_pathways
from kg.reasoning.pathways.forecast import Forecast, forecast
from kg.reasoning.pathways.known import data_dir, display_names
from kg.reasoning.pathways.model import Criterion, Pathway, Step
from kg.reasoning.pathways.results import CurrentStep, PathwayResult, StepOption, StepResult
from kg.reasoning.pathways.scores import compute_scores
from kg.reasoning.pathways.twin import TwinFacts, epoch_of, iso_date, patient_uid, read_twin
from kg.store import GraphStore

__all__ = ["care_pathway", "care_pathways", "loaded_pathways"]

BLOCK_RANK = 4  # major and contraindicated alerts block a step's option
CAUTION_RANK = 3  # moderate alerts are shown as cautions
STABLE_SKIP = ("therapy", "lab")  # facts that change with treatment: not used for entry ties

_PARSED: dict[str, Pathway] = {}


def loaded_pathways(store: GraphStore) -> list[Pathway]:
    """The pathways loaded in the graph (parsed once per definition); the project's files
    when the graph holds none."""
    rows = store.read("list_pathway_definitions")
    if not rows:
        pathways, _ = read_pathways(None)
        return pathways
    out = []
    for r in rows:
        key = str(r["definition_hash"])
        pw = _PARSED.get(key)
        if pw is None:
            pw, _ = parse_pathway(json.loads(r["definition_json"]), f"graph:{r['uid']}")
            if pw is None:
                continue
            _PARSED[key] = pw
        out.append(pw)
    return out


def _lab_codes(pw: Pathway) -> set[str]:
    codes: set[str] = set()
    crits: list[Criterion] = [c for t in pw.transitions for c in t.criteria]
    crits += [i.criterion for s in pw.scores for i in s.items]
    crits += [th.when for f in pw.forecasts for th in f.thresholds if th.when is not None]
    if pw.applies_to is not None:
        crits.append(pw.applies_to)
    for c in crits:
        for leaf in c.leaves():
            codes.update(leaf.loinc)
    for f in pw.forecasts:
        codes.update(f.loinc)
    return codes


def _cite(pw: Pathway, key: str) -> str | None:
    src = pw.source(key)
    if src is None:
        return None
    return src.citation + (f", PMID {src.pmid}" if src.pmid else "")


@dataclass
class _SafetyCache:
    """What-if results per drug for one twin, shared by every pathway of one call."""

    store: GraphStore
    patient_uid: str
    now: str | None
    enabled: bool
    results: dict[str, StepOption] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)  # named by a combined what-if
    available: bool = True

    def _what_if(self, drugs: tuple[str, ...]) -> tuple[list[Alert], dict[str, str]] | None:
        """New or changed alerts (moderate or worse) when ``drugs`` are added; None when the
        safety engine is absent."""
        try:
            from kg.reasoning import WhatIf, safety_report
        except ImportError:  # pragma: no cover - the safety engine is absent
            self.available = False
            return None
        report = safety_report(
            self.store, self.patient_uid, what_if=WhatIf(add=drugs), as_of=self.now, now=self.now
        )
        if report.diff is not None:
            fresh = list(report.diff.new) + [after for _, after in report.diff.changed]
        else:  # pragma: no cover - a what-if always carries its diff
            fresh = list(report.alerts)
        return [a for a in fresh if a.severity_rank >= CAUTION_RANK], dict(report.drugs)

    def prescreen(self, drug_uids: list[str]) -> None:
        """One what-if adding every candidate at once: a drug that no new alert names is open.

        Adding drugs only adds alerts (no pathway option mitigates another's risk), so a drug
        the combined report does not name raises nothing alone (alerts naming only two or
        more candidates, such as two DOACs together, are artefacts of the batch and ignored);
        the named ones are checked one by one in :meth:`option`.
        """
        todo = tuple(sorted({d for d in drug_uids if d not in self.results} - self.flagged))
        if not self.enabled or len(todo) < 2:
            return
        try:
            got = self._what_if(todo)
        except NotFound:
            return  # some candidate is unknown: check each on its own
        if got is None:
            return
        alerts, names = got
        batch = set(todo)
        named: set[str] = set()
        for a in alerts:
            mine = batch.intersection(a.drug_uids)
            # an alert naming only candidates, two or more, exists only because they were
            # added together (two DOACs, two SSRIs): no single option raises it
            if len(mine) == 1 or set(a.drug_uids) - batch:
                named |= mine
        self.flagged |= named
        for d in todo:
            if d not in named:
                name = names.get(d) or display_names().get(d, d)
                self.results[d] = StepOption(d, name, "open")

    def option(self, drug_uid: str) -> StepOption:
        """The option's status from a what-if adding it (cached)."""
        name = display_names().get(drug_uid, drug_uid)
        if not self.enabled:
            return StepOption(drug_uid, name, "unchecked", reason="safety check not requested")
        if drug_uid in self.results:
            return self.results[drug_uid]
        try:
            got = self._what_if((drug_uid,))
        except NotFound as exc:
            opt = StepOption(drug_uid, name, "unchecked", reason=str(exc))
            self.results[drug_uid] = opt
            return opt
        if got is None:
            return StepOption(drug_uid, name, "unchecked", reason="safety engine not installed")
        alerts, names = got
        mine = [a for a in alerts if drug_uid in a.drug_uids]
        mine.sort(key=lambda a: -a.severity_rank)
        name = names.get(drug_uid, name)
        if any(a.severity_rank >= BLOCK_RANK for a in mine):
            status = "blocked"
        elif mine:
            status = "caution"
        else:
            status = "open"
        opt = StepOption(drug_uid, name, status, tuple(mine))
        self.results[drug_uid] = opt
        return opt


def _satisfied(step: Step, facts: TwinFacts) -> tuple[int, list[str]]:
    """How many therapy components the twin satisfies, and the drugs that satisfy them."""
    count, basis = 0, list[str]()
    for comp in step.therapy:
        hits = []
        for code in comp:
            if code in facts.drugs:
                hits.append(facts.drugs[code])
            hits.extend(facts.classes.get(code, ()))
        if hits:
            count += 1
            basis.extend(f"on {h}" for h in sorted(set(hits)) if f"on {h}" not in basis)
    return count, basis


def _depths(pw: Pathway) -> dict[str, int]:
    g = pathway_graph(pw)
    if pw.start not in g:
        return {}
    if nx.is_directed_acyclic_graph(g):
        depth = {pw.start: 0}
        for node in nx.topological_sort(g):
            if node not in depth:
                continue
            for nxt in g.successors(node):
                depth[nxt] = max(depth.get(nxt, 0), depth[node] + 1)
        return depth
    return dict(nx.single_source_shortest_path_length(g, pw.start))


def _current(pw: Pathway, facts: TwinFacts, scores: Mapping[str, ScoreValue]) -> CurrentStep:
    depth = _depths(pw)
    candidates = []
    for i, s in enumerate(pw.steps):
        if not s.therapy:
            continue
        n, basis = _satisfied(s, facts)
        if n and n >= s.required_components:
            entries = [
                evaluate_all(t.criteria, facts, scores, skip=STABLE_SKIP)[0]
                for t in pw.incoming(s.id)
            ]
            entry = any(e is True for e in entries)
            candidates.append(((entry, depth.get(s.id, 0), -i), s, basis))
    if candidates:
        _, step, basis = max(candidates, key=lambda c: c[0])
        return CurrentStep(step.id, step.title, step.kind, tuple(basis), (step.id,))
    path = [pw.start]
    cur = pw.start
    while True:
        holding = [
            t
            for t in pw.outgoing(cur)
            if not pw.step(t.target_step).therapy
            and evaluate_all(t.criteria, facts, scores)[0] is True
        ]
        if len(holding) != 1 or holding[0].target_step in path:
            break
        cur = holding[0].target_step
        path.append(cur)
    step = pw.step(cur)
    start_basis = ("no pathway therapy active",) if len(path) == 1 else ()
    return CurrentStep(step.id, step.title, step.kind, start_basis, tuple(path))


def _options(step: Step, facts: TwinFacts) -> list[str]:
    """The options worth a what-if: not already taken, and (for add-on steps) only those
    filling a therapy component the twin does not have yet."""
    open_codes: set[str] | None = None
    filled = [any(c in facts.drugs or c in facts.classes for c in comp) for comp in step.therapy]
    if any(filled):
        open_codes = set()
        for comp, done in zip(step.therapy, filled, strict=True):
            if not done:
                open_codes.update(comp)
    out = []
    for drug in step.options:
        if drug in facts.drugs:
            continue
        # with some components filled, keep only drugs filling an open one (by drug or class)
        if (
            open_codes is not None
            and drug not in open_codes
            and not _drug_in_classes(drug, open_codes)
        ):
            continue
        out.append(drug)
    return out


_CLASS_OF: dict[str, frozenset[str]] = {}


def _drug_in_classes(drug: str, codes: set[str]) -> bool:
    if not _CLASS_OF:
        import csv

        parents: dict[str, str] = {}
        with (data_dir() / "curated" / "drug_groups.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r.get("parent_group"):
                    parents[f"kgtwin:{r['group_id']}"] = f"kgtwin:{r['parent_group']}"
        members: dict[str, set[str]] = {}
        with (data_dir() / "curated" / "drug_group_members.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if not r.get("rxcui"):
                    continue
                k = f"kgtwin:{r['group_id']}"
                got = members.setdefault(f"RxNorm:{r['rxcui']}", set())
                while k and k not in got:
                    got.add(k)
                    k = parents.get(k, "")
        _CLASS_OF.update({d: frozenset(v) for d, v in members.items()})
    return bool(_CLASS_OF.get(drug, frozenset()) & codes)


def _evaluate(
    pw: Pathway,
    facts: TwinFacts,
    safety: _SafetyCache,
    as_of: str,
    patient_id: str,
) -> PathwayResult:
    applies = evaluate(pw.applies_to, facts) if pw.applies_to is not None else None
    applicable = applies is None or applies.holds is not False
    base = {
        "pathway_id": pw.id,
        "name": pw.name,
        "version": pw.version,
        "patient_id": patient_id,
        "as_of": as_of,
        "applies": applies,
        "sources": pw.sources,
    }
    if not applicable:
        return PathwayResult(applicable=False, current_step=None, **base)  # type: ignore[arg-type]
    score_results = compute_scores(pw, facts)
    ranges = {s.id: s.range for s in score_results}
    current = _current(pw, facts, ranges)
    buckets: dict[str, list[StepResult]] = {
        k: [] for k in ("eligible", "blocked", "undetermined", "not_met")
    }
    evaluated = []
    for t in pw.outgoing(current.id):
        holds, results = evaluate_all(t.criteria, facts, ranges)
        evaluated.append((t, holds, results))
    safety.prescreen(
        [d for t, holds, _ in evaluated if holds for d in _options(pw.step(t.target_step), facts)]
    )
    for t, holds, results in evaluated:
        step = pw.step(t.target_step)
        options: list[StepOption] = []
        status = {True: "eligible", False: "not_met", None: "undetermined"}[holds]
        if holds is True and step.options:
            options = [safety.option(d) for d in _options(step, facts)]
            checked = [o for o in options if o.status != "unchecked"]
            if (
                checked
                and all(o.status == "blocked" for o in checked)
                and len(checked) == len(options)
            ):
                status = "blocked"
        buckets[status].append(
            StepResult(
                id=step.id,
                title=step.title,
                kind=step.kind,
                status=status,
                criteria=tuple(results),
                options=tuple(options),
                note=t.note,
                label=t.label,
                citation=_cite(pw, t.source),
                sub_pathway=step.sub_pathway,
            )
        )
    forecasts = _forecasts(pw, facts, ranges)
    notes = []
    if not safety.enabled:
        notes.append("options were not safety-checked (check_safety=False)")
    elif not safety.available:
        notes.append("the safety engine is not installed: options were not checked")
    return PathwayResult(
        applicable=True,
        current_step=current,
        next_steps=tuple(buckets["eligible"]),
        blocked_steps=tuple(buckets["blocked"]),
        undetermined_steps=tuple(buckets["undetermined"]),
        not_met_steps=tuple(buckets["not_met"]),
        scores=tuple(score_results),
        forecasts=tuple(forecasts),
        safety_checked=safety.enabled and safety.available,
        notes=tuple(notes),
        **base,  # type: ignore[arg-type]
    )


def _candidates(pw: Pathway, facts: TwinFacts) -> list[str]:
    """The options of every step the twin's data opens on this pathway (for one what-if)."""
    if pw.applies_to is not None:
        applies = evaluate(pw.applies_to, facts)
        if applies is not None and applies.holds is False:
            return []
    ranges = {s.id: s.range for s in compute_scores(pw, facts)}
    current = _current(pw, facts, ranges)
    return [
        d
        for t in pw.outgoing(current.id)
        if evaluate_all(t.criteria, facts, ranges)[0] is True
        for d in _options(pw.step(t.target_step), facts)
    ]


def _forecasts(pw: Pathway, facts: TwinFacts, ranges: Mapping[str, ScoreValue]) -> list[Forecast]:
    def applies(th: object) -> bool | None:
        when = getattr(th, "when", None)
        if when is None:
            return True
        res = evaluate(when, facts, ranges)
        return None if res is None else res.holds

    cite: Callable[[str], str | None] = lambda key: _cite(pw, key)  # noqa: E731
    return [
        forecast(rule, facts.lab_series(rule.loinc), facts.now_epoch, applies=applies, cite=cite)
        for rule in pw.forecasts
    ]


def _prepare(
    store: GraphStore, patient_id: str, now: str | None, pathways: list[Pathway]
) -> tuple[TwinFacts, str]:
    now_epoch = epoch_of(now, field="now") if now else int(time.time())
    codes: set[str] = set()
    for pw in pathways:
        codes |= _lab_codes(pw)
    facts = read_twin(store, patient_id, now_epoch=now_epoch, loincs=codes)
    return facts, now or iso_date(now_epoch)


def care_pathways(
    store: GraphStore,
    patient_id: str,
    *,
    now: str | None = None,
    check_safety: bool = True,
) -> list[PathwayResult]:
    """Every pathway that applies to a twin, evaluated.

    Args:
        store: the graph (pathways loaded by :func:`load_pathways`; the project's files are
            used when none are loaded).
        patient_id: a FHIR id or ``Patient/<id>``.
        now: the reference time (ISO-8601; default: the clock): therapy active then, labs up
            to then, ages and forecasts from then.
        check_safety: run a safety what-if for each option of an eligible step.

    Returns:
        One result per applicable pathway, in pathway id order.

    Raises:
        NotFound: no such twin.
        ValidationError: ``now`` is not ISO-8601.
    """
    pathways = loaded_pathways(store)
    facts, as_of = _prepare(store, patient_id, now, pathways)
    safety = _SafetyCache(store, facts.uid, now, check_safety)
    if check_safety:  # one combined what-if for every pathway's open options
        safety.prescreen([d for pw in pathways for d in _candidates(pw, facts)])
    out = []
    for pw in sorted(pathways, key=lambda p: p.id):
        res = _evaluate(pw, facts, safety, as_of, patient_uid(patient_id))
        if res.applicable:
            out.append(res)
    return out


def care_pathway(
    store: GraphStore,
    patient_id: str,
    pathway_id: str,
    *,
    now: str | None = None,
    check_safety: bool = True,
) -> PathwayResult:
    """One pathway evaluated for a twin (``applicable`` says whether it applies at all).

    Example: a twin on metformin whose latest eGFR is 41 has current step ``metformin`` and
    the eligible next step ``metformin_dose_review`` with data "eGFR 41 on 2026-09-30".

    Raises:
        NotFound: no such twin, or no such pathway (the message lists the loaded ones).
        ValidationError: ``now`` is not ISO-8601.
    """
    pathways = loaded_pathways(store)
    wanted = pathway_id.removeprefix("pathway:")
    found = [p for p in pathways if p.id == wanted]
    if not found:
        from kg.errors import choices

        raise NotFound(f"Unknown pathway {pathway_id!r} (known: {choices(p.id for p in pathways)})")
    facts, as_of = _prepare(store, patient_id, now, found)
    safety = _SafetyCache(store, facts.uid, now, check_safety)
    return _evaluate(found[0], facts, safety, as_of, patient_uid(patient_id))
