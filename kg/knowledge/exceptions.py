"""Reviewed exceptions to the integrity rules (``data/reviewed_exceptions.csv``).

Each row is ``kind,key,value,reason``:

* ``recommendation_lookup``: a recommendation lookup value (``key`` = gene, ``value`` = the
  value or ``*`` for any) that is legitimately absent from the diplotype table;
* ``unresolved_drug``: a drug name (normalised) known to have no RxNorm code in the data;
* ``not_a_drug``: a name in a drug column that is not a drug (``key`` = file); skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.knowledge.csvfile import Column, Problems, read_csv
from kg.knowledge.vocabulary import norm_name

__all__ = ["KINDS", "ReviewedExceptions", "load_exceptions"]

KINDS = ("recommendation_lookup", "unresolved_drug", "not_a_drug")


@dataclass(frozen=True)
class ReviewedExceptions:
    """The reviewed exceptions, indexed for lookups."""

    lookups: frozenset[tuple[str, str]]
    unresolved: frozenset[str]
    not_drugs: frozenset[tuple[str, str]]

    def lookup_ok(self, gene: str, value: str) -> bool:
        """True when (gene, value) is a reviewed recommendation-lookup exception."""
        return (
            (gene, value) in self.lookups
            or (gene, "*") in self.lookups
            or ("*", value) in self.lookups
        )

    def is_unresolved_ok(self, name: str) -> bool:
        """True when ``name`` is a reviewed unresolved drug."""
        return norm_name(name) in self.unresolved

    def is_not_a_drug(self, file: str, name: str) -> bool:
        """True when ``name`` in ``file`` is reviewed as not a drug."""
        return (file, norm_name(name)) in self.not_drugs


def load_exceptions(data_dir: Path, problems: Problems) -> ReviewedExceptions:
    """Read ``reviewed_exceptions.csv`` of ``data_dir``."""
    rows = read_csv(
        data_dir / "reviewed_exceptions.csv",
        [Column("kind", choices=KINDS), Column("key"), Column("value"), Column("reason")],
        problems,
        display="reviewed_exceptions.csv",
    )
    return ReviewedExceptions(
        lookups=frozenset(
            (r["key"], r["value"]) for r in rows if r["kind"] == "recommendation_lookup"
        ),
        unresolved=frozenset(norm_name(r["value"]) for r in rows if r["kind"] == "unresolved_drug"),
        not_drugs=frozenset(
            (r["key"], norm_name(r["value"])) for r in rows if r["kind"] == "not_a_drug"
        ),
    )
