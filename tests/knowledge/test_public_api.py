"""The public surface of kg.knowledge that other areas depend on."""

from __future__ import annotations

import inspect

import kg.knowledge
from kg.knowledge import SOURCES, load_knowledge_base


def test_exported_members() -> None:
    assert sorted(kg.knowledge.__all__) == sorted(
        [
            "SEVERITIES", "SOURCES", "DrugMatch", "KbStats", "LoadSummary", "SourceSummary",
            "find_drugs", "kb_stats", "load_knowledge_base", "resolve_drug", "severity_rank",
        ]
    )  # fmt: skip


def test_load_signature_is_stable() -> None:
    sig = inspect.signature(load_knowledge_base)
    assert list(sig.parameters) == ["store", "only", "progress"]
    assert sig.parameters["only"].kind is inspect.Parameter.KEYWORD_ONLY
    assert sig.parameters["only"].default is None and sig.parameters["progress"].default is False


def test_sources_start_with_vocabulary_and_include_every_family() -> None:
    assert SOURCES[0] == "vocab"
    assert {"cpic", "onc_high_priority", "onc_noninterruptive", "ndfrt_va"} <= set(SOURCES)
    assert len(set(SOURCES)) == len(SOURCES)
