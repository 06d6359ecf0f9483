"""Cross-check kgtwin's diplotype -> phenotype table against PyPGx (an independent implementation).

Runs only with the ``crosscheck`` extra (``pip install -e .[crosscheck]``); otherwise it is
skipped with a visible reason. Every disagreement is reported with its reason.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections import Counter, defaultdict
from typing import Any

import pytest

from kg.store import GraphStore

GENES = ["CYP2C19", "CYP2C9", "TPMT", "NUDT15", "DPYD", "CYP2D6"]
# Minimum share of diplotypes both know on which the two must agree, per gene.
MIN_AGREEMENT = 0.85

pytestmark = [pytest.mark.crosscheck, pytest.mark.slow]


@pytest.fixture(scope="module")
def pypgx() -> Any:
    """PyPGx with its table loaders memoised (each call re-reads CSV tables otherwise)."""
    pgx = pytest.importorskip("pypgx", reason="pypgx not installed: pip install -e .[crosscheck]")
    import pypgx.api.core as core
    import pypgx.api.utils as utils

    for mod in (core, utils):
        for name in dir(mod):
            fn = getattr(mod, name)
            if name.startswith("load_") and callable(fn) and not hasattr(fn, "cache_info"):
                setattr(mod, name, functools.cache(fn))
    if not hasattr(core.predict_score, "cache_info"):
        core.predict_score = functools.cache(core.predict_score)
        pgx.predict_score = core.predict_score
    return pgx


def _reason(gene: str, diplotype: str, ours: str, theirs: str) -> str:
    if theirs == "Indeterminate":
        return "PyPGx has no function/activity value for an allele that CPIC 2024 assigns one"
    if ours == "Indeterminate":
        return "CPIC (PharmCAT 2.12) leaves it indeterminate; PyPGx assigns a function"
    if "x" in diplotype:
        return "copy-number (xN) allele: duplication activity differs between CPIC 2024 and PyPGx"
    return f"different {gene} allele function or activity-score cut-offs (table versions differ)"


class _Predictor:
    """pypgx.predict_phenotype, called once per distinct activity score for score genes.

    For genes whose PyPGx phenotype method is ``Score`` the result depends only on the sum
    of ``pypgx.predict_score`` of the two alleles (see pypgx.api.core.predict_phenotype),
    so one representative call per (gene, score) gives PyPGx's answer for every diplotype
    with that score, and the comparison over 22k diplotypes takes seconds, not minutes.
    """

    def __init__(self, pgx: Any) -> None:
        import pypgx.api.core as core

        self.pgx = pgx
        table = core.load_gene_table()
        self.method = dict(zip(table.Gene, table.PhenotypeMethod, strict=True))
        self.by_score: dict[tuple[str, str], str] = {}

    def __call__(self, gene: str, a: str, b: str) -> str:
        if self.method.get(gene) != "Score":
            return str(self.pgx.predict_phenotype(gene, a, b))
        score = float(self.pgx.predict_score(gene, a)) + float(self.pgx.predict_score(gene, b))
        key = (gene, "nan" if math.isnan(score) else f"{score:.4f}")
        if key not in self.by_score:
            self.by_score[key] = str(self.pgx.predict_phenotype(gene, a, b))
        return self.by_score[key]


def test_diplotype_phenotypes_agree_with_pypgx(kb_template: GraphStore, pypgx: Any) -> None:
    rows = kb_template.read("list_kb_diplotypes", {"genes": GENES})
    assert {r["gene"] for r in rows} == set(GENES)
    predict = _Predictor(pypgx)
    seen: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    disagreements: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        alleles = r["name"].split("/")  # no allele of these six genes contains "/"
        if len(alleles) != 2:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                theirs = predict(r["gene"], alleles[0], alleles[1])
            except Exception:  # PyPGx raises its own errors for alleles it does not know
                unknown[r["gene"]] += 1
                continue
        if caught:  # "allele not found in the allele table": PyPGx does not know it
            unknown[r["gene"]] += 1
            continue
        seen[r["gene"]] += 1
        if theirs == r["phenotype"]:
            agree[r["gene"]] += 1
        else:
            why = _reason(r["gene"], r["name"], r["phenotype"], theirs)
            key = (r["gene"], r["phenotype"], theirs, why)
            disagreements[key].append(r["name"])
    lines = [
        f"{g}: compared {seen[g]}, agree {agree[g]}, unknown to PyPGx {unknown[g]}" for g in GENES
    ]
    for (gene, ours, theirs, why), names in sorted(
        disagreements.items(), key=lambda kv: -len(kv[1])
    ):
        lines.append(
            f"  {gene} kgtwin={ours!r} pypgx={theirs!r} x{len(names)} e.g. {names[:3]}: {why}"
        )
    print("\n".join(lines))  # shown with -s or on failure: the report of disagreements
    for g in GENES:
        assert seen[g] > 0, f"no {g} diplotype known to both"
        assert agree[g] / seen[g] >= MIN_AGREEMENT, "\n".join(lines)
