"""Ingest throughput (bundles/s, resources/s) and observation-append latency, by population size.

Starts a throwaway embedded engine, loads the default knowledge base when it is available (so
codes resolve and genotypes are interpreted; its load time is not counted), then ingests
synthetic patients (kg.demo, one FHIR bundle each, about 65 resources) and times single
observation appends on random twins of the loaded population. Two ingest paths are timed:
``single`` (``ingest_bundle``, one statement per bundle: the API path) and ``bulk``
(``ingest_bundles``, 25 bundles per statement: ``kgtwin demo load``). Bundle generation is
not counted.

    .venv/bin/python bench/ingest.py --quick      # 100 patients, 300 appends
    .venv/bin/python bench/ingest.py              # 1,000 patients, 1,000 appends
    .venv/bin/python bench/ingest.py --full       # 1,000 then 10,000 patients
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.config import load_settings
from kg.demo import patient_bundle
from kg.ingest import append_observation, ingest_bundle, ingest_bundles, resolver_for
from kg.store import GraphStore, open_store


def _pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _load_kb(store: GraphStore) -> str:
    try:
        from kg.knowledge import load_knowledge_base
    except ImportError:
        return "none (kg.knowledge not available: codes stay unmapped, genotypes skipped)"
    t0 = time.perf_counter()
    load_knowledge_base(store)
    return f"default knowledge base (loaded in {time.perf_counter() - t0:.1f} s, not counted)"


def _ingest(
    store: GraphStore, start: int, stop: int, seed: int, *, bulk: bool
) -> tuple[float, int]:
    """Ingest patients [start, stop); return (seconds, resources written)."""
    resolver = resolver_for(store)
    bundles = [patient_bundle(seed, i) for i in range(start, stop)]
    resources = 0
    t0 = time.perf_counter()
    if bulk:
        for outcome in ingest_bundles(store, bundles, lenient=True, resolver=resolver):
            assert not isinstance(outcome, Exception), outcome
            resources += outcome.resources
    else:
        for bundle in bundles:
            resources += ingest_bundle(store, bundle, lenient=True, resolver=resolver).resources
    return time.perf_counter() - t0, resources


def _appends(store: GraphStore, population: int, n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    base = int(time.time()) - 86400
    times = []
    for i in range(n):
        pid = f"demo-{seed}-{rng.randrange(population):06d}"
        t0 = time.perf_counter()
        append_observation(store, pid, "8867-4", 60 + rng.random() * 40, "/min", base + i)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="100 patients, 300 appends")
    ap.add_argument("--full", action="store_true", help="also grow to 10,000 patients")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    sizes = [100] if args.quick else [1000, 10_000] if args.full else [1000]
    n_appends = 300 if args.quick else 1000
    data_dir = tempfile.mkdtemp(prefix="kgb-", dir="/tmp")
    settings = load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "bench_ingest"})
    try:
        with open_store(settings) as store:
            store.clear()
            store.apply_schema()
            print(f"knowledge: {_load_kb(store)}")
            print(f"{'patients':>9} {'path':>6} {'bundles/s':>10} {'resources/s':>12} "
                  f"{'res/bundle':>10} {'append p50 ms':>14} {'append p95 ms':>14}")  # fmt: skip
            loaded = 0
            for size in sizes:
                # the first half of each step one bundle per statement, the rest in bulk
                half = loaded + (size - loaded) // 2
                for path, stop in (("single", half), ("bulk", size)):
                    spent, resources = _ingest(store, loaded, stop, args.seed, bulk=path == "bulk")
                    count = stop - loaded
                    loaded = stop
                    times = _appends(store, loaded, n_appends, args.seed)
                    print(
                        f"{stop:>9,} {path:>6} {count / spent:>10.1f} {resources / spent:>12.0f} "
                        f"{resources / count:>10.1f} {statistics.median(times):>14.2f} "
                        f"{_pct(times, 95):>14.2f}"
                    )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
