"""Embedded engine figures: start-up time, one-hop read latency, batched write throughput.

Usage: ``python bench/store.py [--quick]`` (``make bench``). Runs on a throwaway data dir.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kg.config import load_settings
from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore

ROOT = Path(__file__).resolve().parent.parent


def _registry() -> QueryRegistry:
    found = {}
    for folder in ("store", "schema"):
        found.update({q.name: q for q in QueryRegistry.load(ROOT / "queries" / folder)})
    return QueryRegistry(found)


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a small, fast run")
    args = ap.parse_args()
    nodes = 2_000 if args.quick else 10_000
    reads = 500 if args.quick else 5_000
    write_rows = 20_000 if args.quick else 100_000
    starts = 3 if args.quick else 10

    data_dir = tempfile.mkdtemp(prefix="kgb-", dir="/tmp")
    settings = load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "bench"})
    registry = _registry()
    try:
        startup = []
        for _ in range(starts):
            eng = EmbeddedEngine(settings)
            t0 = time.perf_counter()
            eng.ensure()
            startup.append(time.perf_counter() - t0)
            eng.stop()
        med, worst = statistics.median(startup) * 1000, max(startup) * 1000
        print(f"engine start-up ({starts} runs): median {med:.0f} ms, max {worst:.0f} ms")

        eng = EmbeddedEngine(settings)
        store = FalkorStore(registry, eng.ensure(), graph_name="bench")
        store.apply_schema()
        eng.compact()
        rows = [
            {"uid": f"n{i}", "value": i, "next": f"n{i - 1}" if i else None} for i in range(nodes)
        ]
        store.write_batches("create_probes", rows)
        lat = []
        for i in range(reads):
            uid = f"n{(i * 7919) % nodes or 1}"
            t0 = time.perf_counter()
            got = store.read("get_probe_neighbours", {"uid": uid})
            lat.append(time.perf_counter() - t0)
            assert len(got) == 1
        lat.sort()
        p50, p95 = lat[len(lat) // 2], lat[int(len(lat) * 0.95)]
        print(f"one-hop read over {nodes:,} nodes ({reads:,} reads): "
              f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")  # fmt: skip

        wrows = [
            {"uid": f"w{i}", "value": i, "next": f"w{i - 1}" if i else None}
            for i in range(write_rows)
        ]
        t0 = time.perf_counter()
        store.write_batches("create_probes", wrows, batch_size=5000)
        took = time.perf_counter() - t0
        print(f"batched writes (MERGE node + link, batches of 5,000, fsync everysec): "
              f"{write_rows:,} rows in {took:.2f} s = {write_rows / took:,.0f} rows/s")  # fmt: skip
        store.close()

        t0 = time.perf_counter()
        eng.stop()
        stop_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        eng.ensure()
        restart = time.perf_counter() - t0
        stored = nodes + write_rows
        print(f"clean stop {stop_s * 1000:.0f} ms; restart with {stored:,} nodes stored: "
              f"{restart * 1000:.0f} ms")  # fmt: skip
        eng.stop()
    finally:
        EmbeddedEngine(settings).stop(force=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
