"""Reading and validating the knowledge files: every problem names file, line and column.

A source is validated completely before anything of it is written, so a malformed row stops
that source with nothing half-written.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ValidationError, choices

__all__ = ["Column", "Problems", "Record", "read_csv", "read_json"]

_MAX_SHOWN = 20


@dataclass(frozen=True)
class Column:
    """What one CSV column must hold.

    ``kind`` is ``str``, ``int``, ``float`` or ``bool`` (``True``/``False``); ``choices``
    restricts the value; ``pattern`` is a regular expression the whole value must match;
    ``required`` forbids an empty cell.
    """

    name: str
    required: bool = True
    kind: str = "str"
    choices: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Record:
    """One validated row: its file, 1-based line and values (empty cells are ``""``)."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: str = "") -> str:
        """The value of ``key`` (``default`` when the file has no such column)."""
        return self.values.get(key, default)

    def where(self, column: str | None = None) -> str:
        """``file:line`` (and the column) for a problem report."""
        base = f"{self.file}: line {self.line}"
        return f"{base}, column {column!r}" if column else base


@dataclass
class Problems:
    """Collects problems of one source; :meth:`raise_if_any` stops the source."""

    source: str
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        """Record one problem at ``where`` (``file: line N, column 'x'``)."""
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        """Raise one ValidationError listing every problem (first ones in full).

        Raises:
            ValidationError: at least one problem was recorded.
        """
        if not self.items:
            return
        shown = self.items[:_MAX_SHOWN]
        more = len(self.items) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        raise ValidationError(
            f"source {self.source!r} not loaded: {self.items[0]}"
            + (f" (and {len(self.items) - 1} more problem(s))" if len(self.items) > 1 else ""),
            problems=shown,
        )


def _check(col: Column, value: str) -> str | None:
    if value == "":
        return "is empty (required)" if col.required else None
    if col.choices is not None and value not in col.choices:
        return f"{value!r} is not valid (choices: {choices(col.choices)})"
    if col.kind == "int":
        try:
            int(value)
        except ValueError:
            return f"{value!r} is not an integer"
    elif col.kind == "float":
        try:
            float(value)
        except ValueError:
            return f"{value!r} is not a number"
    elif col.kind == "bool" and value not in ("True", "False", "true", "false"):
        return f"{value!r} is not a boolean (choices: True, False)"
    if col.pattern is not None and not re.fullmatch(col.pattern, value):
        return f"{value!r} does not match the expected form /{col.pattern}/"
    return None


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        start = 1
        for row in reader:
            yield start, row
            start = reader.line_num + 1


def read_csv(
    path: Path, columns: list[Column], problems: Problems, *, display: str | None = None
) -> list[Record]:
    """Read ``path`` and check each cell against ``columns``.

    Problems are added to ``problems`` (the caller raises once the whole source is read).
    Columns not declared are kept as they are. Returns the rows that passed.
    """
    name = display or path.name
    if not path.is_file():
        problems.add(name, "file not found")
        return []
    out: list[Record] = []
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        problems.add(f"{name}: line 1", "file is empty (a header row is required)")
        return []
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c.name for c in columns if c.name not in header]
    if missing:
        problems.add(
            f"{name}: line 1",
            f"header lacks column(s) {', '.join(map(repr, missing))} (found: {', '.join(header)})",
        )
        return []
    for line, cells in rows:
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.add(
                f"{name}: line {line}", f"has {len(cells)} fields, the header has {len(header)}"
            )
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        rec = Record(name, line, values)
        bad = False
        for col in columns:
            msg = _check(col, values[col.name])
            if msg:
                problems.add(rec.where(col.name), msg)
                bad = True
        if not bad:
            out.append(rec)
    return out


def read_json(path: Path, problems: Problems, *, display: str | None = None) -> Any:
    """Parse a JSON file; a syntax error is added to ``problems`` with its line and column."""
    name = display or path.name
    if not path.is_file():
        problems.add(name, "file not found")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.add(f"{name}: line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")
        return None
