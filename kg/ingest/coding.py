"""Coding normalisation: FHIR codings to the knowledge base's Drug, DrugClass and concept nodes.

Medications arrive as RxNorm clinical or branded drugs (Synthea: 314076 "lisinopril 10 MG Oral
Tablet"); the knowledge base speaks RxNorm ingredients (``RxNorm:29046``). A product resolves
through the curated table ``data/rxnorm_products.csv``, else through the ingredient names found
in its display text. Conditions resolve to the ClinicalConcepts whose value sets hold their
code; allergens to a DrugClass (``ALLERGEN_CODE``) or a Drug. What does not resolve stays on
the twin with ``mapped = false``.
"""

from __future__ import annotations

import csv
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kg.store import GraphStore

__all__ = [
    "SYSTEMS",
    "CodeResolver",
    "MedicationMapping",
    "Product",
    "code_uid",
    "load_products",
    "resolver_for",
]

DATA = Path(__file__).resolve().parent / "data"

# FHIR code-system URI -> the CURIE prefix of Code and Drug uids.
SYSTEMS: dict[str, str] = {
    "http://snomed.info/sct": "SNOMED",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD10",
    "http://hl7.org/fhir/sid/icd-10": "ICD10",
    "http://loinc.org": "LOINC",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
}
_WORD = re.compile(r"[a-z0-9]+")
_MAX_NGRAM = 4


@dataclass(frozen=True)
class Product:
    """One RxNorm product code and its ingredients (parallel tuples)."""

    rxcui: str
    name: str
    ingredient_rxcuis: tuple[str, ...]
    ingredient_names: tuple[str, ...]


@dataclass(frozen=True)
class MedicationMapping:
    """How a medication code resolved: the Drug uids found and the ingredients that were not."""

    drug_uids: tuple[str, ...]
    unresolved: tuple[str, ...]

    @property
    def mapped(self) -> bool:
        """True when every ingredient resolved to a knowledge-base Drug."""
        return bool(self.drug_uids) and not self.unresolved


def code_uid(system: str | None, code: str) -> str:
    """``SNOMED:38341003`` for a known system; ``<system>|<code>`` otherwise."""
    prefix = SYSTEMS.get(system or "")
    return f"{prefix}:{code}" if prefix else f"{system or 'unknown'}|{code}"


@cache
def load_products() -> dict[str, Product]:
    """The curated product table, by product RXCUI."""
    out: dict[str, Product] = {}
    with (DATA / "rxnorm_products.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            out[row["rxcui"]] = Product(
                rxcui=row["rxcui"],
                name=row["name"],
                ingredient_rxcuis=tuple(row["ingredient_rxcuis"].split(";")),
                ingredient_names=tuple(row["ingredient_names"].split(";")),
            )
    return out


def _ngrams(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    grams = []
    for n in range(_MAX_NGRAM, 0, -1):
        for i in range(len(words) - n + 1):
            grams.append(" ".join(words[i : i + n]))
    return grams


def _names_in(text: str, index: dict[str, str]) -> list[str]:
    """Values of ``index`` whose key occurs in ``text`` as whole words, longest matches first."""
    found: list[str] = []
    taken: list[str] = []
    for gram in _ngrams(text):
        if gram in index and not any(gram in longer for longer in taken):
            taken.append(gram)
            if index[gram] not in found:
                found.append(index[gram])
    return found


def _norm(name: str) -> str:
    return " ".join(_WORD.findall(name.lower()))


class CodeResolver:
    """The knowledge base's drugs, classes, value sets and allergen codes, read once."""

    def __init__(
        self,
        *,
        drugs: Iterable[tuple[str, str | None, str | None, list[str] | None]] = (),
        classes: Iterable[tuple[str, str | None]] = (),
        concepts: Iterable[tuple[str, str]] = (),
        allergen_codes: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.drug_uids: set[str] = set()
        self.drug_names: dict[str, str] = {}  # uid -> name
        self.drug_by_rxcui: dict[str, str] = {}
        self.drug_by_name: dict[str, str] = {}
        for uid, rxcui, name, synonyms in drugs:
            self.drug_uids.add(uid)
            if name:
                self.drug_names[uid] = name
            if rxcui:
                self.drug_by_rxcui[str(rxcui)] = uid
            for n in [name, *(synonyms or [])]:
                if n:
                    self.drug_by_name.setdefault(_norm(n), uid)
        self.class_by_name: dict[str, str] = {}
        for uid, name in classes:
            if name:
                key = _norm(name)
                self.class_by_name.setdefault(key, uid)
                self.class_by_name.setdefault(key.removesuffix("s"), uid)
        self.concepts_by_code: dict[str, tuple[str, ...]] = {}
        for code, concept in concepts:
            have = self.concepts_by_code.get(code, ())
            if concept not in have:
                self.concepts_by_code[code] = (*have, concept)
        self.diplotypes: dict[str, dict[str, Any] | None] = {}  # filled by genotype lookups
        self.classes_by_code: dict[str, tuple[str, ...]] = {}
        for code, cls in allergen_codes:
            have = self.classes_by_code.get(code, ())
            if cls not in have:
                self.classes_by_code[code] = (*have, cls)

    @classmethod
    def load(cls, store: GraphStore) -> CodeResolver:
        """Read everything code resolution needs from ``store`` (four queries)."""
        concepts: list[tuple[str, str]] = []
        for row in store.read("list_concept_codes_for_coding"):
            for code in row["snomed_codes"] or []:
                concepts.append((f"SNOMED:{code}", row["concept"]))
            for code in row["icd10_codes"] or []:
                concepts.append((f"ICD10:{code}", row["concept"]))
            for uid in row["code_uids"] or []:
                concepts.append((uid, row["concept"]))
        return cls(
            drugs=[
                (r["uid"], r["rxcui"], r["name"], r["synonyms"])
                for r in store.read("list_drugs_for_coding")
            ],
            classes=[(r["uid"], r["name"]) for r in store.read("list_drug_classes_for_coding")],
            concepts=concepts,
            allergen_codes=[
                (r["code_uid"], r["class_uid"])
                for r in store.read("list_allergen_codes_for_coding")
            ],
        )

    # -- medications --------------------------------------------------------------------
    def drug_for_ingredient(self, rxcui: str, name: str | None = None) -> str | None:
        """The Drug uid of an RxNorm ingredient, by code and then by name."""
        uid = self.drug_by_rxcui.get(rxcui)
        if uid is None and f"RxNorm:{rxcui}" in self.drug_uids:
            uid = f"RxNorm:{rxcui}"
        if uid is None and name:
            uid = self.drug_by_name.get(_norm(name))
        return uid

    def resolve_medication(self, code: str | None, display: str | None) -> MedicationMapping:
        """Resolve an RxNorm product or ingredient code (and its display text) to Drug uids.

        Example: 857005 "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet"
        resolves to the acetaminophen and hydrocodone Drug nodes.
        """
        product = load_products().get(code or "")
        if product is not None:
            found, missing = [], []
            for rxcui, name in zip(
                product.ingredient_rxcuis, product.ingredient_names, strict=True
            ):
                uid = self.drug_for_ingredient(rxcui, name)
                if uid is None:
                    missing.append(name)
                elif uid not in found:
                    found.append(uid)
            return MedicationMapping(tuple(found), tuple(missing))
        if code:
            uid = self.drug_for_ingredient(code)
            if uid is not None:
                return MedicationMapping((uid,), ())
        names = _names_in(display or "", self.drug_by_name)
        if names:
            return MedicationMapping(tuple(names), ())
        return MedicationMapping((), (display or code or "?",))

    # -- conditions and allergies -------------------------------------------------------
    def concepts_for(self, code_uid_: str) -> tuple[str, ...]:
        """The ClinicalConcept uids whose value set holds this condition code."""
        return self.concepts_by_code.get(code_uid_, ())

    def resolve_allergen(self, code_uid_: str, display: str | None) -> tuple[str, ...]:
        """Drug or DrugClass uids an allergy code refers to (code first, then display text)."""
        if code_uid_ in self.classes_by_code:
            return self.classes_by_code[code_uid_]
        if code_uid_.startswith("RxNorm:"):
            mapping = self.resolve_medication(code_uid_.split(":", 1)[1], display)
            if mapping.drug_uids:
                return mapping.drug_uids
        drugs = _names_in(display or "", self.drug_by_name)
        if drugs:
            return tuple(drugs)
        return tuple(_names_in(display or "", self.class_by_name))


_CACHE: weakref.WeakKeyDictionary[GraphStore, tuple[tuple[object, ...], CodeResolver]] = (
    weakref.WeakKeyDictionary()
)


def resolver_for(store: GraphStore) -> CodeResolver:
    """A resolver for ``store``, re-read when the knowledge base's version or size changes."""
    state = store.read("get_coding_state")[0]
    key = (state["version"], state["drugs"])
    hit = _CACHE.get(store)
    if hit is not None and hit[0] == key:
        return hit[1]
    resolver = CodeResolver.load(store)
    _CACHE[store] = (key, resolver)
    return resolver
