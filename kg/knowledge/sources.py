"""Where each piece of knowledge comes from: Source nodes, versions, licences, data files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DATA_DIR",
    "KB_RELEASE",
    "SOURCE_INFO",
    "SourceInfo",
    "kb_version",
    "provenance",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
KB_RELEASE = "2026.11"


@dataclass(frozen=True)
class SourceInfo:
    """One origin of knowledge, stored as a ``Source`` node (``uid`` ``source:<key>``)."""

    key: str
    name: str
    version: str
    licence: str
    url: str
    citation: str

    @property
    def uid(self) -> str:
        """The Source node uid, e.g. ``source:cpic``."""
        return f"source:{self.key}"

    def node(self) -> dict[str, Any]:
        """Properties of the Source node."""
        return {
            "uid": self.uid,
            "key": self.key,
            "name": self.name,
            "version": self.version,
            "licence": self.licence,
            "url": self.url,
            "citation": self.citation,
        }


_PHANSALKAR_2012 = (
    "Phansalkar S et al. High-priority drug-drug interactions for use in electronic health "
    "records. J Am Med Inform Assoc 2012;19:735-43, PMID 22539083"
)
_AYVAZ = (
    "Ayvaz S et al. Toward a complete dataset of drug-drug interaction information from "
    "publicly available sources. J Biomed Inform 2015;55:206-217"
)

SOURCE_INFO: dict[str, SourceInfo] = {
    s.key: s
    for s in (
        SourceInfo(
            "rxnorm",
            "RxNorm ingredients (NDF-RT to RxNorm mapping, NLM/VA)",
            "2014 (public-PDDI-analysis 8199ee66)",
            "Public domain (US Government: NLM, VA)",
            "https://github.com/dbmi-pitt/public-PDDI-analysis",
            "NLM RxNorm; VA NDF-RT to RxNorm mapping, via " + _AYVAZ,
        ),
        SourceInfo(
            "cpic",
            "CPIC pharmacogenomic tables (genes, alleles, diplotypes, drugs)",
            "PharmCAT v2.12.0 data 2024-03-25-16-13; cpic-data 459e3ebd",
            "CC0-1.0",
            "https://cpicpgx.org",
            "Clinical Pharmacogenetics Implementation Consortium (CPIC), https://cpicpgx.org; "
            "packaged by PharmCAT v2.12.0 (PharmGKB)",
        ),
        SourceInfo(
            "pharmgkb",
            "CPIC guideline annotations and recommendations (PharmGKB/ClinPGx packaging)",
            "2024-03-25-16-13 (PharmCAT v2.12.0)",
            "CC BY-SA 4.0 (PharmGKB annotation); CPIC content CC0-1.0",
            "https://www.pharmgkb.org",
            "CPIC guidelines as annotated by PharmGKB (Whirl-Carrillo M et al., "
            "Clin Pharmacol Ther 2021;110:563-572)",
        ),
        SourceInfo(
            "ndfrt",
            "NDF-RT pharmacologic classes (EPC, MoA, Chemical/Ingredient, PE)",
            "NDF-RT 2014-07 (Merged-PDDI 1c97575e)",
            "Public domain (US Government: VA)",
            "https://github.com/dbmi-pitt/Merged-PDDI",
            "VA National Drug File - Reference Terminology, via " + _AYVAZ,
        ),
        SourceInfo(
            "onc_high_priority",
            "ONC high-priority (interruptive) drug-drug interactions",
            "Phansalkar 2012 (Merged-PDDI 1c97575e)",
            "Public-domain facts (ONC list); dataset by Ayvaz et al. 2015",
            "https://github.com/dbmi-pitt/Merged-PDDI",
            _PHANSALKAR_2012 + "; " + _AYVAZ,
        ),
        SourceInfo(
            "onc_noninterruptive",
            "ONC drug-drug interactions that should be non-interruptive",
            "Phansalkar 2013 (Merged-PDDI 1c97575e)",
            "Public-domain facts (ONC list); dataset by Ayvaz et al. 2015",
            "https://github.com/dbmi-pitt/Merged-PDDI",
            "Phansalkar S et al. Drug-drug interactions that should be non-interruptive in "
            "order to reduce alert fatigue in electronic health records. "
            "J Am Med Inform Assoc 2013;20:489-93; " + _AYVAZ,
        ),
        SourceInfo(
            "ndfrt_va",
            "VA NDF-RT drug interactions (Critical, Significant)",
            "NDF-RT 2014-07 (Merged-PDDI 1c97575e)",
            "Public domain (US Government: VA)",
            "https://github.com/dbmi-pitt/Merged-PDDI",
            "VA National Drug File - Reference Terminology drug interactions, via " + _AYVAZ,
        ),
        SourceInfo(
            "kgtwin_curated",
            "kgtwin curated clinical knowledge (FDA labels, FDA DDI table, guidelines)",
            KB_RELEASE,
            "CC0-1.0",
            "https://github.com/kgtwin/kgtwin/tree/main/kg/knowledge/data/curated",
            "kgtwin curated data; one citation per row (see kg/knowledge/data/curated/SOURCES.md)",
        ),
    )
}


def provenance(
    key: str, kb: str, citation: str | None = None, url: str | None = None
) -> dict[str, Any]:
    """Provenance properties for a node or edge of source ``key`` (see docs/graph-model.md)."""
    s = SOURCE_INFO[key]
    out: dict[str, Any] = {
        "source": s.uid,
        "source_version": s.version,
        "licence": s.licence,
        "citation": citation or s.citation,
        "kb_version": kb,
    }
    if url:
        out["citation_url"] = url
    return out


def kb_version(data_dir: Path = DATA_DIR) -> str:
    """The version of the knowledge base: the release plus a digest of every data file.

    Example: ``2026.11+3f9c2a1b``. It changes whenever any data file changes.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if path.suffix not in (".csv", ".json"):
            continue
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{KB_RELEASE}+{digest.hexdigest()[:8]}"
