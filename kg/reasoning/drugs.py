"""Drug names, RxNorm codes and uids typed by a person, resolved to the knowledge base's drugs."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from kg.errors import NotFound
from kg.store import GraphStore

__all__ = ["resolve_drugs"]


def _terms(text: str) -> list[str]:
    t = text.strip().lower()
    out = [t, text.strip()]
    if t.isdigit():
        out.append(f"RxNorm:{t}")
    if t.startswith("rxnorm:"):
        out += [t[7:], f"RxNorm:{t[7:]}"]
    return out


def _product_ingredients(store: GraphStore, code: str) -> list[str]:
    """Ingredient drug uids of an RxNorm product code (via the twin's code resolver)."""
    try:
        from kg.ingest.coding import resolver_for
    except ImportError:  # the twin area is absent in a partial checkout
        return []
    return list(resolver_for(store).resolve_medication(code, None).drug_uids)


def resolve_drugs(store: GraphStore, names: Sequence[str]) -> list[tuple[str, str, str]]:
    """Resolve each input (name, synonym, RxNorm ingredient or product code, or uid).

    Returns:
        ``(input, drug_uid, name)`` per resolved drug, in input order; a product code gives
        one row per ingredient.

    Raises:
        NotFound: naming every unknown input with the closest known drug names.
    """
    wanted = {n: _terms(n) for n in names}
    terms = sorted({t for ts in wanted.values() for t in ts})
    rows = store.read("find_drugs_by_names", {"terms": terms}) if terms else []
    by_term: dict[str, tuple[str, str]] = {}
    for r in sorted(rows, key=lambda r: r["uid"]):
        keys = [r["uid"], r.get("rxcui"), r.get("name")]
        keys += [s.lower() for s in r.get("synonyms") or []]
        for k in keys:
            if k:
                by_term.setdefault(k, (r["uid"], r["name"]))
    out: list[tuple[str, str, str]] = []
    missing: list[str] = []
    for name, ts in wanted.items():
        hit = next((by_term[t] for t in ts if t in by_term), None)
        if hit is not None:
            out.append((name, hit[0], hit[1]))
            continue
        code = name.strip().removeprefix("RxNorm:").removeprefix("rxnorm:")
        uids = _product_ingredients(store, code) if code.isdigit() else []
        if uids:
            found = store.read("find_drugs_by_names", {"terms": uids})
            out += [(name, r["uid"], r["name"]) for r in sorted(found, key=lambda r: r["uid"])]
            continue
        missing.append(name)
    if missing:
        known = [r["name"] for r in store.read("list_drug_names") if r.get("name")]
        parts = []
        for name in missing:
            close = difflib.get_close_matches(name.lower(), known, n=5, cutoff=0.6)
            hint = f" (closest: {', '.join(close)})" if close else " (no close name)"
            parts.append(f"{name!r}{hint}")
        raise NotFound(f"Unknown drug {'; '.join(parts)}")
    return out
