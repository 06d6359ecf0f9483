"""Drug names to RxNorm CURIEs: ingredient names, CPIC drug names, synonyms, curated names.

Resolution order for a name from a source file: the RXCUI the file gives (when it is one
code), else the case-insensitive name (``_`` read as a space), else a synonym from
``drug_synonyms.csv`` (INN/USAN pairs such as rifampicin/rifampin, and the known source
typos), else a name the curated files tie to an RXCUI. A name that still does not resolve
becomes a ``kgtwin:drug/<slug>`` Drug with ``unresolved: true`` (never dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.knowledge.csvfile import Column, Problems, read_csv

__all__ = ["DrugEntry", "DrugVocabulary", "build_vocabulary", "norm_name", "slug"]

_RXCUI = r"[0-9]+"


def norm_name(name: str) -> str:
    """Lower case, ``_`` as space, single spaces: ``Calcium_Acetate`` -> ``calcium acetate``."""
    return " ".join(name.replace("_", " ").lower().split())


def slug(name: str) -> str:
    """A uid-safe slug: ``St John's wort`` -> ``st-john-s-wort``."""
    return re.sub(r"[^a-z0-9]+", "-", norm_name(name)).strip("-") or "unnamed"


@dataclass
class DrugEntry:
    """One ingredient as the vocabulary knows it (built up from several files)."""

    uid: str
    rxcui: str | None
    name: str
    source: str
    synonyms: set[str] = field(default_factory=set)
    atc_codes: list[str] = field(default_factory=list)
    pharmgkb_id: str | None = None
    drugbank_id: str | None = None
    unresolved: bool = False


class DrugVocabulary:
    """Every known drug by uid and by normalised name or synonym."""

    def __init__(self) -> None:
        self.drugs: dict[str, DrugEntry] = {}
        self.by_name: dict[str, str] = {}

    def add(self, entry: DrugEntry) -> DrugEntry:
        """Add ``entry`` unless its uid is known; index its name. Returns the stored entry."""
        stored = self.drugs.setdefault(entry.uid, entry)
        self.by_name.setdefault(stored.name, stored.uid)
        return stored

    def add_synonym(self, uid: str, synonym: str) -> None:
        """Index ``synonym`` for ``uid`` (first writer wins for a name)."""
        s = norm_name(synonym)
        entry = self.drugs[uid]
        if s and s != entry.name:
            entry.synonyms.add(s)
        self.by_name.setdefault(s, uid)

    def lookup(self, name: str) -> str | None:
        """The uid for a name or synonym, or None."""
        return self.by_name.get(norm_name(name))

    def resolve(self, name: str, rxcui: str = "") -> tuple[str, bool]:
        """uid for a drug named in a source file, and whether it resolved to RxNorm.

        ``rxcui`` is the file's own RXCUI cell (used when it holds exactly one code).
        """
        code = rxcui.strip()
        if code and ";" not in code:
            return f"RxNorm:{code}", True
        uid = self.lookup(name)
        if uid is not None:
            return uid, uid.startswith("RxNorm:")
        return f"kgtwin:drug/{slug(name)}", False


def build_vocabulary(data_dir: Path, problems: Problems) -> DrugVocabulary:
    """Read the vocabulary files of ``data_dir`` (problems go to ``problems``)."""
    voc = DrugVocabulary()
    ing = read_csv(
        data_dir / "vocab/rxnorm_ingredients_ndfrt.csv",
        [
            Column("rxcui", pattern=_RXCUI),
            Column("ingredient_name"),
            Column("ndfrt_nui", required=False),
        ],
        problems,
        display="vocab/rxnorm_ingredients_ndfrt.csv",
    )
    for r in ing:
        voc.add(
            DrugEntry(f"RxNorm:{r['rxcui']}", r["rxcui"], norm_name(r["ingredient_name"]), "rxnorm")
        )
    cpic = read_csv(
        data_dir / "vocab/cpic_drugs.csv",
        [
            Column("drug_id", pattern=r"[A-Za-z]+:[A-Za-z0-9.]+"),
            Column("name"),
            Column("pharmgkb_id", required=False),
            Column("rxcui", required=False, pattern=_RXCUI),
            Column("drugbank_id", required=False),
            Column("atc_codes", required=False),
        ],
        problems,
        display="vocab/cpic_drugs.csv",
    )
    for r in cpic:
        if not r["rxcui"]:
            continue  # classes and non-RxNorm rows are handled by the vocab loader
        e = voc.add(DrugEntry(f"RxNorm:{r['rxcui']}", r["rxcui"], norm_name(r["name"]), "cpic"))
        voc.add_synonym(e.uid, r["name"])
        e.pharmgkb_id = r["pharmgkb_id"] or e.pharmgkb_id
        e.drugbank_id = r["drugbank_id"] or e.drugbank_id
        e.atc_codes = [c for c in r["atc_codes"].split(";") if c] or e.atc_codes
    _add_curated_names(voc, data_dir / "curated")
    syn = read_csv(
        data_dir / "drug_synonyms.csv",
        [Column("preferred_name"), Column("synonym"), Column("kind"), Column("citation")],
        problems,
        display="drug_synonyms.csv",
    )
    for r in syn:
        uid = voc.lookup(r["preferred_name"])
        if uid is None:
            problems.add(
                r.where("preferred_name"),
                f"{r['preferred_name']!r} is not a known ingredient name",
            )
            continue
        voc.add_synonym(uid, r["synonym"])
    return voc


def _add_curated_names(voc: DrugVocabulary, curated: Path) -> None:
    # Curated files tie names to RXCUIs beyond the 2014 snapshot (e.g. apixaban). They are
    # validated by their own loaders; here only well-formed (name, rxcui) pairs are used.
    import csv

    for fname in ("drug_group_members.csv", "enzyme_roles.csv", "renal_dosing.csv"):
        path = curated / fname
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                name = norm_name(row.get("drug_name") or "")
                code = (row.get("rxcui") or "").strip()
                if not name or not re.fullmatch(_RXCUI, code):
                    continue
                uid = f"RxNorm:{code}"
                if uid not in voc.drugs:
                    voc.add(DrugEntry(uid, code, name, "kgtwin_curated"))
                voc.add_synonym(uid, name)
