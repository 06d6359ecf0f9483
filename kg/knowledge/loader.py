"""Load the default knowledge base into a graph store.

Every selected source is validated completely in Python first; only when all are valid is
anything written. Each source is then written with ``UNWIND`` batches of its named queries
(``queries/kb``), all ``MERGE`` on ``uid``, so a second load changes nothing. FalkorDB makes
each statement atomic but has no multi-statement rollback, which is why validation comes
first: a malformed row stops the load before the first write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kg.errors import ValidationError, choices
from kg.knowledge.loaders.curated import CURATED_PLANNERS
from kg.knowledge.loaders.ddi import plan_ddi
from kg.knowledge.loaders.pgx import plan_cpic
from kg.knowledge.loaders.vocab import plan_ndfrt_classes, plan_vocab
from kg.knowledge.plan import Context, SourcePlan
from kg.knowledge.sources import DATA_DIR, SOURCE_INFO, kb_version
from kg.knowledge.summary import LoadSummary, SourceSummary
from kg.store import GraphStore

__all__ = ["BATCH_SIZE", "SOURCES", "load_knowledge_base", "load_sources", "plan_sources"]

BATCH_SIZE = 2000

Planner = Callable[[Context], SourcePlan]
_PLANNERS: dict[str, Planner] = {
    "vocab": plan_vocab,
    "ndfrt_classes": plan_ndfrt_classes,
    "cpic": plan_cpic,
    "onc_high_priority": lambda ctx: plan_ddi(ctx, "onc_high_priority"),
    "onc_noninterruptive": lambda ctx: plan_ddi(ctx, "onc_noninterruptive"),
    "ndfrt_va": lambda ctx: plan_ddi(ctx, "ndfrt_va"),
    **CURATED_PLANNERS,
}

#: Names of the loadable sources, in load order (``kgtwin kb load --only NAME``).
SOURCES: tuple[str, ...] = tuple(_PLANNERS)


def plan_sources(data_dir: Path = DATA_DIR, *, only: str | None = None) -> list[SourcePlan]:
    """Validate the selected sources and return what they would write (nothing is written).

    Raises:
        ValidationError: an unknown source name, or a malformed row (file, line, column).
    """
    if only is not None and only not in _PLANNERS:
        raise ValidationError(f"Unknown source {only!r} (choices: {choices(SOURCES, limit=20)})")
    ctx = Context(data_dir, kb_version(data_dir))
    names = [only] if only else list(SOURCES)
    return [_PLANNERS[n](ctx) for n in names]


def load_knowledge_base(
    store: GraphStore, *, only: str | None = None, progress: bool = False
) -> LoadSummary:
    """Load the default knowledge base (every source, or only ``only``) idempotently.

    Example: ``load_knowledge_base(store, only="cpic")`` loads the CPIC genes, alleles,
    diplotypes, guidelines and recommendations.

    Args:
        store: the graph store to write to.
        only: the name of one source (see :data:`SOURCES`); None loads all.
        progress: show a progress bar on stderr.

    Returns:
        Rows written per source and label or relationship type, and the KB version.

    Raises:
        ValidationError: unknown source, or a malformed row; nothing is written then.
    """
    summary = load_sources(store, DATA_DIR, only=only, progress=progress)
    if only is None:
        # Care pathways refer to drugs, classes and concepts, so they load after every
        # source. Their loader lives with their evaluation in kg.reasoning.pathways.
        from kg.reasoning.pathways import load_pathways

        load_pathways(store)
    return summary


def load_sources(
    store: GraphStore, data_dir: Path, *, only: str | None = None, progress: bool = False
) -> LoadSummary:
    """:func:`load_knowledge_base` from another data directory (tests, forks of the data)."""
    started = time.perf_counter()
    plans = plan_sources(data_dir, only=only)
    version = kb_version(data_dir)
    store.write(
        "merge_kb_sources",
        {"rows": [{"uid": s.uid, "props": s.node()} for s in SOURCE_INFO.values()]},
    )
    from tqdm import tqdm

    bar = tqdm(
        total=sum(p.total_rows for p in plans),
        disable=not progress,
        unit="row",
        desc="kb load",
        leave=False,
    )
    summaries = []
    try:
        for plan in plans:
            t0 = time.perf_counter()
            bar.set_postfix_str(plan.name)
            for step in plan.steps:
                for i in range(0, len(step.rows), BATCH_SIZE):
                    chunk = step.rows[i : i + BATCH_SIZE]
                    store.write(step.query, {**step.params, "rows": chunk})
                    bar.update(len(chunk))
            summaries.append(
                SourceSummary(
                    plan.name,
                    plan.version,
                    dict(plan.counts()) if plan.steps else {},
                    time.perf_counter() - t0,
                    plan.note,
                )
            )
    finally:
        bar.close()
    now = datetime.now(UTC).replace(microsecond=0)
    store.write(
        "merge_kb_version",
        {
            "version": version,
            "loaded_at": now.isoformat().replace("+00:00", "Z"),
            "loaded_at_epoch": int(now.timestamp()),
            "sources": [p.name for p in plans if p.steps],
        },
    )
    return LoadSummary(version, tuple(summaries), time.perf_counter() - started)
