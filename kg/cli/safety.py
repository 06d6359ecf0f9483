"""``kgtwin check``, ``kgtwin interactions`` and ``kgtwin pgx``: safety reports for pharmacists."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, TextIO

from kg.cli.common import audited, print_json, store_from_args
from kg.errors import ValidationError
from kg.reasoning import (
    Alert,
    LabValue,
    SafetyReport,
    WhatIf,
    check_drugs,
    pgx_report,
    safety_report,
)

__all__ = ["format_report", "parse_lab", "register"]

_COLOURS = {
    "contraindicated": "\033[1;97;41m",
    "major": "\033[1;31m",
    "moderate": "\033[33m",
    "minor": "\033[36m",
    "info": "\033[2m",
}
_RESET = "\033[0m"


def register(sub: Any) -> None:
    """Add ``check``, ``interactions`` and ``pgx``."""
    p = sub.add_parser(
        "check",
        help="safety report for a twin (what-if with --add/--stop/--set-lab)",
        description="Every alert for a twin's active medications, ranked by severity, with the "
        "explanation and evidence under each. --add/--stop/--set-lab compute a what-if without "
        "writing anything and show what changes.",
    )
    p.add_argument("patient_id", metavar="PATIENT_ID", help="FHIR id or Patient/<id>")
    p.add_argument(
        "--add",
        nargs="+",
        action="extend",
        default=[],
        metavar="DRUG",
        help="what-if: add these drugs (names, RxNorm codes or uids)",
    )
    p.add_argument(
        "--stop",
        nargs="+",
        action="extend",
        default=[],
        metavar="DRUG",
        help="what-if: stop every medication giving these drugs",
    )
    p.add_argument(
        "--set-lab",
        nargs="+",
        action="extend",
        default=[],
        metavar="LOINC=VALUE",
        help="what-if: take this lab value as the latest (e.g. 33914-3=25)",
    )
    p.add_argument("--as-of", metavar="DATE", help="check the medications active at this date")
    p.add_argument("--no-genomic", action="store_true", help="withhold pharmacogenomic alerts")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_check)

    p = sub.add_parser(
        "interactions",
        help="ad-hoc interaction check of a list of drugs (no twin needed)",
        description="Interactions, additive risks and duplicate therapy among the given drugs.",
    )
    p.add_argument("drugs", nargs="+", metavar="DRUG", help="names, RxNorm codes or uids")
    p.add_argument(
        "--allergy",
        nargs="+",
        action="extend",
        default=[],
        metavar="UID",
        help="also check against these allergens (Drug or DrugClass uids)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_interactions)

    p = sub.add_parser("pgx", help="a twin's genes (with phenoconversion) and PGx advice")
    p.add_argument("patient_id", metavar="PATIENT_ID", help="FHIR id or Patient/<id>")
    p.add_argument("--drug", help="advice for this drug (as if added)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_pgx)


def parse_lab(text: str) -> LabValue:
    """``LOINC=VALUE`` (``33914-3=25``) as a LabValue.

    Raises:
        ValidationError: not LOINC=NUMBER.
    """
    loinc, sep, raw = text.partition("=")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not sep or not loinc.strip() or value != value:
        raise ValidationError(
            f"--set-lab {text!r} is not LOINC=VALUE with a number (e.g. 33914-3=25)"
        )
    return LabValue(loinc=loinc.strip(), value=value)


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def _alert_lines(a: Alert, *, colour: bool, mark: str = "") -> list[str]:
    label = f"[{a.severity.upper()}]"
    if colour:
        label = f"{_COLOURS.get(a.severity, '')}{label}{_RESET}"
    about = " + ".join(a.drugs)
    for name, value in (
        ("gene", a.gene),
        ("condition", a.condition),
        ("allergy", a.allergy),
        ("lab", a.lab),
    ):
        if value:
            about += f"  ({name}: {value})"
    lines = [f"{mark}{label} {a.kind.replace('_', ' ')}: {about}"]
    if a.phenoconverted:
        lines.append("    phenoconverted: the recommendation follows the converted phenotype")
    lines.append(_wrap(a.message, "    "))
    if a.management:
        lines.append(_wrap(f"Management: {a.management}", "    "))
    for e in a.evidence:
        version = f" {e.source_version}" if e.source_version else ""
        rule = f" [{e.rule_id}]" if e.rule_id else ""
        lines.append(_wrap(f"Evidence: {e.source}{version}{rule}: {e.citation or ''}", "      "))
    if a.path:
        lines.append(_wrap("Path: " + " -> ".join(a.path), "      "))
    return lines


def format_report(report: SafetyReport, *, colour: bool = False) -> str:
    """The readable report: alerts by severity, each with its explanation, then not-checked."""
    who = report.patient_id or "ad-hoc drug list"
    when = f"as of {report.as_of}" if report.as_of else "now"
    drugs = ", ".join(n for _, n in report.drugs) or "none"
    out = [
        f"Safety report for {who} ({when}): {len(report.alerts)} alert(s)",
        _wrap(f"Checked drugs: {drugs}", ""),
    ]
    new_keys: set[str] = set()
    if report.diff is not None and report.what_if is not None:
        w = report.what_if
        change = [f"+{d}" for d in w.add] + [f"-{d}" for d in w.stop]
        change += [f"{lab.loinc}={lab.value:g}" for lab in w.labs]
        d = report.diff
        out.append(
            f"What-if ({' '.join(change)}): {len(d.new)} new, {len(d.resolved)} resolved, "
            f"{len(d.changed)} changed"
        )
        new_keys = {a.key for a in d.new}
    out.append("")
    for a in report.alerts:
        out += _alert_lines(a, colour=colour, mark="NEW " if a.key in new_keys else "")
        out.append("")
    if report.diff is not None:
        for a in report.diff.resolved:
            out += _alert_lines(a, colour=colour, mark="RESOLVED ")
            out.append("")
        for before, after in report.diff.changed:
            out.append(f"CHANGED {after.key}: {before.severity} -> {after.severity}")
    if not report.alerts:
        out.append("No alerts.")
    for n in report.not_checked:
        out.append(f"NOT CHECKED: {n.display or n.code or n.uid} ({n.reason})")
    for w_text in report.withheld:
        out.append(f"WITHHELD: {w_text}")
    return "\n".join(out).rstrip() + "\n"


def _emit(report: SafetyReport, as_json: bool) -> int:
    if as_json:
        print_json(report.to_dict())
    else:
        sys.stdout.write(format_report(report, colour=_colour(sys.stdout)))
    return 0


def _check(args: argparse.Namespace) -> int:
    labs = tuple(parse_lab(t) for t in args.set_lab)
    what_if = None
    if args.add or args.stop or labs:
        what_if = WhatIf(add=tuple(args.add), stop=tuple(args.stop), labs=labs)
    with store_from_args(args) as store, audited(store, "check", [args.patient_id]):
        report = safety_report(
            store,
            args.patient_id,
            as_of=args.as_of,
            what_if=what_if,
            allow_genomic=not args.no_genomic,
        )
    return _emit(report, args.json)


def _interactions(args: argparse.Namespace) -> int:
    drugs: Sequence[str] = args.drugs
    with store_from_args(args) as store:
        report = check_drugs(store, drugs, allergies=args.allergy)
    return _emit(report, args.json)


def _pgx(args: argparse.Namespace) -> int:
    with store_from_args(args) as store, audited(store, "pgx", [args.patient_id]):
        report = pgx_report(store, args.patient_id, args.drug)
    if args.json:
        print_json(report.to_dict())
        return 0
    colour = _colour(sys.stdout)
    print(f"Pharmacogenomics for {report.patient_id}")
    for g in report.genes:
        line = f"  {g.gene} {g.diplotype or ''}: {g.phenotype} (key {g.lookup_key})"
        if g.phenoconverted:
            by = ", ".join(n for _, n, _ in g.perpetrators)
            line += f" -> {g.converted_phenotype} (key {g.converted_key}) by {by}"
        print(line)
    print()
    for a in report.alerts:
        print("\n".join(_alert_lines(a, colour=colour)))
        print()
    for w in report.withheld:
        print(f"WITHHELD: {w}")
    return 0
