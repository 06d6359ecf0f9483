"""The query registry refuses each kind of malformed query file with its own clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import RegistryError, UnknownQuery
from kg.store import QueryRegistry
from kg.store.registry import PARAM_TYPES, parse_query

GOOD = """\
// name: get_thing
// purpose: One thing by uid.
// mode: read
// param uid: string
// param limit: int - how many at most
// returns: uid: string
MATCH (n:Thing {uid: $uid})
RETURN n.uid AS uid
LIMIT $limit
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_parses(tmp_path: Path) -> None:
    path = _write(tmp_path, "things/get_thing.cypher", GOOD)
    q = parse_query(path)
    assert (q.name, q.mode, q.purpose) == ("get_thing", "read", "One thing by uid.")
    assert dict(q.params) == {"uid": "string", "limit": "int"}
    assert q.returns == "uid: string"
    assert q.text.startswith("MATCH (n:Thing") and q.body_line == 7
    assert q.area == "things"
    assert q.file_line(3) == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("// name: get_thing\n", ""), r"header is missing name$"),
        (GOOD.replace("// purpose: One thing by uid.\n", ""), r"header is missing purpose$"),
        (GOOD.replace("// mode: read\n", ""), r"header is missing mode$"),
        (GOOD.replace("// returns: uid: string\n", ""), r"header is missing returns$"),
        (GOOD.replace("// mode: read", "// mode: readonly"), r"mode 'readonly' is not valid"),
        (GOOD.replace("uid: string\n// param limit", "uid: str\n// param limit"),
         r":4: param 'uid' has unknown type 'str' \(choices: .*string"),
        (GOOD.replace("// param uid: string", "// param uid"), r":4: bad param declaration"),
        (GOOD.replace("// param uid: string", "// param uid: string\n// param uid: string"),
         r"param 'uid' declared twice"),
        (GOOD.replace("// param limit: int - how many at most\n", ""),
         r"parameter\(s\) \$limit used but not declared in the header"),
        (GOOD.replace("// returns", "// param spare: bool\n// returns"),
         r"declared parameter\(s\) spare are never used"),
        (GOOD.replace("name: get_thing", "name: get_other"),
         r"header name 'get_other' differs from the file name"),
        (GOOD + ";\nMATCH (m) RETURN m", r"holds more than one statement"),
        ("\n".join(GOOD.splitlines()[:6]) + "\n\n", r"no statement after the header"),
    ],
    ids=[
        "missing-name", "missing-purpose", "missing-mode", "missing-returns", "bad-mode",
        "bad-param-type", "bad-param-line", "param-twice", "undeclared-param", "unused-param",
        "name-not-stem", "two-statements", "empty-body",
    ],
)  # fmt: skip
def test_each_malformed_header_has_its_own_error(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, "things/get_thing.cypher", text)
    with pytest.raises(RegistryError, match=message) as err:
        QueryRegistry.load(tmp_path)
    assert str(err.value).startswith(str(path)), "the error names the file"


def test_params_in_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    text = GOOD.replace(
        "LIMIT $limit", "// $ghost in a comment\nLIMIT $limit + size('$notparam; x') - 12"
    )
    q = parse_query(_write(tmp_path, "things/get_thing.cypher", text))
    assert set(q.params) == {"uid", "limit"}


def test_trailing_semicolon_is_one_statement(tmp_path: Path) -> None:
    q = parse_query(_write(tmp_path, "things/get_thing.cypher", GOOD.rstrip() + ";\n"))
    assert not q.text.endswith(";")


def test_duplicate_names_across_files(tmp_path: Path) -> None:
    first = _write(tmp_path, "a/get_thing.cypher", GOOD)
    second = _write(tmp_path, "b/get_thing.cypher", GOOD)
    with pytest.raises(RegistryError, match="duplicate query name 'get_thing'") as err:
        QueryRegistry.load(tmp_path)
    assert str(second) in str(err.value) and str(first) in str(err.value)


def test_every_param_type_is_accepted(tmp_path: Path) -> None:
    decls = "".join(f"// param p{i}: {t}\n" for i, t in enumerate(PARAM_TYPES))
    uses = ", ".join(f"$p{i} AS p{i}" for i in range(len(PARAM_TYPES)))
    text = f"// name: echo_all\n// purpose: x\n// mode: read\n{decls}// returns: x\nRETURN {uses}\n"
    q = parse_query(_write(tmp_path, "t/echo_all.cypher", text))
    assert list(q.params.values()) == list(PARAM_TYPES)


def test_unknown_query_suggests_close_names(tmp_path: Path) -> None:
    _write(tmp_path, "things/get_thing.cypher", GOOD)
    reg = QueryRegistry.load(tmp_path)
    assert "get_thing" in reg and len(reg) == 1 and reg.names() == ["get_thing"]
    with pytest.raises(UnknownQuery, match=r"Unknown query 'get_thin' \(did you mean: get_thing\)"):
        reg.get("get_thin")


def test_the_project_registry_loads() -> None:
    reg = QueryRegistry.load()
    assert "schema" in reg and "echo_value" in reg
    assert all(q.path.stem == q.name for q in reg)
