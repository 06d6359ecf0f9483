"""Evaluate pathway criteria on a twin, three-valued: holds, fails, or unknown (data missing).

Each result carries a readable description and the data it rests on ("eGFR 41 on
2026-09-30", "Heart failure (since 2019-01-01)", "CYP2C19 *2/*2: Poor Metabolizer"), so a
clinician sees why a step is open, and what to record when it is undetermined.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from kg.reasoning.pathways.known import display_names, lab_names
from kg.reasoning.pathways.model import COMBINATORS, Criterion
from kg.reasoning.pathways.twin import TwinFacts

__all__ = ["CriterionResult", "ScoreValue", "combine", "compare", "evaluate", "evaluate_all"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


def compare(left: float, op: str, right: float) -> bool:
    """``left op right`` for one of the pathway comparison operators."""
    return _OPS[op](left, right)


@dataclass(frozen=True)
class ScoreValue:
    """A computed score's range: ``low`` counts the items that hold, ``high`` adds unknowns."""

    low: int
    high: int


@dataclass(frozen=True)
class CriterionResult:
    """One criterion evaluated: ``holds`` is True, False or None (undetermined)."""

    description: str
    holds: bool | None
    data: tuple[str, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()

    @property
    def status(self) -> str:
        """``holds``, ``fails`` or ``unknown``."""
        return {True: "holds", False: "fails", None: "unknown"}[self.holds]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = {
            "description": self.description,
            "status": self.status,
            "data": list(self.data),
        }
        if self.criteria:
            out["criteria"] = [c.to_dict() for c in self.criteria]
        return out

    def all_data(self) -> list[str]:
        """The data of this result and every sub-result."""
        found = list(self.data)
        for c in self.criteria:
            found.extend(c.all_data())
        return found


def combine(kind: str, values: list[bool | None]) -> bool | None:
    """Kleene logic: ``all`` fails on any failure, ``any`` holds on any success."""
    if kind == "all":
        if any(v is False for v in values):
            return False
        return None if any(v is None for v in values) else True
    if any(v is True for v in values):
        return True
    if not values:
        return True  # an empty group (all its tests skipped) contradicts nothing
    return None if any(v is None for v in values) else False


def _name(uid: str | None) -> str:
    if uid is None:
        return "?"
    return display_names().get(uid, uid)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _lab(c: Criterion, facts: TwinFacts) -> CriterionResult:
    bare = [code.removeprefix("LOINC:") for c_ in [c] for code in c_.loinc]
    label = lab_names().get(bare[0], bare[0]) if bare else "lab"
    unit = f" {c.unit}" if c.unit else ""
    age_txt = f" (within {c.max_age_days} days)" if c.max_age_days else ""
    desc = f"{label} {c.op} {_fmt(float(c.value or 0))}{unit}{age_txt}"
    series = facts.lab_series(c.loinc)
    if not series:
        return CriterionResult(desc, None, (f"no {label} result on record",))
    last = series[-1]
    data = f"{label} {_fmt(last.value)} on {last.effective[:10]}"
    if c.max_age_days is not None and facts.now_epoch - last.epoch > c.max_age_days * 86400:
        return CriterionResult(desc, None, (f"{data} is older than {c.max_age_days} days",))
    return CriterionResult(desc, compare(last.value, str(c.op), float(c.value or 0)), (data,))


# US Core race "unknown" and "asked but unknown": no race was given.
_RACE_NOT_GIVEN = ("UNK", "ASKU")


def _leaf(c: Criterion, facts: TwinFacts, scores: Mapping[str, ScoreValue]) -> CriterionResult:
    if c.type == "condition":
        pool = facts.history_concepts if c.history else facts.active_concepts
        found = pool.get(str(c.concept), ())
        what = _name(c.concept) + (" (history)" if c.history else "")
        if c.present:
            return CriterionResult(f"{what} present", bool(found), found)
        return CriterionResult(f"no {what}", not found, found)
    if c.type == "lab":
        return _lab(c, facts)
    if c.type == "therapy":
        code = c.drug_class or c.drug or ""
        on = (
            facts.classes.get(code, ())
            if c.drug_class
            else ((facts.drugs[code],) if code in facts.drugs else ())
        )
        data = tuple(f"on {n}" for n in on)
        if c.present:
            return CriterionResult(f"on {_name(code)}", bool(on), data)
        return CriterionResult(f"not on {_name(code)}", not on, data)
    if c.type in ("phenotype", "genotype"):
        gene = str(c.gene)
        g = facts.genotypes.get(gene)
        if c.type == "genotype":
            desc = f"{gene} genotype {'on file' if c.present else 'not available'}"
            data = (
                (f"{gene} {g.get('diplotype') or ''}".strip(),)
                if g
                else (f"no {gene} genotype on file",)
            )
            return CriterionResult(desc, (g is not None) == c.present, data)
        listed = " or ".join(c.phenotypes)
        desc = f"{gene} {'is' if c.present else 'is not'} {listed}"
        if g is None or not g.get("phenotype"):
            holds = True if c.missing == "holds" else None
            return CriterionResult(desc, holds, (f"{gene} genotype not available",))
        pheno = str(g["phenotype"])
        data = (f"{gene} {g.get('diplotype') or ''}: {pheno}".replace("  ", " "),)
        return CriterionResult(desc, (pheno in c.phenotypes) == c.present, data)
    if c.type == "age":
        desc = f"age {c.op} {_fmt(float(c.value or 0))}"
        age = facts.age
        if age is None:
            return CriterionResult(desc, None, ("birth date not recorded",))
        return CriterionResult(desc, compare(age, str(c.op), float(c.value or 0)), (f"age {age}",))
    if c.type == "sex":
        desc = f"sex {c.value}"
        if not facts.sex or facts.sex in ("unknown", "other"):
            return CriterionResult(desc, None, ("sex not recorded",))
        return CriterionResult(desc, facts.sex == c.value, (f"sex {facts.sex}",))
    if c.type == "race":
        listed = ", ".join(c.codes)
        desc = f"self-identified race {'includes' if c.present else 'excludes'} {listed}"
        known = [x for x in facts.race_codes if x not in _RACE_NOT_GIVEN]
        if not known:
            return CriterionResult(desc, None, ("self-identified race is not recorded",))
        shown = f"race {facts.race_text or ', '.join(known)} ({', '.join(known)})"
        return CriterionResult(desc, bool(set(known) & set(c.codes)) == c.present, (shown,))
    if c.type == "score":
        desc = f"{c.score} {c.op} {_fmt(float(c.value or 0))}"
        sv = scores.get(str(c.score))
        if sv is None:
            return CriterionResult(desc, None, (f"{c.score} not computed",))
        results = {compare(v, str(c.op), float(c.value or 0)) for v in range(sv.low, sv.high + 1)}
        shown = f"{c.score} {sv.low}" if sv.low == sv.high else f"{c.score} {sv.low}-{sv.high}"
        return CriterionResult(desc, results.pop() if len(results) == 1 else None, (shown,))
    # not_recorded: data the twin does not hold (ancestry, which alleles were tested)
    return CriterionResult(f"{c.name}: {c.value}", None, (f"{c.name} is not recorded on the twin",))


def evaluate(
    c: Criterion,
    facts: TwinFacts,
    scores: Mapping[str, ScoreValue] | None = None,
    *,
    skip: Collection[str] = (),
) -> CriterionResult | None:
    """Evaluate one criterion; leaves whose type is in ``skip`` are dropped (None)."""
    scores = scores or {}
    if c.type in COMBINATORS:
        kids = [evaluate(k, facts, scores, skip=skip) for k in c.criteria]
        kept = [k for k in kids if k is not None]
        if skip and not kept:
            return None
        desc = ("all of" if c.type == "all" else "any of") + f" {len(kept)}"
        return CriterionResult(desc, combine(c.type, [k.holds for k in kept]), (), tuple(kept))
    if c.type in skip:
        return None
    return _leaf(c, facts, scores)


def evaluate_all(
    criteria: tuple[Criterion, ...],
    facts: TwinFacts,
    scores: Mapping[str, ScoreValue] | None = None,
    *,
    skip: Collection[str] = (),
) -> tuple[bool | None, list[CriterionResult]]:
    """Evaluate a transition's criteria (all must hold)."""
    results = [r for r in (evaluate(c, facts, scores, skip=skip) for c in criteria) if r]
    return combine("all", [r.holds for r in results]), results
