"""The one ordered severity scale and the source mappings."""

from __future__ import annotations

import pytest

from kg.errors import ValidationError
from kg.knowledge import SEVERITIES, severity_rank
from kg.knowledge.severity import SOURCE_SEVERITY, highest, map_source_severity


def test_scale_is_strictly_ordered_from_contraindicated_to_info() -> None:
    ranks = [severity_rank(s) for s in SEVERITIES]
    assert SEVERITIES[0] == "contraindicated" and SEVERITIES[-1] == "info"
    assert ranks == sorted(ranks, reverse=True)
    assert len(set(ranks)) == len(ranks)
    assert severity_rank("contraindicated") == 5 and severity_rank("info") == 1


def test_unknown_severity_names_the_scale() -> None:
    with pytest.raises(ValidationError, match="contraindicated, major, moderate, minor, info"):
        severity_rank("severe")


def test_source_mappings_land_on_the_scale() -> None:
    assert map_source_severity("onc_high_priority", "high priority") == "major"
    assert map_source_severity("onc_noninterruptive", "non-interruptive") == "minor"
    assert map_source_severity("ndfrt_va", "Critical") == "major"
    assert map_source_severity("ndfrt_va", "Significant") == "moderate"
    assert all(v in SEVERITIES for v in SOURCE_SEVERITY.values())
    with pytest.raises(ValidationError, match="no severity mapping"):
        map_source_severity("ndfrt_va", "Mild")


def test_highest_picks_the_highest_rank() -> None:
    assert highest(["minor", "major", "moderate"]) == "major"
