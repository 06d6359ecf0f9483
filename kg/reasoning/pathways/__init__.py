"""Care pathways over the twin: guideline steps as data, the twin's place on them, the next
steps its data opens or the safety engine blocks, scores (CHA2DS2-VASc) and lab-trend
forecasts.

::

    load_pathways(store)                              # kg/knowledge/data/pathways -> graph
    check_pathways()                                  # validate the files, no store needed
    care_pathways(store, "p1")                        # every pathway that applies
    care_pathway(store, "p1", "type2_diabetes", now="2026-09-30")
"""

from __future__ import annotations

from kg.reasoning.pathways.check import check_pathways
from kg.reasoning.pathways.evaluate import care_pathway, care_pathways
from kg.reasoning.pathways.forecast import Forecast, fit_trend
from kg.reasoning.pathways.load import load_pathways
from kg.reasoning.pathways.model import PathwayProblem
from kg.reasoning.pathways.results import PathwayResult

__all__ = [
    "Forecast",
    "PathwayProblem",
    "PathwayResult",
    "care_pathway",
    "care_pathways",
    "check_pathways",
    "fit_trend",
    "load_pathways",
]
