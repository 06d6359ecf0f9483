"""Ontology benchmark: parse, reasoning and sync times over the full default knowledge base.

    .venv/bin/python bench/ontology.py            # full knowledge base
    .venv/bin/python bench/ontology.py --quick    # the ontology over an empty graph, one run

Runs on a throwaway embedded engine; prints one line per figure.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.config import load_settings
from kg.ontology import sync_ontology
from kg.ontology.model import load_model, parse_ontology
from kg.ontology.reasoner import reason
from kg.ontology.sync import read_facts
from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore


def _timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the knowledge base load")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat

    t, graph = _timed(parse_ontology, repeat)
    print(f"parse ontology/kgtwin.ttl ({len(graph)} triples): {t:.3f} s")  # type: ignore[arg-type]
    t, model = _timed(lambda: load_model(graph=graph), repeat)  # type: ignore[arg-type]
    print(f"read model ({len(model.terms)} graph names, {len(model.classes)} classes): {t:.3f} s")  # type: ignore[union-attr]

    data_dir = tempfile.mkdtemp(prefix="kgb-", dir="/tmp")
    engine = EmbeddedEngine(
        load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "bench"})
    )
    try:
        engine.ensure()
        store = FalkorStore(QueryRegistry.load(), str(engine.socket), graph_name="bench")
        store.apply_schema()
        if not args.quick:
            from kg.knowledge import load_knowledge_base

            start = time.perf_counter()
            load_knowledge_base(store)
            print(f"load knowledge base (not ontology work): {time.perf_counter() - start:.1f} s")
        t, facts = _timed(lambda: read_facts(store), repeat)
        drugs, patients = facts  # type: ignore[misc]
        print(f"read facts ({len(drugs)} drugs with roles or memberships): {t:.3f} s")
        inference = None
        for _ in range(repeat):
            inference = reason(model, graph, drugs, patients)  # type: ignore[arg-type]
        assert inference is not None
        members = sum(len(v) for v in inference.drug_classes.values())
        print(
            f"reasoning (HermiT, JVM start included): {inference.seconds:.2f} s "
            f"-> {members} drug-class memberships"
        )
        first = sync_ontology(store)
        print(
            f"first sync: {first.total_seconds:.2f} s (+{len(first.added)} edges, "
            f"reasoning {first.reasoning_seconds:.2f} s)"
        )
        t, again = _timed(lambda: sync_ontology(store), repeat)
        print(f"repeat sync (no change: {not again.changed}): {t:.2f} s")  # type: ignore[union-attr]
        store.clear()
        store.close()
    finally:
        engine.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
