"""Load pathways into the graph: ``Pathway`` and ``PathwayStep`` nodes joined by ``NEXT``.

Each pathway is one atomic statement (``queries/pathways/merge_pathway.cypher``) that replaces
the pathway's previous steps, so loading twice leaves the same graph. Steps link to the
``Drug`` and ``DrugClass`` nodes they use when the knowledge base holds them, and a step with
a sub-pathway (the AF pathway's warfarin step) links to that ``Pathway``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import ValidationError
from kg.reasoning.pathways.check import validate_pathways
from kg.reasoning.pathways.files import read_pathways
from kg.reasoning.pathways.model import Pathway
from kg.store import GraphStore

__all__ = ["SOURCE_UID", "definition_hash", "load_pathways", "pathway_rows"]

SOURCE_UID = "source:kgtwin-pathways"
DEFAULT_LICENCE = "Apache-2.0 (kgtwin curation; guideline content paraphrased and cited)"


def definition_hash(raw: dict[str, Any]) -> str:
    """A stable hash of a pathway definition (detects changed files)."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _cite(pw: Pathway, key: str) -> tuple[str, str]:
    src = pw.source(key)
    if src is None:
        return "", ""
    cite = src.citation + (f", PMID {src.pmid}" if src.pmid else "")
    return cite, src.url or ""


def pathway_rows(pw: Pathway) -> dict[str, Any]:
    """The parameters of ``merge_pathway`` for one pathway."""
    licence = str(pw.raw.get("licence") or DEFAULT_LICENCE)
    prov = {"source": SOURCE_UID, "source_version": pw.version, "licence": licence}
    steps: list[dict[str, Any]] = []
    drugs: list[dict[str, str]] = []
    classes: list[dict[str, str]] = []
    subs: list[dict[str, str]] = []
    for s in pw.steps:
        suid = f"{pw.uid}/{s.id}"
        cite, url = _cite(pw, s.source)
        steps.append(
            {
                "uid": suid,
                "pathway_id": pw.id,
                "step_id": s.id,
                "kind": s.kind,
                "title": s.title,
                "description": s.description,
                "is_end": s.end,
                "options": list(s.options),
                "labs": list(s.labs),
                "therapy_json": json.dumps(
                    {"components": [list(c) for c in s.therapy], "min": s.required_components}
                ),
                "sub_pathway": s.sub_pathway,
                "citation": cite,
                "citation_url": url,
                **prov,
            }
        )
        codes = {c for comp in s.therapy for c in comp} | set(s.options)
        drugs.extend(
            {"step_uid": suid, "drug_uid": c} for c in sorted(codes) if c.startswith("RxNorm:")
        )
        classes.extend(
            {"step_uid": suid, "class_uid": c} for c in sorted(codes) if c.startswith("kgtwin:")
        )
        if s.sub_pathway:
            subs.append({"step_uid": suid, "pathway_uid": f"pathway:{s.sub_pathway}"})
    transitions = []
    for t in pw.transitions:
        cite, url = _cite(pw, t.source)
        transitions.append(
            {
                "from_uid": f"{pw.uid}/{t.source_step}",
                "to_uid": f"{pw.uid}/{t.target_step}",
                "criteria_json": json.dumps([c.to_dict() for c in t.criteria], ensure_ascii=False),
                "note": t.note,
                "label": t.label,
                "citation": cite,
                "citation_url": url,
                **prov,
            }
        )
    citations = [s.citation + (f", PMID {s.pmid}" if s.pmid else "") for s in pw.sources]
    first_url = next((s.url for s in pw.sources if s.url), "")
    return {
        "uid": pw.uid,
        "pathway_id": pw.id,
        "name": pw.name,
        "version": pw.version,
        "description": pw.description,
        "start_uid": f"{pw.uid}/{pw.start}",
        "file_name": Path(pw.file).name,
        "definition_json": json.dumps(pw.raw, ensure_ascii=False),
        "definition_hash": definition_hash(pw.raw),
        "source_uid": SOURCE_UID,
        "source_version": pw.version,
        "licence": licence,
        "citation": " | ".join(citations),
        "citation_url": first_url,
        "steps": steps,
        "transitions": transitions,
        "step_drugs": drugs,
        "step_classes": classes,
        "sub_pathways": subs,
    }


def _load_order(pathways: list[Pathway]) -> list[Pathway]:
    """Sub-pathways first, so a parent's step can link to them."""
    subs = {s.sub_pathway for pw in pathways for s in pw.steps if s.sub_pathway}
    return sorted(pathways, key=lambda pw: (pw.id not in subs, pw.id))


def load_pathways(store: GraphStore, paths: Iterable[str | Path] | None = None) -> int:
    """Validate and load pathways (default: every pathway of the project) into the graph.

    Args:
        store: the graph.
        paths: pathway files or folders; None for ``kg/knowledge/data/pathways``.

    Returns:
        The number of pathways loaded.

    Raises:
        ValidationError: a pathway file is invalid; nothing is written, every problem listed.
    """
    pathways, problems = read_pathways(paths)
    problems += validate_pathways(pathways)
    if problems:
        raise ValidationError(
            f"{len(problems)} problem(s) in the pathway files; nothing was loaded",
            [str(p) for p in problems],
        )
    for pw in _load_order(pathways):
        store.write("merge_pathway", pathway_rows(pw))
    return len(pathways)
