"""Which labels, relationship types and properties a Cypher text uses (the alignment guard).

A careful regular-expression heuristic, not a parser:

* comments and string literals are removed first (a label named only inside a string, as in
  ``'InteractionRule' IN labels(r)``, is not seen);
* **labels**: CamelCase names after ``:`` in a node pattern ``(x:Label:Other {...})`` or a
  label predicate ``x:Label`` (``WHERE d:Drug``); label expressions ``A|B`` count both;
* **relationship types**: UPPER_SNAKE names in a relationship pattern ``-[r:TYPE|OTHER]-``;
* **properties**: ``x.prop`` where ``x`` is bound by a node or relationship pattern in the same
  statement and never bound by ``AS x`` (so ``row.uid`` over ``UNWIND $rows AS row`` is a
  parameter key, not a graph property; a name bound both ways is ambiguous and skipped),
  keys of the map inside a node or relationship pattern
  ``(x {uid: $uid})``, and ``.prop`` items of a map projection ``x {.uid, .name}``. Map
  literals elsewhere (``RETURN {uid: d.uid}``) are projections, not properties, and are
  skipped; properties reached only through ``properties(n)`` or ``SET n += $map`` are not
  seen (list those in ``ontology/reserved.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CypherNames", "scan_cypher", "scan_query_dir"]

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_COMMENT = re.compile(r"//[^\n]*")
_TOKENS = re.compile(f"{_STRING.pattern}|{_COMMENT.pattern}")
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# (x:Label:Other ...), (:Label), (x:A|B)
_NODE_LABELS = re.compile(
    rf"(?<![\w.])\(\s*(?:{_IDENT})?\s*((?::\s*`?{_IDENT}`?\s*(?:[|&]\s*:?\s*`?{_IDENT}`?\s*)*)+)"
)
# label predicate x:Label (no space before the colon; CamelCase label)
_LABEL_PRED = re.compile(r"(?<![\w\[])[a-z_]\w*((?::[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)+)\b")
_REL = re.compile(
    rf"-\s*\[\s*(?:{_IDENT})?\s*:\s*([A-Z_][A-Z0-9_]*(?:\s*\|\s*:?\s*[A-Z_][A-Z0-9_]*)*)"
)
_NODE_VAR = re.compile(rf"(?<![\w.])\(\s*({_IDENT})\s*[:{{)]")
_REL_VAR = re.compile(rf"-\s*\[\s*({_IDENT})\s*[:{{\]*]")
_PATTERN_MAP = re.compile(
    rf"(?:(?<![\w.])\(|-\s*\[)\s*(?:{_IDENT})?\s*(?::[^{{}}()\[\]]*?)?\{{([^{{}}]*)\}}\s*[)\]]"
)
_MAP_KEY = re.compile(rf"(?:^|,)\s*`?({_IDENT})`?\s*:")
_PROJECTION = re.compile(rf"\b({_IDENT})\s*\{{(\s*\.[^{{}}]*)\}}")
_PROJ_ITEM = re.compile(rf"\.({_IDENT})")
_ALIAS = re.compile(rf"\bAS\s+({_IDENT})", re.IGNORECASE)
_ACCESS = re.compile(rf"(?<![\w$.])({_IDENT})\.({_IDENT})\b")


@dataclass
class CypherNames:
    """Graph names used by some Cypher text, each with the files that use it."""

    labels: dict[str, set[str]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    properties: dict[str, set[str]] = field(default_factory=dict)

    def add(self, other: CypherNames) -> None:
        """Merge ``other`` into this one."""
        for mine, theirs in (
            (self.labels, other.labels),
            (self.types, other.types),
            (self.properties, other.properties),
        ):
            for name, where in theirs.items():
                mine.setdefault(name, set()).update(where)


def _clean(text: str) -> str:
    # one left-to-right pass: a quote inside a comment, or // inside a string, is not special
    def repl(m: re.Match[str]) -> str:
        return "" if m.group(0).startswith("//") else "''"

    return _TOKENS.sub(repl, text)


def _names(expr: str) -> list[str]:
    return [n.strip("` :") for n in re.split(r"[:|&]", expr) if n.strip("` :")]


def scan_cypher(text: str, where: str = "<text>") -> CypherNames:
    """The labels, types and properties one Cypher text uses."""
    body = _clean(text)
    out = CypherNames()
    for m in _NODE_LABELS.finditer(body):
        for label in _names(m.group(1)):
            out.labels.setdefault(label, set()).add(where)
    for m in _LABEL_PRED.finditer(body):
        for label in _names(m.group(1)):
            out.labels.setdefault(label, set()).add(where)
    for m in _REL.finditer(body):
        for rel_type in _names(m.group(1)):
            out.types.setdefault(rel_type, set()).add(where)
    bound = {m.group(1) for m in _NODE_VAR.finditer(body)}
    bound |= {m.group(1) for m in _REL_VAR.finditer(body)}
    bound -= {m.group(1) for m in _ALIAS.finditer(body)}  # also bound to a value: ambiguous
    props: set[str] = set()
    for m in _PATTERN_MAP.finditer(body):
        props.update(_MAP_KEY.findall(m.group(1)))
    for m in _PROJECTION.finditer(body):
        if m.group(1) in bound:
            props.update(_PROJ_ITEM.findall(m.group(2)))
    for m in _ACCESS.finditer(body):
        if m.group(1) in bound:
            props.add(m.group(2))
    for prop in props:
        out.properties.setdefault(prop, set()).add(where)
    return out


def scan_query_dir(root: Path) -> CypherNames:
    """Scan every ``*.cypher`` file below ``root``."""
    out = CypherNames()
    for path in sorted(root.rglob("*.cypher")):
        out.add(scan_cypher(path.read_text(encoding="utf-8"), str(path.relative_to(root))))
    return out
