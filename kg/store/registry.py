"""The query registry: every Cypher statement kgtwin runs, loaded by name from ``queries/``.

Each file holds one statement after a header of ``//`` lines::

    // name: get_patient
    // purpose: One patient's demographics.
    // mode: read
    // param uid: string
    // returns: uid: string, birth_date: string

``mode`` is ``read``, ``write`` or ``ddl``. Parameter types are ``string``, ``int``,
``float``, ``bool``, ``map``, ``any`` or ``list<T>`` of those. Loading fails at once, naming
the file, on a missing header field, an undeclared or unused ``$param``, a file whose name
differs from its ``name``, or a duplicate name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.errors import RegistryError, UnknownQuery, choices

__all__ = ["PARAM_TYPES", "Query", "QueryRegistry", "default_query_dir", "parse_query"]

MODES = ("read", "write", "ddl")
_SCALARS = ("string", "int", "float", "bool", "map", "any")
PARAM_TYPES = _SCALARS + tuple(f"list<{t}>" for t in _SCALARS)
_REQUIRED = ("name", "purpose", "mode", "returns")
_HEADER_LINE = re.compile(r"^//\s*([a-z]+)(?:\s*:\s*|\s+)(.*)$")
_PARAM_DECL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S+)\s*(?:-.*)?$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")


@dataclass(frozen=True)
class Query:
    """One named Cypher statement and what its header declares."""

    name: str
    purpose: str
    mode: str
    params: Mapping[str, str]
    returns: str
    text: str
    path: Path
    body_line: int  # 1-based line of the file where the statement starts

    @property
    def area(self) -> str:
        """The folder under ``queries/`` (``safety``, ``ingest``, ...)."""
        return self.path.parent.name

    def file_line(self, statement_line: int) -> int:
        """Map a line number inside the statement to the line in the file."""
        return self.body_line + max(statement_line, 1) - 1


def _strip_strings_and_comments(text: str) -> str:
    no_strings = _STRINGS.sub("''", text)
    return "\n".join(line.split("//", 1)[0] for line in no_strings.splitlines())


def parse_query(path: Path, text: str | None = None) -> Query:
    """Parse one ``.cypher`` file.

    Raises:
        RegistryError: the header is incomplete or disagrees with the statement.
    """
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    fields: dict[str, str] = {}
    params: dict[str, str] = {}
    body_start = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            body_start = i
            break
        m = _HEADER_LINE.match(stripped)
        if not m:
            continue  # a free comment line inside the header
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            d = _PARAM_DECL.match(value)
            if not d:
                raise RegistryError(
                    f"{path}:{i + 1}: bad param declaration {value!r} (expected 'param NAME: TYPE')"
                )
            pname, ptype = d.group(1), d.group(2)
            if ptype not in PARAM_TYPES:
                raise RegistryError(
                    f"{path}:{i + 1}: param {pname!r} has unknown type {ptype!r} "
                    f"(choices: {choices(PARAM_TYPES, limit=20)})"
                )
            if pname in params:
                raise RegistryError(f"{path}:{i + 1}: param {pname!r} declared twice")
            params[pname] = ptype
        else:
            fields[key] = value
    missing = [k for k in _REQUIRED if not fields.get(k)]
    if missing:
        raise RegistryError(f"{path}: header is missing {', '.join(missing)}")
    if fields["mode"] not in MODES:
        raise RegistryError(
            f"{path}: mode {fields['mode']!r} is not valid (choices: {choices(MODES)})"
        )
    if fields["name"] != path.stem:
        raise RegistryError(f"{path}: header name {fields['name']!r} differs from the file name")
    body = "\n".join(lines[body_start:]).strip()
    if not body:
        raise RegistryError(f"{path}: no statement after the header")
    used = set(_PARAM_USE.findall(_strip_strings_and_comments(body)))
    undeclared = sorted(used - params.keys())
    if undeclared:
        raise RegistryError(
            f"{path}: parameter(s) {', '.join('$' + p for p in undeclared)} used but not "
            "declared in the header"
        )
    unused = sorted(params.keys() - used)
    if unused:
        raise RegistryError(f"{path}: declared parameter(s) {', '.join(unused)} are never used")
    if fields["mode"] != "ddl" and ";" in _strip_strings_and_comments(body).rstrip().rstrip(";"):
        raise RegistryError(f"{path}: holds more than one statement (one per file)")
    return Query(
        name=fields["name"],
        purpose=fields["purpose"],
        mode=fields["mode"],
        params=params,
        returns=fields["returns"],
        text=body.rstrip().rstrip(";") if fields["mode"] != "ddl" else body,
        path=path,
        body_line=body_start + 1,
    )


def default_query_dir() -> Path:
    """``queries/`` beside the package (source checkout) or inside it (installed)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "queries", here / "queries"):
        if candidate.is_dir():
            return candidate
    raise RegistryError(f"no queries/ directory found beside {here}")


class QueryRegistry:
    """All queries under a directory, by name."""

    def __init__(self, queries: Mapping[str, Query]) -> None:
        self._queries = dict(queries)

    @classmethod
    def load(cls, root: Path | None = None) -> QueryRegistry:
        """Load and check every ``*.cypher`` file below ``root``.

        Raises:
            RegistryError: naming the first malformed file or duplicate name.
        """
        root = root or default_query_dir()
        found: dict[str, Query] = {}
        for path in sorted(root.rglob("*.cypher")):
            q = parse_query(path)
            if q.name in found:
                raise RegistryError(
                    f"{path}: duplicate query name {q.name!r} (also in {found[q.name].path})"
                )
            found[q.name] = q
        return cls(found)

    def get(self, name: str) -> Query:
        """The query called ``name``.

        Raises:
            UnknownQuery: no such query; the message lists close names.
        """
        try:
            return self._queries[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, self._queries, n=5)
            hint = f" (did you mean: {', '.join(close)})" if close else ""
            raise UnknownQuery(f"Unknown query {name!r}{hint}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __iter__(self) -> Iterator[Query]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        """Every query name, sorted."""
        return sorted(self._queries)
