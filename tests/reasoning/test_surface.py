"""Pin the public surface of kg.reasoning that the API and pathways areas call."""

from __future__ import annotations

import dataclasses
import inspect

import kg.reasoning

SAFETY_NAMES = [
    "KINDS",
    "SEVERITIES",
    "Alert",
    "Evidence",
    "GeneStatus",
    "LabValue",
    "NotChecked",
    "PgxReport",
    "ReportDiff",
    "SafetyReport",
    "WhatIf",
    "check_drugs",
    "diff_reports",
    "pgx_report",
    "resolve_drugs",
    "safety_report",
]


def test_safety_exports_come_first_and_exist() -> None:
    assert kg.reasoning.__all__[: len(SAFETY_NAMES)] == SAFETY_NAMES
    for name in kg.reasoning.__all__:
        assert hasattr(kg.reasoning, name), name


def test_alert_and_report_fields() -> None:
    alert = [f.name for f in dataclasses.fields(kg.reasoning.Alert)]
    assert alert[:18] == [
        "kind", "severity", "severity_rank", "drugs", "drug_uids", "message", "management",
        "evidence", "path", "gene", "phenotype", "condition", "allergy", "lab",
        "phenoconverted", "key", "basis", "details",
    ]  # fmt: skip
    report = [f.name for f in dataclasses.fields(kg.reasoning.SafetyReport)]
    assert report[:6] == ["patient_id", "as_of", "alerts", "not_checked", "diff", "withheld"]
    sig = inspect.signature(kg.reasoning.safety_report)
    assert list(sig.parameters) == [
        "store", "patient_id", "as_of", "what_if", "now", "allow_genomic",
    ]  # fmt: skip
    assert kg.reasoning.KINDS[0] == "drug_interaction"
    assert kg.reasoning.SEVERITIES == ("info", "minor", "moderate", "major", "contraindicated")
