"""``kgtwin ontology check|sync``, ``kgtwin export`` and ``kgtwin import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg.cli.common import audited, store_from_args
from kg.errors import ValidationError

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``ontology``, ``export`` and ``import``."""
    onto = sub.add_parser("ontology", help="check the ontology and sync its inferences")
    osub = onto.add_subparsers(dest="ontology_command", metavar="ACTION", required=True)
    p = osub.add_parser("check", help="parse, check conventions, reason (HermiT) and time it")
    p.add_argument("--file", type=Path, help="ontology Turtle file (default ontology/kgtwin.ttl)")
    p.add_argument("--no-graph", action="store_true", help="reason over the ontology alone")
    p.add_argument(
        "--reasoner",
        default="hermit",
        choices=("hermit", "pellet"),
        help="pellet needs a newer Java than 17",
    )
    p.set_defaults(func=_check)
    p = osub.add_parser("sync", help="write classes and inferred memberships into the graph")
    p.add_argument("--file", type=Path, help="ontology Turtle file (default ontology/kgtwin.ttl)")
    p.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    p.add_argument("--reasoner", default="hermit", choices=("hermit", "pellet"))
    p.set_defaults(func=_sync)

    e = sub.add_parser("export", help="write a patient's twin as RDF (validated with SHACL)")
    e.add_argument("--patient", required=True, help="patient uid (Patient/123) or FHIR id")
    e.add_argument("--format", default="turtle", choices=("turtle", "jsonld"))
    e.add_argument("--output", "-o", type=Path, help="file to write (default stdout)")
    e.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    e.set_defaults(func=_export)

    i = sub.add_parser("import", help="load a twin from RDF (Turtle or JSON-LD)")
    i.add_argument("file", type=Path)
    i.add_argument("--format", choices=("turtle", "jsonld"), help="default: from the extension")
    i.set_defaults(func=_import)


def _check(args: argparse.Namespace) -> int:
    from kg.ontology.check import check_ontology

    if args.no_graph:
        report = check_ontology(args.file, reasoner=args.reasoner)
    else:
        with store_from_args() as store:
            report = check_ontology(args.file, store=store, reasoner=args.reasoner)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _sync(args: argparse.Namespace) -> int:
    from kg.ontology import sync_ontology

    with store_from_args() as store:
        diff = sync_ontology(
            store, dry_run=args.dry_run, ontology_path=args.file, reasoner=args.reasoner
        )
    for line in diff.lines():
        print(line)
    verb = "would add" if diff.dry_run else "added"
    print(
        f"ontology {diff.ontology_version}: {verb} {len(diff.added)}, "
        f"{'would remove' if diff.dry_run else 'removed'} {len(diff.removed)} inferred edges; "
        f"{diff.classes} classes; reasoning {diff.reasoning_seconds:.2f} s, "
        f"total {diff.total_seconds:.2f} s"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from kg.ontology.rdf import export_twin, serialize, validate_shapes

    uid = args.patient if "/" in args.patient else f"Patient/{args.patient}"
    with store_from_args() as store, audited(store, "export", [uid]):
        graph = export_twin(store, uid)
    text = serialize(graph, args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if not args.no_validate:
        report = validate_shapes(graph)
        if not report.conforms:
            for v in report.violations:
                print(f"shape violation: {v}", file=sys.stderr)
            print(f"{len(report.violations)} SHACL violation(s)", file=sys.stderr)
            return 1
    return 0


def _import(args: argparse.Namespace) -> int:
    from kg.ontology.rdf import import_twin, read_rdf

    graph = read_rdf(args.file, args.format)
    with store_from_args() as store, audited(store, "import", [], action="C") as twins:
        result = import_twin(store, graph)
        if result:
            twins.append(str(result["patient"]))
    if not result:
        raise ValidationError(f"{args.file}: nothing imported")
    print(f"imported {result['patient']} with {result['resources']} resources")
    return 0
