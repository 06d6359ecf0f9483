"""Fixtures of the knowledge tests: a writable copy of the data directory."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.knowledge.sources import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of ``kg/knowledge/data`` that a test may corrupt."""
    dest = tmp_path / "data"
    shutil.copytree(DATA_DIR, dest)
    return dest


def rewrite_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` of the CSV row that starts on 1-based ``line`` (no multi-line cells)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture
def corrupt() -> Callable[[Path, int, str, str], None]:
    """``corrupt(path, line, column, value)``: overwrite one cell of a CSV file."""
    return rewrite_cell


def read_rows(path: Path) -> list[dict[str, str]]:
    """All rows of a CSV file as dicts."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
