"""Latency of ``care_pathways`` (every pathway that applies, with safety what-ifs) per twin.

Loads the default knowledge base and the pathways into a throwaway embedded engine, then a
synthetic population (kg.demo), and times ``care_pathways`` on random twins: with the safety
what-ifs of each open step's options, and without them (criteria, scores and forecasts only).

    .venv/bin/python bench/pathways.py --quick    # 200 twins, 50 sampled
    .venv/bin/python bench/pathways.py            # 1,000 twins, 200 sampled (default)
    .venv/bin/python bench/pathways.py --full     # 10,000 twins, 1,000 sampled
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.config import load_settings
from kg.reasoning.pathways import care_pathways, load_pathways
from kg.store import GraphStore, open_store


def _pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _timed(
    store: GraphStore, uids: Sequence[str], *, safety: bool
) -> tuple[list[float], Counter[str]]:
    times: list[float] = []
    seen: Counter[str] = Counter()
    for uid in uids:
        t0 = time.perf_counter()
        results = care_pathways(store, uid, check_safety=safety)
        times.append((time.perf_counter() - t0) * 1000)
        for r in results:
            seen[r.pathway_id] += 1
            seen["blocked steps"] += len(r.blocked_steps)
            seen["forecasts with a trend"] += sum(f.status == "ok" for f in r.forecasts)
    return times, seen


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="200 twins, 50 sampled")
    ap.add_argument("--full", action="store_true", help="10,000 twins, 1,000 sampled")
    ap.add_argument("--twins", type=int, help="population size")
    ap.add_argument("--samples", type=int, help="twins timed")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    twins, samples = (200, 50) if args.quick else (10_000, 1_000) if args.full else (1_000, 200)
    twins = args.twins or twins
    samples = min(args.samples or samples, twins)

    data_dir = tempfile.mkdtemp(prefix="kgbp-", dir="/tmp")
    settings = load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "bench"})
    try:
        with open_store(settings) as store:
            from kg.demo import load_demo
            from kg.knowledge import load_knowledge_base

            t0 = time.perf_counter()
            load_knowledge_base(store)
            n = load_pathways(store)
            print(f"knowledge base + {n} pathways loaded in {time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            load_demo(store, twins, seed=args.seed, progress=sys.stderr.isatty())
            print(f"{twins} twins loaded in {time.perf_counter() - t0:.1f} s")
            rng = random.Random(args.seed)
            uids = _patient_uids(store, twins)
            sample = rng.sample(uids, samples)
            care_pathways(store, sample[0])  # warm the caches (parsed pathways, code tables)
            for safety in (True, False):
                times, seen = _timed(store, sample, safety=safety)
                label = "with safety what-ifs" if safety else "criteria/scores/forecasts only"
                print(
                    f"care_pathways, {label}, {samples} of {twins} twins: "
                    f"p50 {_pct(times, 50):.1f} ms, p95 {_pct(times, 95):.1f} ms, "
                    f"mean {statistics.fmean(times):.1f} ms, max {max(times):.1f} ms"
                )
            print(
                "pathways applying in the sample:",
                ", ".join(f"{k} {v}" for k, v in sorted(seen.items())),
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _patient_uids(store: GraphStore, n: int) -> list[str]:
    rows = store.read("list_patients", {"scope": None, "after": "", "limit": n})
    return [str(r["uid"]) for r in rows]


if __name__ == "__main__":
    main()
