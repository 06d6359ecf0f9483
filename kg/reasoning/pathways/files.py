"""Read pathway files (JSON) into :class:`~kg.reasoning.pathways.model.Pathway` values.

Parsing is forgiving: every problem of shape (a missing field, an unknown criterion type, a
``$ref`` to no definition) is collected as a :class:`PathwayProblem` naming the pathway,
step and criterion, so ``kgtwin pathway check`` can list them all at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.reasoning.pathways.model import (
    COMBINATORS,
    CRITERION_TYPES,
    MISSING,
    OPS,
    STEP_KINDS,
    Criterion,
    ForecastRule,
    Pathway,
    PathwayProblem,
    ScoreItem,
    ScoreRule,
    SourceRef,
    Step,
    Threshold,
    Transition,
)

__all__ = ["default_pathway_dir", "pathway_files", "read_pathway", "read_pathways"]

# Files in the pathway folder that are not pathways (data the pathways derive from).
NOT_PATHWAYS = frozenset({"cpic_warfarin_dosing_flow.json"})


def default_pathway_dir() -> Path:
    """``kg/knowledge/data/pathways``, the folder of the default pathways."""
    return Path(__file__).resolve().parents[2] / "knowledge" / "data" / "pathways"


def pathway_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The pathway files to read: ``paths`` (files or folders) or the default folder."""
    found: list[Path] = []
    for p in [Path(x) for x in paths] if paths else [default_pathway_dir()]:
        if p.is_dir():
            found.extend(f for f in sorted(p.glob("*.json")) if f.name not in NOT_PATHWAYS)
        else:
            found.append(p)
    return found


class _Parser:
    def __init__(self, pathway_id: str, file: str) -> None:
        self.pathway_id = pathway_id
        self.file = file
        self.problems: list[PathwayProblem] = []
        self.definitions: Mapping[str, Any] = {}

    def problem(
        self,
        message: str,
        *,
        step: str | None = None,
        transition: str | None = None,
        criterion: str | None = None,
    ) -> None:
        self.problems.append(
            PathwayProblem(
                pathway=self.pathway_id,
                message=message,
                step=step,
                transition=transition,
                criterion=criterion,
                file=self.file,
            )
        )

    # -- criteria --------------------------------------------------------------------------
    def criterion(
        self,
        raw: Any,
        where: str,
        *,
        step: str | None = None,
        transition: str | None = None,
        depth: int = 0,
    ) -> Criterion | None:
        if not isinstance(raw, Mapping):
            self.problem(
                f"must be an object, got {type(raw).__name__}",
                step=step,
                transition=transition,
                criterion=where,
            )
            return None
        if "$ref" in raw:
            ref = raw["$ref"]
            if depth > 8:
                self.problem(
                    f"$ref {ref!r} nests too deeply", transition=transition, criterion=where
                )
                return None
            if ref not in self.definitions:
                self.problem(
                    f"$ref {ref!r} names no definition (defined: "
                    f"{', '.join(sorted(self.definitions)) or 'none'})",
                    step=step,
                    transition=transition,
                    criterion=where,
                )
                return None
            return self.criterion(
                self.definitions[ref],
                f"{where}($ref {ref})",
                step=step,
                transition=transition,
                depth=depth + 1,
            )
        ctype = raw.get("type")
        label = f"{where} ({ctype})"
        if ctype not in CRITERION_TYPES:
            self.problem(
                f"unknown criterion type {ctype!r} (choices: {', '.join(CRITERION_TYPES)})",
                step=step,
                transition=transition,
                criterion=where,
            )
            return None
        if ctype in COMBINATORS:
            items = raw.get("criteria")
            if not isinstance(items, list) or not items:
                self.problem(
                    "'criteria' must be a non-empty list",
                    step=step,
                    transition=transition,
                    criterion=label,
                )
                return None
            kids = [
                self.criterion(
                    c, f"{where}.criteria[{i}]", step=step, transition=transition, depth=depth
                )
                for i, c in enumerate(items)
            ]
            if any(k is None for k in kids):
                return None
            return Criterion(type=ctype, criteria=tuple(k for k in kids if k is not None))
        required = {
            "condition": ("concept",),
            "lab": ("loinc", "op", "value"),
            "phenotype": ("gene", "phenotypes"),
            "genotype": ("gene",),
            "age": ("op", "value"),
            "sex": ("value",),
            "race": ("codes",),
            "score": ("score", "op", "value"),
            "not_recorded": ("name", "value"),
        }.get(ctype, ())
        missing = [k for k in required if k not in raw]
        if ctype == "therapy" and not (("class" in raw) ^ ("drug" in raw)):
            missing.append("exactly one of 'class' or 'drug'")
        if missing:
            self.problem(
                f"missing {', '.join(missing)}", step=step, transition=transition, criterion=label
            )
            return None
        op = raw.get("op")
        if op is not None and op not in OPS:
            self.problem(
                f"op {op!r} is not valid (choices: {', '.join(OPS)})",
                step=step,
                transition=transition,
                criterion=label,
            )
            return None
        value = raw.get("value")
        if ctype in ("lab", "age", "score") and not isinstance(value, int | float):
            self.problem(
                f"value {value!r} must be a number",
                step=step,
                transition=transition,
                criterion=label,
            )
            return None
        miss = raw.get("missing", "unknown")
        if miss not in MISSING:
            self.problem(
                f"missing={miss!r} is not valid (choices: {', '.join(MISSING)})",
                step=step,
                transition=transition,
                criterion=label,
            )
            return None
        loinc = raw.get("loinc", ())
        if isinstance(loinc, str):
            loinc = (loinc,)
        phenotypes = raw.get("phenotypes", ())
        if isinstance(phenotypes, str):
            phenotypes = (phenotypes,)
        max_age = raw.get("max_age_days")
        codes = raw.get("codes", ())
        if ctype == "race" and (
            not isinstance(codes, list) or not codes or not all(isinstance(x, str) for x in codes)
        ):
            self.problem(
                f"codes {codes!r} must be a non-empty list of CDC race codes such as '2054-5'",
                step=step,
                transition=transition,
                criterion=label,
            )
            return None
        return Criterion(
            type=ctype,
            present=bool(raw.get("present", True)),
            concept=raw.get("concept"),
            history=bool(raw.get("history", False)),
            drug=raw.get("drug"),
            drug_class=raw.get("class"),
            loinc=tuple(str(x) for x in loinc),
            op=op,
            value=float(value) if isinstance(value, int | float) else value,
            unit=raw.get("unit"),
            max_age_days=int(max_age) if isinstance(max_age, int) else None,
            gene=raw.get("gene"),
            phenotypes=tuple(str(x) for x in phenotypes),
            score=raw.get("score"),
            name=raw.get("name"),
            missing=miss,
            codes=tuple(codes) if ctype == "race" else (),
        )

    def criteria(
        self, raw: Any, where: str, *, step: str | None = None, transition: str | None = None
    ) -> tuple[Criterion, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("'criteria' must be a list", step=step, transition=transition)
            return ()
        out = []
        for i, c in enumerate(raw):
            parsed = self.criterion(c, f"{where}[{i}]", step=step, transition=transition)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)


def _text(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    value = raw.get(key, default)
    return value if isinstance(value, str) else default


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return ()


def parse_pathway(raw: Any, file: str = "") -> tuple[Pathway | None, list[PathwayProblem]]:
    """Parse one pathway document; return it (or None) and every problem found."""
    if not isinstance(raw, Mapping):
        return None, [
            PathwayProblem(pathway=file, message="file must hold a JSON object", file=file)
        ]
    pid = raw.get("id")
    p = _Parser(str(pid or Path(file).stem or "?"), file)
    if not isinstance(pid, str) or not pid:
        p.problem("missing 'id'")
    for key in ("name", "start", "steps", "transitions", "sources"):
        if key not in raw:
            p.problem(f"missing '{key}'")
    defs = raw.get("definitions", {})
    p.definitions = defs if isinstance(defs, Mapping) else {}

    sources = []
    for key, s in (raw.get("sources") or {}).items():
        if not isinstance(s, Mapping) or not s.get("citation"):
            p.problem(f"source {key!r} has no citation")
            continue
        sources.append(
            SourceRef(
                key=str(key),
                citation=str(s["citation"]),
                pmid=s.get("pmid"),
                doi=s.get("doi"),
                url=s.get("url"),
            )
        )

    steps: list[Step] = []
    for i, s in enumerate(raw.get("steps") or []):
        if not isinstance(s, Mapping) or not s.get("id"):
            p.problem(f"steps[{i}] has no id")
            continue
        sid = str(s["id"])
        kind = s.get("kind")
        if kind not in STEP_KINDS:
            p.problem(f"kind {kind!r} is not valid (choices: {', '.join(STEP_KINDS)})", step=sid)
            continue
        therapy_raw = s.get("therapy") or {}
        components = tuple(_str_tuple(c) for c in therapy_raw.get("components", ()))
        tmin = therapy_raw.get("min")
        if kind == "therapy" and not components:
            p.problem("a therapy step needs therapy.components", step=sid)
        if tmin is not None and not (isinstance(tmin, int) and 1 <= tmin <= len(components)):
            p.problem(f"therapy.min={tmin!r} must be between 1 and {len(components)}", step=sid)
            tmin = None
        steps.append(
            Step(
                id=sid,
                kind=kind,
                title=_text(s, "title", sid),
                source=_text(s, "source"),
                description=_text(s, "description"),
                end=bool(s.get("end", False)),
                therapy=components,
                therapy_min=tmin,
                options=_str_tuple(s.get("options", ())),
                labs=_str_tuple(s.get("labs", ())),
                sub_pathway=s.get("sub_pathway"),
            )
        )

    transitions: list[Transition] = []
    for i, t in enumerate(raw.get("transitions") or []):
        if not isinstance(t, Mapping) or not t.get("from") or not t.get("to"):
            p.problem(f"transitions[{i}] needs 'from' and 'to'")
            continue
        tname = f"{t['from']}->{t['to']}"
        transitions.append(
            Transition(
                source_step=str(t["from"]),
                target_step=str(t["to"]),
                source=_text(t, "source"),
                criteria=p.criteria(t.get("criteria"), "criteria", transition=tname),
                note=_text(t, "note"),
                label=_text(t, "label"),
            )
        )

    applies = None
    if raw.get("applies_to") is not None:
        applies = p.criterion(raw["applies_to"], "applies_to")

    scores: list[ScoreRule] = []
    for sc in raw.get("scores") or []:
        sc_id = str(sc.get("id", "?"))
        items: list[ScoreItem] = []
        for j, it in enumerate(sc.get("items") or []):
            crit = p.criterion(it.get("criterion"), f"scores.{sc_id}.items[{j}]")
            if crit is None:
                continue
            points = it.get("points")
            if not isinstance(points, int):
                p.problem(f"score {sc_id} item {it.get('id', j)}: points must be an integer")
                continue
            items.append(
                ScoreItem(
                    id=str(it.get("id", j)),
                    label=_text(it, "label", str(it.get("id", j))),
                    points=points,
                    criterion=crit,
                )
            )
        scores.append(
            ScoreRule(
                id=sc_id,
                name=_text(sc, "name", sc_id),
                source=_text(sc, "source"),
                items=tuple(items),
            )
        )

    forecasts: list[ForecastRule] = []
    for fc in raw.get("forecasts") or []:
        fc_id = str(fc.get("id", "?"))
        thresholds: list[Threshold] = []
        for j, th in enumerate(fc.get("thresholds") or []):
            direction = th.get("direction")
            if direction not in ("below", "above") or not isinstance(th.get("value"), int | float):
                p.problem(
                    f"forecast {fc_id} threshold {j}: needs a numeric value and direction "
                    "'below' or 'above'"
                )
                continue
            when = None
            if th.get("when") is not None:
                when = p.criterion(th["when"], f"forecasts.{fc_id}.thresholds[{j}].when")
            thresholds.append(
                Threshold(
                    value=float(th["value"]),
                    direction=direction,
                    action=_text(th, "action"),
                    source=_text(th, "source"),
                    step=th.get("step"),
                    when=when,
                )
            )
        min_points = fc.get("min_points", 3)
        if not isinstance(min_points, int) or min_points < 3:
            p.problem(f"forecast {fc_id}: min_points must be an integer of at least 3")
            min_points = 3
        forecasts.append(
            ForecastRule(
                id=fc_id,
                label=_text(fc, "label", fc_id),
                unit=_text(fc, "unit"),
                loinc=_str_tuple(fc.get("loinc", ())),
                thresholds=tuple(thresholds),
                min_points=min_points,
                window_days=int(fc.get("window_days", 1095)),
                min_span_days=int(fc.get("min_span_days", 90)),
            )
        )

    pathway = Pathway(
        id=p.pathway_id,
        name=_text(raw, "name", p.pathway_id),
        version=str(raw.get("version", "")),
        description=_text(raw, "description"),
        start=_text(raw, "start"),
        steps=tuple(steps),
        transitions=tuple(transitions),
        sources=tuple(sources),
        applies_to=applies,
        scores=tuple(scores),
        forecasts=tuple(forecasts),
        cycles_allowed=bool(raw.get("cycles_allowed", False)),
        file=file,
        raw=dict(raw),
    )
    return pathway, p.problems


def read_pathway(path: Path) -> tuple[Pathway | None, list[PathwayProblem]]:
    """Read and parse one pathway file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return None, [
            PathwayProblem(pathway=path.stem, message=f"cannot read: {exc}", file=str(path))
        ]
    return parse_pathway(raw, str(path))


def read_pathways(
    paths: Iterable[str | Path] | None = None,
) -> tuple[list[Pathway], list[PathwayProblem]]:
    """Read every pathway file of ``paths`` (default: the project's pathway folder)."""
    pathways: list[Pathway] = []
    problems: list[PathwayProblem] = []
    for f in pathway_files(paths):
        pw, probs = read_pathway(f)
        problems.extend(probs)
        if pw is not None:
            pathways.append(pw)
    return pathways, problems
