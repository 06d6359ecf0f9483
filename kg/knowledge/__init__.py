"""The default knowledge base: versioned data files with provenance, and their loaders.

from kg.knowledge import load_knowledge_base, resolve_drug
summary = load_knowledge_base(store)        # every source, idempotent
warfarin = resolve_drug(store, "warfarin")  # DrugMatch(uid="RxNorm:11289", ...)
"""

from __future__ import annotations

from kg.knowledge.loader import SOURCES, load_knowledge_base
from kg.knowledge.lookup import DrugMatch, find_drugs, resolve_drug
from kg.knowledge.severity import SEVERITIES, severity_rank
from kg.knowledge.stats import KbStats, kb_stats
from kg.knowledge.summary import LoadSummary, SourceSummary

__all__ = [
    "SEVERITIES",
    "SOURCES",
    "DrugMatch",
    "KbStats",
    "LoadSummary",
    "SourceSummary",
    "find_drugs",
    "kb_stats",
    "load_knowledge_base",
    "resolve_drug",
    "severity_rank",
]
