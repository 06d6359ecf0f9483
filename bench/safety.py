"""Latency of a full safety report and of a what-if, as the population grows; PGx vs pypgx.

Loads the whole default knowledge base into a throwaway embedded engine, then synthetic twins
(kg.demo) in steps, and after each step times ``safety_report`` and a what-if (one drug added)
on random patients. The PGx part (phenotype plus recommendation for each patient's drugs) is
also timed against pypgx when it is installed.

    .venv/bin/python bench/safety.py --quick      # 200 twins, 50 patients
    .venv/bin/python bench/safety.py              # 1,000 twins, 200 patients
    .venv/bin/python bench/safety.py --full       # 1,000 and 10,000 twins, 1,000 patients
    .venv/bin/python bench/safety.py --sizes 1000 10000 100000 --samples 1000
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.config import load_settings
from kg.reasoning import WhatIf, pgx_report, safety_report
from kg.reasoning.context import read_context
from kg.store import GraphStore, open_store

WHAT_IF_DRUGS = ("fluconazole", "clarithromycin", "ibuprofen", "amiodarone", "tramadol")


def _pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _time(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _grow(store: GraphStore, start: int, stop: int, seed: int) -> float:
    from kg.demo import load_demo, patient_bundle
    from kg.ingest import ingest_bundle, resolver_for

    t0 = time.perf_counter()
    if start == 0:
        load_demo(store, stop, seed=seed, progress=sys.stderr.isatty())
    else:  # only the new patients (load_demo would re-ingest the first ones)
        resolver = resolver_for(store)
        for i in range(start, stop):
            ingest_bundle(store, patient_bundle(seed, i), lenient=True, resolver=resolver)
    return time.perf_counter() - t0


def _pypgx_part(store: GraphStore, uids: Sequence[str]) -> tuple[float, int, int] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pypgx
    except ImportError:
        return None
    inputs = []
    for uid in uids:  # read outside the timed part: pypgx gets the same facts as plain values
        ctx = read_context(store, uid, as_of_epoch=int(time.time()))
        drugs = sorted(set(ctx.drug_names().values()))
        calls = [(g["gene"], str(g.get("diplotype") or "")) for g in ctx.genotypes]
        inputs.append((drugs, calls))
    errors = answered = 0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for drugs, calls in inputs:
            for gene, diplotype in calls:
                a, _, b = diplotype.partition("/")
                try:
                    phenotype = pypgx.predict_phenotype(gene, a, b)
                except Exception:  # pypgx rejects genes and alleles it does not know
                    errors += 1
                    continue
                for drug in drugs:
                    try:
                        pypgx.get_recommendation(drug, gene, phenotype)
                        answered += 1
                    except Exception:  # no CPIC pair for this drug and gene in pypgx
                        continue
    return (time.perf_counter() - t0) * 1000, answered, errors


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="200 twins, 50 sampled patients")
    ap.add_argument("--full", action="store_true", help="1,000 and 10,000 twins, 1,000 patients")
    ap.add_argument("--sizes", type=int, nargs="+", help="population sizes to measure at")
    ap.add_argument("--samples", type=int, help="random patients timed per size")
    ap.add_argument(
        "--pgx-samples", type=int, default=100, help="patients for the PGx vs pypgx timing"
    )
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    sizes = args.sizes or ([200] if args.quick else [1000, 10000] if args.full else [1000])
    samples = args.samples or (50 if args.quick else 1000 if args.full else 200)

    data_dir = tempfile.mkdtemp(prefix="kgt-bench-", dir="/tmp")
    settings = load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "bench"})
    try:
        with open_store(settings) as store:
            from kg.knowledge import load_knowledge_base

            t0 = time.perf_counter()
            load_knowledge_base(store)
            try:
                from kg.ontology import sync_ontology
            except ImportError:
                pass
            else:
                sync_ontology(store)
            print(f"knowledge base loaded in {time.perf_counter() - t0:.1f} s")
            print(
                f"{'twins':>8} {'load s':>8} {'n':>5} {'report p50':>11} {'p95':>8} "
                f"{'what-if p50':>12} {'p95':>8} {'alerts/pt':>9}"
            )
            loaded = 0
            rng = random.Random(args.seed)
            pgx_uids: list[str] = []
            for size in sizes:
                load_s = _grow(store, loaded, size, args.seed)
                loaded = size
                uids = [r["uid"] for r in store.read("list_patient_uids")]
                picked = rng.sample(uids, min(samples, len(uids)))
                safety_report(store, picked[0])  # warm caches (code resolver, query plans)
                full, what_if, n_alerts = [], [], 0
                for uid in picked:
                    t0 = time.perf_counter()
                    report = safety_report(store, uid)
                    full.append((time.perf_counter() - t0) * 1000)
                    n_alerts += len(report.alerts)
                    change = WhatIf(add=(rng.choice(WHAT_IF_DRUGS),))
                    what_if.append(
                        _time(lambda u=uid, c=change: safety_report(store, u, what_if=c))
                    )
                print(
                    f"{size:>8} {load_s:>8.1f} {len(picked):>5} "
                    f"{statistics.median(full):>9.1f}ms {_pct(full, 95):>6.1f}ms "
                    f"{statistics.median(what_if):>10.1f}ms {_pct(what_if, 95):>6.1f}ms "
                    f"{n_alerts / len(picked):>9.1f}"
                )
                pgx_uids = picked[: args.pgx_samples]
            ours = [_time(lambda u=uid: pgx_report(store, u)) for uid in pgx_uids]
            print(
                f"PGx (phenotype + recommendation, phenoconversion included), "
                f"{len(pgx_uids)} patients: kgtwin total {sum(ours):.0f} ms, "
                f"p50 {statistics.median(ours):.1f} ms/patient"
            )
            other = _pypgx_part(store, pgx_uids)
            if other is None:
                print("pypgx is not installed: comparison skipped (pip install '.[crosscheck]')")
            else:
                ms, answered, errors = other
                print(
                    f"pypgx total {ms:.0f} ms ({answered} recommendations, {errors} calls it "
                    f"rejected), mean {ms / len(pgx_uids):.1f} ms/patient; "
                    f"pypgx/kgtwin time ratio {ms / max(sum(ours), 1e-9):.1f}"
                )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
