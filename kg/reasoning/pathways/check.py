"""Validate pathways as graphs (networkx) and against the knowledge base's codes.

Checks: every transition joins declared steps; no cycles unless the file declares
``cycles_allowed``; every step is reachable from the start; no dead ends except steps
declared ``end``; every step, transition, score and threshold cites a declared source; every
criterion names a concept, drug class, drug, LOINC code, gene, phenotype or score that the
knowledge base (or the pathway) defines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.reasoning.pathways.files import read_pathways
from kg.reasoning.pathways.known import SEXES, KnownCodes, known_codes
from kg.reasoning.pathways.model import COMBINATORS, Criterion, Pathway, PathwayProblem

__all__ = ["check_pathways", "pathway_graph", "validate_pathways"]


def pathway_graph(pw: Pathway) -> nx.DiGraph:
    """The pathway as a directed graph of step ids."""
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(s.id for s in pw.steps)
    g.add_edges_from((t.source_step, t.target_step) for t in pw.transitions)
    return g


def _close(value: str, choices: Iterable[str]) -> str:
    import difflib

    near = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(near)})" if near else ""


def _check_code(code: str, known: KnownCodes, pw: Pathway) -> str | None:
    """An error message if a drug or class uid is unknown, else None."""
    if code.startswith("kgtwin:"):
        return (
            None
            if code in known.classes
            else (f"drug class {code!r} is not in drug_groups.csv{_close(code, known.classes)}")
        )
    if code.startswith("RxNorm:"):
        return None if code in known.drugs else f"drug {code!r} is not a known RxNorm ingredient"
    return f"{code!r} is neither a drug class (kgtwin:<Group>) nor a drug (RxNorm:<rxcui>)"


def _check_criterion(
    c: Criterion,
    where: str,
    pw: Pathway,
    known: KnownCodes,
    add: list[tuple[str, str]],
) -> None:
    if c.type in COMBINATORS:
        for i, kid in enumerate(c.criteria):
            _check_criterion(kid, f"{where}.criteria[{i}]", pw, known, add)
        return
    label = f"{where} ({c.type})"
    if c.type == "condition" and c.concept not in known.concepts:
        add.append(
            (
                label,
                f"concept {c.concept!r} is not in condition_concepts.csv"
                f"{_close(str(c.concept), known.concepts)}",
            )
        )
    elif c.type == "therapy":
        code = c.drug_class or c.drug or ""
        msg = _check_code(code, known, pw)
        if msg:
            add.append((label, msg))
    elif c.type == "lab":
        for code in c.loinc:
            if code not in known.loinc:
                add.append(
                    (
                        label,
                        f"LOINC code {code!r} is not known (lab_rules.csv, "
                        f"pathways/lab_tests.csv){_close(code, known.loinc)}",
                    )
                )
    elif c.type in ("phenotype", "genotype"):
        if c.gene not in known.genes:
            add.append(
                (
                    label,
                    f"gene {c.gene!r} is not in the CPIC gene table"
                    f"{_close(str(c.gene), known.genes)}",
                )
            )
        elif c.type == "phenotype":
            valid = known.phenotypes.get(str(c.gene), frozenset())
            for ph in c.phenotypes:
                if ph not in valid:
                    add.append(
                        (
                            label,
                            f"phenotype {ph!r} is not a CPIC phenotype of {c.gene} "
                            f"(choices: {', '.join(sorted(valid)) or 'none'})",
                        )
                    )
    elif c.type == "race":
        bad = [x for x in c.codes if not re.fullmatch(r"[0-9]{4}-[0-9]", x)]
        if bad:
            add.append(
                (
                    label,
                    f"codes {', '.join(map(repr, bad))} are not CDC Race and Ethnicity codes "
                    "(NNNN-N, e.g. 2054-5 Black or African American)",
                )
            )
    elif c.type == "sex" and c.value not in SEXES:
        add.append((label, f"sex {c.value!r} is not valid (choices: {', '.join(SEXES)})"))
    elif c.type == "score" and c.score not in {s.id for s in pw.scores}:
        add.append(
            (
                label,
                f"score {c.score!r} is not defined in this pathway (defined: "
                f"{', '.join(s.id for s in pw.scores) or 'none'})",
            )
        )


def validate_pathways(
    pathways: list[Pathway],
    *,
    known: KnownCodes | None = None,
    other_ids: Iterable[str] = (),
) -> list[PathwayProblem]:
    """Graph and code checks for parsed pathways (``other_ids``: pathways defined elsewhere)."""
    known = known or known_codes()
    problems: list[PathwayProblem] = []
    all_ids = {p.id for p in pathways} | set(other_ids)
    seen: dict[str, str] = {}
    for pw in pathways:

        def problem(
            msg: str,
            *,
            step: str | None = None,
            transition: str | None = None,
            criterion: str | None = None,
            pw: Pathway = pw,
        ) -> None:
            problems.append(
                PathwayProblem(
                    pathway=pw.id,
                    message=msg,
                    step=step,
                    transition=transition,
                    criterion=criterion,
                    file=pw.file,
                )
            )

        if pw.id in seen:
            problem(f"duplicate pathway id (also in {seen[pw.id]})")
        seen[pw.id] = pw.file
        step_ids = [s.id for s in pw.steps]
        for sid in {s for s in step_ids if step_ids.count(s) > 1}:
            problem("duplicate step id", step=sid)
        sources = {s.key for s in pw.sources}
        if pw.start not in step_ids:
            problem(f"start step {pw.start!r} is not a step (steps: {', '.join(step_ids)})")
        for s in pw.steps:
            if s.source not in sources:
                problem(
                    f"cites source {s.source!r}, which is not declared "
                    f"(declared: {', '.join(sorted(sources))})",
                    step=s.id,
                )
            for comp in s.therapy:
                for code in comp:
                    msg = _check_code(code, known, pw)
                    if msg:
                        problem(f"therapy: {msg}", step=s.id)
            for code in s.options:
                msg = _check_code(code, known, pw)
                if msg:
                    problem(f"option: {msg}", step=s.id)
            for code in s.labs:
                if code not in known.loinc:
                    problem(f"lab {code!r} is not a known LOINC code", step=s.id)
            if s.sub_pathway and s.sub_pathway not in all_ids:
                problem(f"sub_pathway {s.sub_pathway!r} is not a known pathway", step=s.id)
        for t in pw.transitions:
            tname = f"{t.source_step}->{t.target_step}"
            for end in (t.source_step, t.target_step):
                if end not in step_ids:
                    problem(f"step {end!r} is not declared", transition=tname)
            if t.source not in sources:
                problem(f"cites source {t.source!r}, which is not declared", transition=tname)
            found: list[tuple[str, str]] = []
            for i, c in enumerate(t.criteria):
                _check_criterion(c, f"criteria[{i}]", pw, known, found)
            for where, msg in found:
                problem(msg, step=t.source_step, transition=tname, criterion=where)
        found = []
        if pw.applies_to is not None:
            _check_criterion(pw.applies_to, "applies_to", pw, known, found)
        for sc in pw.scores:
            if sc.source not in sources:
                problem(f"score {sc.id} cites undeclared source {sc.source!r}")
            for item in sc.items:
                _check_criterion(item.criterion, f"scores.{sc.id}.{item.id}", pw, known, found)
        for fc in pw.forecasts:
            for code in fc.loinc:
                if code not in known.loinc:
                    found.append((f"forecasts.{fc.id}", f"LOINC code {code!r} is not known"))
            for th in fc.thresholds:
                where = f"forecasts.{fc.id}.{th.direction} {th.value:g}"
                if th.source not in sources:
                    found.append((where, f"cites undeclared source {th.source!r}"))
                if th.step and th.step not in step_ids:
                    found.append((where, f"step {th.step!r} is not declared"))
                if th.when is not None:
                    _check_criterion(th.when, f"{where}.when", pw, known, found)
        for where, msg in found:
            problem(msg, criterion=where)

        # -- the graph -------------------------------------------------------------------
        g = pathway_graph(pw)
        if not pw.cycles_allowed:
            for cycle in list(nx.simple_cycles(g))[:5]:
                problem(
                    f"cycle {' -> '.join([*cycle, cycle[0]])} (set cycles_allowed to declare one)",
                    step=cycle[0],
                )
        if pw.start in g:
            reachable = nx.descendants(g, pw.start) | {pw.start}
            for s in pw.steps:
                if s.id not in reachable:
                    problem(f"not reachable from the start step {pw.start!r}", step=s.id)
        for s in pw.steps:
            out = g.out_degree(s.id) if s.id in g else 0
            if out == 0 and not s.end:
                problem(
                    "dead end: no transition leaves this step and it is not declared 'end'",
                    step=s.id,
                )
    return problems


def check_pathways(paths: Iterable[str | Path] | None = None) -> list[PathwayProblem]:
    """Check pathway files (default: every pathway of the project) without a store.

    Args:
        paths: files or folders; None for ``kg/knowledge/data/pathways``.

    Returns:
        Every problem found, each naming the pathway, step and criterion; empty when valid.
    """
    paths = list(paths) if paths is not None else None
    pathways, problems = read_pathways(paths)
    other: set[str] = set()
    if paths:  # sub-pathways may live in the default folder
        others, _ = read_pathways(None)
        other = {p.id for p in others}
    return problems + validate_pathways(pathways, other_ids=other)
