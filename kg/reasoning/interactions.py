"""Drug-drug interactions: listed pairs, class-level and context-aware rules, and mechanisms.

All three views of a pair fold into one alert (key ``drug_interaction:<uid>|<uid>``) that keeps
every source. Context-aware rules (HL7 PDDI-CDS style) carry ordered branches as data
(``context_json``); the first branch whose ``when`` holds for the twin gives the severity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kg.reasoning.context import CheckInput
from kg.reasoning.findings import AlertBuilder, evidence_from
from kg.reasoning.model import Alert
from kg.store import GraphStore

__all__ = ["PRODRUG_ACTIVATION", "evaluate_branches", "find_interactions"]

# Prodrugs that the enzyme activates (CPIC guidelines: codeine and tramadol, CYP2D6, PMID
# 33387367; clopidogrel, CYP2C19, PMID 35034351; tamoxifen, CYP2D6, PMID 29385237).
PRODRUG_ACTIVATION = frozenset(
    {
        ("codeine", "CYP2D6"),
        ("tramadol", "CYP2D6"),
        ("tamoxifen", "CYP2D6"),
        ("clopidogrel", "CYP2C19"),
    }
)

# strength of the perpetrator x sensitivity of the substrate -> severity
_MECHANISM_SEVERITY = {
    ("strong", "sensitive"): "major",
    ("strong", "moderate"): "moderate",
    ("moderate", "sensitive"): "moderate",
    ("moderate", "moderate"): "minor",
}


def _pair_key(a: str, b: str) -> str:
    return "drug_interaction:" + "|".join(sorted((a, b)))


def _builder(builders: dict[str, AlertBuilder], a: str, b: str) -> AlertBuilder:
    key = _pair_key(a, b)
    if key not in builders:
        builders[key] = AlertBuilder(kind="drug_interaction", key=key)
    return builders[key]


def _strip_curie(uid: str) -> str:
    return uid.split(":", 1)[1] if ":" in uid else uid


def _holds(pred: Mapping[str, Any], inp: CheckInput, obj: str, prec: str) -> bool:
    """One predicate of a context branch (kinds listed in context_interaction_rules.json)."""
    others = [d for d in inp.drug_uids if d not in (obj, prec)]
    for kind, value in pred.items():
        if kind == "always":
            return bool(value)
        if kind == "all":
            return all(_holds(p, inp, obj, prec) for p in value)
        if kind == "any":
            return any(_holds(p, inp, obj, prec) for p in value)
        if kind == "precipitant_route":
            return str(value).lower() in (inp.routes.get(prec) or "")
        if kind == "precipitant_drug":
            return _strip_curie(prec) == _strip_curie(str(value))
        if kind == "comedication_drug":
            return any(_strip_curie(d) == _strip_curie(str(value)) for d in others)
        if kind == "comedication_group":
            group = value if ":" in str(value) else f"kgtwin:{value}"
            return any(group in inp.classes.get(d, frozenset()) for d in others)
        if kind == "age_gte":
            return inp.age is not None and inp.age >= int(value)
        if kind == "condition":
            concept = value if ":" in str(value) else f"concept:{value}"
            return concept in inp.concept_uids
    return False


def evaluate_branches(
    branches: list[Mapping[str, Any]], inp: CheckInput, obj: str, prec: str
) -> Mapping[str, Any] | None:
    """The first branch whose ``when`` holds (ordered evaluation), or None."""
    for branch in branches:
        if _holds(branch.get("when") or {"always": True}, inp, obj, prec):
            return branch
    return None


def _branches(context_json: str | None) -> list[Mapping[str, Any]]:
    """The ordered branches of a context-aware rule (its ``context_json``), or []."""
    if not context_json:
        return []
    data = json.loads(context_json)
    branches = data.get("branches", []) if isinstance(data, dict) else data
    return [b for b in branches if isinstance(b, dict)]


def _listed(store: GraphStore, inp: CheckInput, builders: dict[str, AlertBuilder]) -> None:
    for r in store.read("find_listed_interactions", {"drug_uids": list(inp.drug_uids)}):
        obj, prec = r["object_uid"], r["precipitant_uid"]
        sources = r["sources"] or []
        labels = sorted({s["label"] for s in sources if s.get("label")})
        names = ", ".join(sorted({s["source"] for s in sources})) or "an interaction list"
        msg = f"{r['object_name']} with {r['precipitant_name']}: listed by {names}"
        if r.get("mechanism"):
            msg += f" ({r['mechanism']})"
        elif labels:
            msg += f" ({'; '.join(labels)})"
        b = _builder(builders, obj, prec)
        b.add(
            severity=r["severity"],
            message=msg + ".",
            management=None,
            basis="listed",
            evidence=[evidence_from(s) for s in sources],
            path=[obj, "HAS_OBJECT", r["uid"], "HAS_PRECIPITANT", prec],
            drugs=[(obj, r["object_name"]), (prec, r["precipitant_name"])],
            object=r["object_name"],
            precipitant=r["precipitant_name"],
        )


def _rules(store: GraphStore, inp: CheckInput, builders: dict[str, AlertBuilder]) -> None:
    seen: set[tuple[str, str, str]] = set()
    rows = store.read("find_rule_interactions", {"drug_uids": list(inp.drug_uids)})
    for r in sorted(rows, key=lambda r: (r["rule_uid"], r["object_via"], r["precipitant_via"])):
        obj, prec = r["object_uid"], r["precipitant_uid"]
        if (r["rule_uid"], obj, prec) in seen:
            continue
        seen.add((r["rule_uid"], obj, prec))
        severity, message, management = r["severity"], r["message"], r["management"]
        rule_id, branch_id = r["rule_id"], None
        branches = _branches(r.get("context_json"))
        if branches:
            branch = evaluate_branches(branches, inp, obj, prec)
            if branch is None:
                continue
            severity = branch["severity"]
            message = branch.get("message") or message
            management = branch.get("management") or management
            branch_id = branch.get("id")
            rule_id = f"{rule_id}#{branch_id}" if branch_id else rule_id
        path = [obj]
        if r["object_via"] != obj:
            path += ["MEMBER_OF", r["object_via"]]
        path += ["HAS_OBJECT", r["rule_uid"], "HAS_PRECIPITANT"]
        if r["precipitant_via"] != prec:
            path += [r["precipitant_via"], "MEMBER_OF"]
        path.append(prec)
        b = _builder(builders, obj, prec)
        b.add(
            severity=severity,
            message=message or f"{r['object_name']} with {r['precipitant_name']}.",
            management=management,
            basis="context_rule" if branches else "class_rule",
            evidence=[evidence_from(r, rule_id=rule_id)],
            path=path,
            drugs=[(obj, r["object_name"]), (prec, r["precipitant_name"])],
            object=r["object_name"],
            precipitant=r["precipitant_name"],
            branch=branch_id,
        )


def _mechanisms(store: GraphStore, inp: CheckInput, builders: dict[str, AlertBuilder]) -> None:
    for r in store.read("find_mechanism_interactions", {"drug_uids": list(inp.drug_uids)}):
        severity = _MECHANISM_SEVERITY.get((r["strength"], r["sensitivity"]))
        if severity is None:
            continue
        obj, prec, gene = r["object_uid"], r["precipitant_uid"], r["gene"]
        inhibits = r["role"] == "INHIBITS"
        verb = "inhibitor" if inhibits else "inducer"
        prodrug = (r["object_name"], gene) in PRODRUG_ACTIVATION
        if prodrug:  # the enzyme makes the active drug: inhibition means less effect
            effect = (
                f"less of its active metabolite is formed (loss of {r['object_name']} effect)"
                if inhibits
                else "more of its active metabolite is formed (toxicity)"
            )
        else:
            effect = (
                f"{r['object_name']} exposure is expected to rise (toxicity)"
                if inhibits
                else f"{r['object_name']} exposure is expected to fall (loss of effect)"
            )
        message = (
            f"{r['precipitant_name']} is a {r['strength']} {gene} {verb} and "
            f"{r['object_name']} a {r['sensitivity']} {gene} substrate: {effect} "
            "(mechanism-based)."
        )
        management = (
            f"Avoid the combination or use an alternative not metabolised by {gene}; "
            f"if used together, reduce the {r['object_name']} dose and monitor."
            if inhibits and not prodrug
            else f"Expect less {r['object_name']} effect; use an alternative that does not "
            f"need {gene} activation, or one that does not inhibit {gene}."
            if inhibits
            else f"Expect reduced {r['object_name']} effect; consider an alternative or a "
            "higher dose with monitoring."
        )
        rule_id = f"mechanism:{gene}:{verb}-{r['strength']}:{r['sensitivity']}-substrate"
        b = _builder(builders, obj, prec)
        b.add(
            severity=severity,
            message=message,
            management=management,
            basis="mechanism",
            evidence=[evidence_from(e, rule_id=rule_id) for e in r["evidence"] or []],
            path=[prec, r["role"], r["gene_uid"], "SUBSTRATE_OF", obj],
            drugs=[(obj, r["object_name"]), (prec, r["precipitant_name"])],
            object=r["object_name"],
            precipitant=r["precipitant_name"],
            gene=gene,
        )


def find_interactions(store: GraphStore, inp: CheckInput) -> list[Alert]:
    """Every drug-drug interaction among ``inp.drug_uids``, one alert per pair."""
    if len(inp.drug_uids) < 2:
        return []
    builders: dict[str, AlertBuilder] = {}
    _listed(store, inp, builders)
    _rules(store, inp, builders)
    _mechanisms(store, inp, builders)
    alerts = []
    for b in builders.values():
        genes = sorted({c["gene"] for c in b.contributions if c.get("gene")})
        alerts.append(b.build(gene=", ".join(genes) if genes else None))
    return alerts
