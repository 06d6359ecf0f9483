"""Validation of knowledge files: problems name file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ValidationError
from kg.knowledge.csvfile import Column, Problems, read_csv, read_json

COLUMNS = [
    Column("id", pattern=r"[A-Z]+-[0-9]+"),
    Column("n", kind="int"),
    Column("sev", choices=("a", "b")),
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_rows_come_back_with_their_lines(tmp_path: Path) -> None:
    p = Problems("t")
    rows = read_csv(_write(tmp_path, 'id,n,sev\nX-1,3,a\n"X-2",4,"b"\n'), COLUMNS, p)
    p.raise_if_any()
    assert [(r.line, r["id"], r["n"]) for r in rows] == [(2, "X-1", "3"), (3, "X-2", "4")]


def test_each_bad_cell_is_reported_with_line_and_column(tmp_path: Path) -> None:
    p = Problems("t")
    read_csv(_write(tmp_path, "id,n,sev\nX-1,3,a\nbad,x,c\n"), COLUMNS, p)
    with pytest.raises(ValidationError) as info:
        p.raise_if_any()
    text = str(info.value)
    assert "t.csv: line 3, column 'id'" in text
    assert "t.csv: line 3, column 'n': 'x' is not an integer" in text
    assert "t.csv: line 3, column 'sev': 'c' is not valid (choices: a, b)" in text


def test_missing_column_and_wrong_field_count(tmp_path: Path) -> None:
    p = Problems("t")
    read_csv(_write(tmp_path, "id,sev\nX-1,a\n"), COLUMNS, p)
    assert "header lacks column(s) 'n'" in p.items[0]
    p = Problems("t")
    read_csv(_write(tmp_path, "id,n,sev\nX-1,3\n"), COLUMNS, p)
    assert p.items == ["t.csv: line 2: has 2 fields, the header has 3"]


def test_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    p = Problems("t")
    read_csv(_write(tmp_path, 'id,n,sev\n"X-\n1",3,a\nX-2,y,a\n'), [Column("n", kind="int")], p)
    assert p.items == ["t.csv: line 4, column 'n': 'y' is not an integer"]


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{\n  "rules": [1,,]\n}', encoding="utf-8")
    p = Problems("t")
    assert read_json(path, p) is None
    assert p.items[0].startswith("r.json: line 2, column")
