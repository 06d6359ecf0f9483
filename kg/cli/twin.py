"""``kgtwin ingest``, ``kgtwin ingest-stream``, ``kgtwin genotype`` and ``kgtwin demo``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.cli.common import alert_watch, audited, print_json, store_from_args
from kg.errors import NotFound, ValidationError

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the live-twin commands."""
    p = sub.add_parser("ingest", help="ingest FHIR R4 bundles or resources (files or directories)")
    p.add_argument(
        "paths", nargs="+", metavar="FILE_OR_DIR", help="JSON files, or directories of them"
    )
    p.add_argument(
        "--lenient", action="store_true", help="skip (and report) unknown resource types"
    )
    p.add_argument(
        "--report", action="store_true", help="print what was unmapped or skipped, as JSON"
    )
    p.set_defaults(func=_ingest)

    p = sub.add_parser(
        "ingest-stream",
        help="append observations from JSON lines: {patient, loinc, value, unit, effective}",
    )
    p.add_argument("file", nargs="?", default="-", help="file of JSON lines (default: stdin)")
    p.set_defaults(func=_ingest_stream)

    p = sub.add_parser("genotype", help="set a twin's diplotype (or load PharmCAT output)")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p.add_argument("gene", nargs="?", metavar="GENE", help="HGNC symbol, e.g. CYP2C19")
    p.add_argument("diplotype", nargs="?", metavar="DIPLOTYPE", help="e.g. '*1/*2'")
    p.add_argument(
        "--pharmcat", metavar="FILE", help="PharmCAT outside-call TSV or report JSON instead"
    )
    p.add_argument("--source", default=None, help="source of the call (default manual / pharmcat)")
    # A diplotype may start with "-" and a digit (VKORC1 "-1639G/A"): read such values as
    # positionals, as argparse does for negative numbers (this parser has no such options).
    p._negative_number_matcher = re.compile(r"^-\d")
    p.set_defaults(func=_genotype)

    demo = sub.add_parser("demo", help="synthetic patients")
    dsub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    p = dsub.add_parser("generate", help="write N synthetic FHIR bundles to a directory")
    p.add_argument("--patients", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.set_defaults(func=_demo_generate)
    p = dsub.add_parser("load", help="generate N synthetic patients and ingest them")
    p.add_argument("--patients", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.set_defaults(func=_demo_load)


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            out.append(path)
        else:
            raise NotFound(f"No such file or directory: {raw}")
    return out


def _ingest(args: argparse.Namespace) -> int:
    from kg.api.alerts import bundle_twins
    from kg.ingest import ingest_bundles, resolver_for

    files = _files(args.paths)
    out = sys.stderr if args.report else sys.stdout  # --report: stdout is JSON only
    rejected = 0
    reports = []
    queue: deque[tuple[Path, Any]] = deque()  # (file, alerts before) per document written

    def documents() -> Iterator[Any]:
        nonlocal rejected
        for path in files:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                rejected += 1
                print(f"{path}: rejected: not JSON ({exc})", file=sys.stderr)
                continue
            if isinstance(doc, dict) and doc.get("resourceType") != "Bundle":
                doc = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": doc}]}
            queue.append((path, watch.before(bundle_twins(doc))))
            yield doc

    with store_from_args() as store, audited(store, "ingest", [], action="U") as twins:
        resolver = resolver_for(store)
        watch = alert_watch(store)
        for outcome in ingest_bundles(store, documents(), lenient=args.lenient, resolver=resolver):
            path, before = queue.popleft()
            if isinstance(outcome, ValidationError):
                rejected += 1
                print(f"{path}: rejected: {outcome}", file=sys.stderr)
                continue
            twins.extend(outcome.patients)
            watch.publish(before, cause="ingest")
            counts = ", ".join(f"{k} {v}" for k, v in sorted(outcome.counts.items()))
            print(
                f"{path}: {outcome.resources} resources ({counts}); "
                f"{len(outcome.unmapped)} unmapped, {len(outcome.skipped)} skipped",
                file=out,
            )
            reports.append({"source": str(path), **outcome.as_dict()})
    if args.report:
        print_json(
            [{k: r[k] for k in ("source", "patients", "unmapped", "skipped")} for r in reports]
        )
    print(f"{len(files) - rejected} of {len(files)} file(s) ingested", file=sys.stderr)
    return 1 if rejected else 0


def _ingest_stream(args: argparse.Namespace) -> int:
    from kg.ingest.stream import append_observation, parse_stream_line
    from kg.types import patient_uid

    fh = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    appended = failed = 0
    try:
        with store_from_args() as store, audited(store, "ingest-stream", [], action="U") as twins:
            watch = alert_watch(store)  # subscribers hear of alerts the stream raises
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = parse_stream_line(line, number)
                    before = watch.before([patient_uid(str(item["patient"]))])
                    append_observation(
                        store, str(item["patient"]), str(item["loinc"]), item["value"],
                        item.get("unit"), item["effective"], display=item.get("display"),
                    )  # fmt: skip
                    watch.publish(before, cause="observationStream")
                    twins.append(str(item["patient"]))
                    appended += 1
                except (ValidationError, NotFound) as exc:
                    failed += 1
                    print(f"line {number}: {exc}", file=sys.stderr)
    finally:
        if fh is not sys.stdin:
            fh.close()
    print(f"{appended} observation(s) appended, {failed} rejected", file=sys.stderr)
    return 1 if failed else 0


def _genotype(args: argparse.Namespace) -> int:
    from kg.ingest import load_pharmcat, set_genotype, set_genotypes

    with store_from_args() as store, audited(store, "genotype", [args.patient_id], action="U"):
        if args.pharmcat:
            text = Path(args.pharmcat).read_text(encoding="utf-8")
            calls = set_genotypes(
                store, args.patient_id, load_pharmcat(text), source=args.source or "pharmcat"
            )
        elif args.gene and args.diplotype:
            calls = [
                set_genotype(
                    store,
                    args.patient_id,
                    args.gene,
                    args.diplotype,
                    source=args.source or "manual",
                )
            ]
        else:
            raise ValidationError("give GENE and DIPLOTYPE, or --pharmcat FILE")
    print_json([dataclasses.asdict(c) for c in calls])
    return 0


def _demo_generate(args: argparse.Namespace) -> int:
    from kg.demo import iter_population

    if args.patients < 0:
        raise ValidationError(f"--patients: found {args.patients}, expected a number >= 0")
    args.out.mkdir(parents=True, exist_ok=True)
    for bundle in iter_population(args.patients, args.seed):
        pid = bundle["entry"][0]["resource"]["id"]
        (args.out / f"{pid}.json").write_text(json.dumps(bundle, indent=1), encoding="utf-8")
    print(f"{args.patients} bundle(s) written to {args.out}")
    return 0


def _demo_load(args: argparse.Namespace) -> int:
    from kg.demo import load_demo

    if args.patients < 0:
        raise ValidationError(f"--patients: found {args.patients}, expected a number >= 0")
    with store_from_args() as store:
        n = load_demo(store, args.patients, seed=args.seed, progress=True)
    print(f"{n} synthetic twin(s) loaded (seed {args.seed})")
    return 0
