"""Small readers of FHIR elements (dosage, category, codes) used by the bundle mapper."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kg.ingest.coding import SYSTEMS

__all__ = [
    "category",
    "code_props",
    "dose_text",
    "first",
    "observation_value",
    "route",
    "sampled_values",
    "short",
]


def short(value: Any) -> str:
    """``value`` as compact JSON for an error message (at most 80 characters)."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def first(value: Any) -> dict[str, Any]:
    """The first item of a FHIR list element, or an empty dict."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return dict(value[0])
    return {}


def dose_text(dosage: Mapping[str, Any]) -> str | None:
    """A Dosage as text: its ``text``, else the dose quantity."""
    if dosage.get("text"):
        return str(dosage["text"])
    dose = (first(dosage.get("doseAndRate")).get("doseQuantity")) or {}
    if "value" in dose:
        return f"{dose['value']} {dose.get('unit') or dose.get('code') or ''}".strip()
    return None


def route(dosage: Mapping[str, Any]) -> str | None:
    """A Dosage's route as text."""
    route = dosage.get("route") or {}
    coding = first(route.get("coding"))
    value = route.get("text") or coding.get("display") or coding.get("code")
    return str(value) if value else None


def category(r: Mapping[str, Any]) -> str | None:
    """The first category code of a resource (``laboratory``, ``vital-signs``)."""
    cat = first(r.get("category"))
    coding = first(cat.get("coding"))
    value = coding.get("code") or cat.get("text")
    return str(value) if value else None


def code_props(system: str | None, code: str, display: str | None) -> dict[str, Any]:
    """Properties of the ``Code`` node a coding is ``CODED_AS``."""
    return {"system": SYSTEMS.get(system or "", system), "code": code, "display": display}


def sampled_values(sd: Any) -> list[tuple[int, float]] | None:
    """(index, value) of each sample of a one-dimensional FHIR SampledData (a wearable series).

    Values are ``origin + factor * datum``; the markers E, L and U (error, below and above the
    detection limit) are left out. None when the element is not a usable SampledData.
    """
    if not isinstance(sd, Mapping) or sd.get("dimensions", 1) != 1:
        return None
    period, data = sd.get("period"), sd.get("data")
    if not isinstance(period, int | float) or period <= 0 or not isinstance(data, str):
        return None
    base = (sd.get("origin") or {}).get("value", 0)
    factor = sd.get("factor", 1)
    out = []
    for i, token in enumerate(data.split()):
        if token in ("E", "L", "U"):
            continue
        try:
            out.append((i, float(base) + float(factor) * float(token)))
        except ValueError:
            return None
    return out


def observation_value(r: Mapping[str, Any]) -> tuple[float | None, str | None, str | None] | None:
    """(value, value_text, unit) of an Observation or component; None when the quantity is bad."""
    if "valueQuantity" in r:
        q = r["valueQuantity"] or {}
        v = q.get("value")
        if not isinstance(v, int | float) or isinstance(v, bool):
            return None
        return float(v), None, q.get("unit") or q.get("code")
    if "valueCodeableConcept" in r:
        cc = r["valueCodeableConcept"] or {}
        coding = first(cc.get("coding"))
        return None, cc.get("text") or coding.get("display") or coding.get("code"), None
    for key in ("valueString", "valueBoolean", "valueInteger", "valueDateTime"):
        if key in r:
            v = r[key]
            if key == "valueInteger" and isinstance(v, int):
                return float(v), None, None
            return None, str(v), None
    return None, None, None
