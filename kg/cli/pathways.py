"""``kgtwin pathway check|load|show``: validate, load and evaluate care pathways."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli.common import audited, print_json, store_from_args

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``pathway`` and its actions."""
    p = sub.add_parser("pathway", help="care pathways: validate, load, evaluate for a twin")
    psub = p.add_subparsers(dest="pathway_command", metavar="ACTION", required=True)

    c = psub.add_parser("check", help="validate pathway files (default: every project pathway)")
    c.add_argument("files", nargs="*", metavar="FILE", help="pathway JSON files or folders")
    c.add_argument("--json", action="store_true", help="print the problems as JSON")
    c.set_defaults(func=_check)

    ld = psub.add_parser("load", help="validate and load the project's pathways into the graph")
    ld.add_argument("files", nargs="*", metavar="FILE", help="pathway files (default: all)")
    ld.set_defaults(func=_load)

    s = psub.add_parser("show", help="a twin's place on its care pathways")
    s.add_argument("patient_id", metavar="PATIENT_ID", help="FHIR id or Patient/<id>")
    s.add_argument("--pathway", metavar="ID", help="only this pathway (e.g. type2_diabetes)")
    s.add_argument("--now", metavar="DATE", help="evaluate as of this ISO-8601 date")
    s.add_argument("--no-safety", action="store_true", help="skip the safety what-ifs")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.set_defaults(func=_show)


def _check(args: argparse.Namespace) -> int:
    from kg.reasoning.pathways import check_pathways
    from kg.reasoning.pathways.files import pathway_files

    files = pathway_files(args.files or None)
    problems = check_pathways(args.files or None)
    if args.json:
        print_json({"files": [str(f) for f in files], "problems": [p.to_dict() for p in problems]})
    else:
        for prob in problems:
            print(f"{prob.file or prob.pathway}: {prob}")
        print(f"{len(files)} pathway file(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def _load(args: argparse.Namespace) -> int:
    from kg.reasoning.pathways import load_pathways

    with store_from_args(args) as store:
        n = load_pathways(store, args.files or None)
        for row in store.read("list_pathways"):
            print(
                f"{row['uid']}: {row['steps']} steps, {row['transitions']} transitions, "
                f"{row['drugs']} drug and {row['classes']} class links"
            )
    print(f"{n} pathway(s) loaded")
    return 0


def _show(args: argparse.Namespace) -> int:
    from kg.reasoning.pathways import care_pathway, care_pathways

    with store_from_args(args) as store, audited(store, "pathway show", [args.patient_id]):
        if args.pathway:
            results = [
                care_pathway(
                    store,
                    args.patient_id,
                    args.pathway,
                    now=args.now,
                    check_safety=not args.no_safety,
                )
            ]
        else:
            results = care_pathways(
                store, args.patient_id, now=args.now, check_safety=not args.no_safety
            )
    if args.json:
        print_json({"pathways": [r.to_dict() for r in results]})
        return 0
    if not results:
        print("no care pathway applies to this twin")
    for r in results:
        _print_result(r.to_dict())
    return 0


def _print_result(d: dict[str, Any]) -> None:
    print(f"== {d['name']} ({d['id']} {d['version']})")
    if not d["applicable"]:
        print("   does not apply to this twin")
        return
    cur = d["current_step"] or {}
    basis = f" [{'; '.join(cur.get('basis') or [])}]" if cur.get("basis") else ""
    print(f"   current: {cur.get('title')}{basis}")
    for sc in d["scores"]:
        parts = ", ".join(f"{i['id']} {i['counted']}" for i in sc["inputs"] if i["counted"])
        rng = "" if sc["complete"] else f" (up to {sc['max_value']}: some inputs unknown)"
        print(f"   score {sc['name']} = {sc['value']}{rng}: {parts or 'no risk factor'}")
    for s in d["next_steps"]:
        print(f"   next: {s['title']}  <- {'; '.join(s['data']) or 'no criteria'}")
        for o in s["options"]:
            if o["status"] in ("caution", "blocked"):
                print(f"      {o['drug']}: {o['status']}: {o['alerts'][0]['message']}")
    for s in d["blocked_steps"]:
        print(f"   BLOCKED: {s['title']}")
        for a in s["blocked_by"]:
            print(f"      {a['severity']} {a['kind']}: {a['message']}")
    for s in d["undetermined_steps"]:
        missing = [c for c in s["data"] if "not" in c or "no " in c or "older" in c]
        print(f"   undetermined: {s['title']} ({'; '.join(missing) or 'data missing'})")
    for f in d["forecasts"]:
        print(f"   trend: {f['message']}")
        for c in f["crossings"]:
            if c["status"] in ("expected", "already_crossed"):
                print(f"      {c['message']}")
    for n in d["notes"]:
        print(f"   note: {n}")
