"""Pure logic: phenoconversion, context branches, ranking, diffs, CLI parsing and formatting."""

from __future__ import annotations

import pytest

from kg.cli.safety import format_report, parse_lab
from kg.errors import ValidationError
from kg.reasoning import Alert, Evidence, SafetyReport, diff_reports
from kg.reasoning.context import CheckInput
from kg.reasoning.interactions import evaluate_branches
from kg.reasoning.model import rank_of, sort_alerts
from kg.reasoning.pgx import convert_phenotype


@pytest.mark.parametrize(
    ("gene", "phenotype", "key", "strength", "expected"),
    [
        ("CYP2D6", "Normal Metabolizer", "2.0", "strong", ("Poor Metabolizer", "0.0")),
        ("CYP2D6", "Normal Metabolizer", "2.0", "moderate", ("Intermediate Metabolizer", "1.0")),
        ("CYP2D6", "Normal Metabolizer", "1.5", "moderate", ("Intermediate Metabolizer", "0.75")),
        ("CYP2D6", "Ultrarapid Metabolizer", "≥3.0", "moderate", ("Normal Metabolizer", "1.5")),
        ("CYP2D6", "Poor Metabolizer", "0.0", "strong", None),
        ("CYP2D6", "Indeterminate", "n/a", "strong", None),
        ("CYP2C9", "Normal Metabolizer", "2.0", "strong", ("Poor Metabolizer", "0.0")),
        ("CYP2C9", "Intermediate Metabolizer", "1.5", "moderate", ("Poor Metabolizer", "0.5")),
        (
            "CYP2C19",
            "Normal Metabolizer",
            "Normal Metabolizer",
            "strong",
            ("Poor Metabolizer", "Poor Metabolizer"),
        ),
        (
            "CYP2C19",
            "Rapid Metabolizer",
            "Rapid Metabolizer",
            "moderate",
            ("Normal Metabolizer", "Normal Metabolizer"),
        ),
        ("CYP2C19", "Poor Metabolizer", "Poor Metabolizer", "strong", None),
        ("TPMT", "Normal Metabolizer", "Normal Metabolizer", "strong", None),
    ],
)
def test_convert_phenotype(
    gene: str, phenotype: str, key: str, strength: str, expected: tuple[str, str] | None
) -> None:
    assert convert_phenotype(gene, phenotype, key, strength) == expected


BRANCHES = [
    {
        "id": "topical",
        "when": {"all": [{"precipitant_route": "topical"}, {"precipitant_drug": "3355"}]},
    },
    {
        "id": "ppi",
        "when": {
            "any": [{"comedication_group": "ProtonPumpInhibitor"}, {"comedication_drug": "42331"}]
        },
    },
    {"id": "high", "when": {"any": [{"age_gte": 66}, {"condition": "peptic_ulcer_history"}]}},
    {"id": "default", "when": {"always": True}},
]


def _inp(**kw: object) -> CheckInput:
    base: dict[str, object] = {
        "drug_uids": ("RxNorm:11289", "RxNorm:3355"),
        "names": {},
        "now_epoch": 0,
    }
    base.update(kw)
    return CheckInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("inp", "expected"),
    [
        (_inp(), "default"),
        (_inp(routes={"RxNorm:3355": "topical route"}, age=80), "topical"),
        (_inp(age=66), "high"),
        (_inp(age=65), "default"),
        (_inp(concept_uids=frozenset({"concept:peptic_ulcer_history"})), "high"),
        (
            _inp(
                drug_uids=("RxNorm:11289", "RxNorm:3355", "RxNorm:7646"),
                classes={"RxNorm:7646": frozenset({"kgtwin:ProtonPumpInhibitor"})},
                age=80,
            ),
            "ppi",
        ),
        # the PPI class of the object or precipitant itself is not a co-medication
        (_inp(classes={"RxNorm:3355": frozenset({"kgtwin:ProtonPumpInhibitor"})}), "default"),
        (_inp(drug_uids=("RxNorm:11289", "RxNorm:3355", "RxNorm:42331")), "ppi"),
    ],
)
def test_branches_are_evaluated_in_order(inp: CheckInput, expected: str) -> None:
    branch = evaluate_branches(BRANCHES, inp, "RxNorm:11289", "RxNorm:3355")
    assert branch is not None and branch["id"] == expected


def _alert(key: str, severity: str, kind: str = "drug_interaction", msg: str = "m") -> Alert:
    return Alert(
        kind=kind,
        severity=severity,
        severity_rank=rank_of(severity),
        drugs=("a", "b"),
        drug_uids=("RxNorm:1", "RxNorm:2"),
        message=msg,
        management="do",
        evidence=(Evidence("source:x", "1", "cite", "R1"),),
        path=("RxNorm:1", "INHIBITS", "HGNC:1"),
        key=key,
    )


def test_ranking_is_severity_then_kind() -> None:
    alerts = [
        _alert("k1", "moderate", "pgx"),
        _alert("k2", "major", "allergy"),
        _alert("k3", "moderate", "drug_interaction"),
        _alert("k4", "contraindicated", "drug_lab"),
    ]
    assert [a.key for a in sort_alerts(alerts)] == ["k4", "k2", "k3", "k1"]


def test_diff_reports() -> None:
    before = SafetyReport("p", None, (_alert("a", "major"), _alert("b", "minor")), ())
    after = SafetyReport("p", None, (_alert("b", "major"), _alert("c", "moderate")), ())
    d = diff_reports(before, after)
    assert [a.key for a in d.new] == ["c"]
    assert [a.key for a in d.resolved] == ["a"]
    assert [(b.severity, a.severity) for b, a in d.changed] == [("minor", "major")]


def test_parse_lab() -> None:
    lab = parse_lab("33914-3=25.5")
    assert (lab.loinc, lab.value) == ("33914-3", 25.5)
    for bad in ("33914-3", "=4", "33914-3=low"):
        with pytest.raises(ValidationError, match="LOINC=VALUE"):
            parse_lab(bad)


def test_format_report_colours_only_when_asked() -> None:
    report = SafetyReport("Patient/p", None, (_alert("a", "major", msg="Bleeding risk."),), ())
    plain = format_report(report)
    assert "[MAJOR]" in plain and "Bleeding risk." in plain and "\033[" not in plain
    assert "Evidence: source:x 1 [R1]: cite" in plain
    assert "\033[1;31m[MAJOR]" in format_report(report, colour=True)
