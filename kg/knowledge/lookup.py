"""Find drugs by name, synonym or code in a loaded knowledge base."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kg.errors import NotFound
from kg.knowledge.vocabulary import norm_name
from kg.store import GraphStore

__all__ = ["DrugMatch", "find_drugs", "resolve_drug"]


@dataclass(frozen=True)
class DrugMatch:
    """A Drug node found by name or code; ``exact`` is False for a prefix match."""

    uid: str
    rxcui: str | None
    name: str
    synonyms: tuple[str, ...]
    unresolved: bool
    exact: bool


def _match(row: dict[str, object], *, exact: bool) -> DrugMatch:
    syn = row.get("synonyms") or []
    return DrugMatch(
        uid=str(row["uid"]),
        rxcui=str(row["rxcui"]) if row.get("rxcui") else None,
        name=str(row["name"]),
        synonyms=tuple(str(s) for s in syn) if isinstance(syn, list) else (),
        unresolved=bool(row.get("unresolved")),
        exact=exact,
    )


def find_drugs(store: GraphStore, text: str, *, limit: int = 20) -> list[DrugMatch]:
    """Drugs whose name or synonym equals ``text`` (case-insensitive); else those starting with it.

    Example: ``find_drugs(store, "Paracetamol")`` -> acetaminophen (RxNorm:161).
    """
    q = norm_name(text)
    if not q:
        return []
    rows = store.read("find_kb_drugs", {"text": q, "limit": limit})
    exact = [_match(r, exact=True) for r in rows if r["rank"] == 0]
    return exact or [_match(r, exact=False) for r in rows]


_CODE = re.compile(r"^(?:rxnorm:)?([0-9]+)$", re.IGNORECASE)


def resolve_drug(store: GraphStore, name_or_code: str) -> DrugMatch:
    """One drug for a name, synonym, RXCUI (``11289``), CURIE (``RxNorm:11289``) or uid.

    Raises:
        NotFound: nothing matches exactly; the message lists the closest names, e.g.
            ``Unknown drug 'warfarine' (closest: warfarin, ...)``.
    """
    text = name_or_code.strip()
    m = _CODE.match(text)
    uid = f"RxNorm:{m.group(1)}" if m else (text if text.startswith("kgtwin:drug/") else None)
    if uid is not None:
        rows = store.read("get_kb_drug", {"uid": uid})
        if rows:
            return _match(rows[0], exact=True)
    else:
        found = [d for d in find_drugs(store, text) if d.exact]
        if found:
            return sorted(found, key=lambda d: (d.unresolved, d.name != norm_name(text), d.name))[0]
    names: set[str] = set()
    for row in store.read("list_kb_drug_names"):
        names.add(str(row["name"]))
        names.update(str(s) for s in row.get("synonyms") or [])
    close = difflib.get_close_matches(norm_name(text), sorted(names), n=3, cutoff=0.6)
    hint = f" (closest: {', '.join(close)})" if close else ""
    raise NotFound(f"Unknown drug {name_or_code!r}{hint}")
