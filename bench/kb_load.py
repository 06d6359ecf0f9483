"""Time to load the whole default knowledge base into an empty embedded engine.

Prints the load time, a second (idempotent) load's time, and the counts per node label and
relationship type. ``--quick`` loads only the vocabulary and the NDF-RT classes.

    .venv/bin/python bench/kb_load.py [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.config import load_settings
from kg.knowledge import load_knowledge_base
from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="load two small sources only")
    args = ap.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="kgb-", dir="/tmp")
    engine = EmbeddedEngine(load_settings({"KGTWIN_DATA_DIR": data_dir}))
    try:
        engine.ensure()
        store = FalkorStore(QueryRegistry.load(), str(engine.socket), graph_name="bench")
        store.apply_schema()
        sources = ["vocab", "ndfrt_classes"] if args.quick else [None]
        t0 = time.perf_counter()
        for only in sources:
            summary = load_knowledge_base(store, only=only)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        for only in sources:
            load_knowledge_base(store, only=only)
        second = time.perf_counter() - t0
        labels = store.read("count_kb_labels")
        types = store.read("count_kb_relationship_types")
        print(f"knowledge base {summary.kb_version} ({'quick' if args.quick else 'full'})")
        print(f"load into empty engine: {first:.2f} s")
        print(f"second load (idempotent, no changes): {second:.2f} s")
        print(
            f"nodes: {sum(r['count'] for r in labels if r['label'] != 'Rule')} "
            f"relationships: {sum(r['count'] for r in types)}"
        )
        print("label counts:")
        for r in labels:
            print(f"  {r['label']:24} {r['count']:>8}")
        print("relationship type counts:")
        for r in types:
            print(f"  {r['type']:24} {r['count']:>8}")
        store.close()
    finally:
        engine.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
