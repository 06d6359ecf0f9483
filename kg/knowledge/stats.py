"""What the graph holds, per source and version (``kgtwin kb stats``)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.store import GraphStore

__all__ = ["KbStats", "SourceStats", "kb_stats"]


@dataclass(frozen=True)
class SourceStats:
    """Nodes written by one Source, per label."""

    uid: str
    name: str
    version: str
    licence: str
    counts: dict[str, int]


@dataclass(frozen=True)
class KbStats:
    """The KnowledgeBase node's version and each Source's node counts."""

    version: str | None
    loaded_at: str | None
    loaded_sources: tuple[str, ...]
    sources: tuple[SourceStats, ...]

    def lines(self) -> list[str]:
        """Human-readable lines."""
        if self.version is None:
            return ["no knowledge base loaded (run 'kgtwin kb load')"]
        out = [
            f"knowledge base {self.version}, loaded {self.loaded_at}",
            f"sources loaded: {', '.join(self.loaded_sources)}",
        ]
        for s in self.sources:
            counts = ", ".join(f"{k} {v}" for k, v in s.counts.items()) or "no nodes"
            out.append(f"  {s.uid:30} {s.version}  [{s.licence}]")
            out.append(f"  {'':30} {counts}")
        return out


def kb_stats(store: GraphStore) -> KbStats:
    """Read the KnowledgeBase node and node counts per Source and label from the graph."""
    kb = store.read("get_kb_version")
    by_source: dict[str, SourceStats] = {}
    for row in store.read("list_kb_source_counts"):
        s = by_source.setdefault(
            row["source"],
            SourceStats(
                row["source"], row["name"] or "", row["version"] or "", row["licence"] or "", {}
            ),
        )
        if row["label"] is not None and row["count"]:
            s.counts[row["label"]] = int(row["count"])
    head = kb[0] if kb else {}
    return KbStats(
        version=head.get("version"),
        loaded_at=head.get("loaded_at"),
        loaded_sources=tuple(head.get("sources") or ()),
        sources=tuple(by_source.values()),
    )
