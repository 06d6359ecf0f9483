"""Medication-safety reasoning over each twin: interactions, contraindications, allergies,
pharmacogenomics with phenoconversion, renal dosing, what-if and ad-hoc checks.

::

    report = safety_report(store, "p1")                                   # the twin now
    report = safety_report(store, "p1", what_if=WhatIf(add=("fluconazole",)))
    report.diff.new                                                       # what the change adds
    check_drugs(store, ["simvastatin", "clarithromycin"])                 # no twin needed

Every check is a Cypher query in ``queries/safety/`` that takes the medication list as
``$drug_uids``; this package reads the twin once, applies a what-if in Python and folds the rows
into ranked, cited alerts.
"""

from __future__ import annotations

from kg.reasoning.drugs import resolve_drugs
from kg.reasoning.model import (
    KINDS,
    SEVERITIES,
    Alert,
    Evidence,
    LabValue,
    NotChecked,
    ReportDiff,
    SafetyReport,
    WhatIf,
)
from kg.reasoning.pgx import GeneStatus
from kg.reasoning.report import PgxReport, check_drugs, diff_reports, pgx_report, safety_report

__all__ = [
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

try:  # the pathways engineer's subpackage exports its own names, once it has them
    from kg.reasoning import pathways as _pathways
except ModuleNotFoundError as exc:  # pragma: no cover - absent in a partial checkout
    if exc.name != "kg.reasoning.pathways":
        raise
else:
    for _name in getattr(_pathways, "__all__", ()):
        globals()[_name] = getattr(_pathways, _name)
        __all__.append(_name)
