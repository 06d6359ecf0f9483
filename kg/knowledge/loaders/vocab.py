"""Drugs (RxNorm ingredients, CPIC drugs, synonyms), ATC classes and NDF-RT classes."""

from __future__ import annotations

from typing import Any

from kg.knowledge.csvfile import Column, Problems, read_csv
from kg.knowledge.plan import Context, SourcePlan
from kg.knowledge.sources import SOURCE_INFO, provenance
from kg.knowledge.vocabulary import norm_name, slug

__all__ = ["NDFRT_KINDS", "plan_ndfrt_classes", "plan_vocab"]

NDFRT_KINDS = {
    "EPC": "ndfrt_epc",
    "MoA": "ndfrt_moa",
    "Chemical/Ingredient": "ndfrt_chemical",
    "PE": "ndfrt_pe",
}


def _drug_row(uid: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "props": props}


def plan_vocab(ctx: Context) -> SourcePlan:
    """Drug nodes with names, synonyms, ATC codes; ATC DrugClasses with their hierarchy."""
    voc = ctx.vocabulary
    problems = Problems("vocab")
    plan = SourcePlan("vocab", SOURCE_INFO["rxnorm"].version)
    drugs: list[dict[str, Any]] = []
    for e in voc.drugs.values():
        props: dict[str, Any] = {
            "rxcui": e.rxcui,
            "name": e.name,
            "synonyms": sorted(e.synonyms),
            "atc_codes": e.atc_codes,
            "pharmgkb_id": e.pharmgkb_id,
            "drugbank_id": e.drugbank_id,
            "unresolved": e.unresolved,
            **provenance(e.source, ctx.kb_version),
        }
        drugs.append(_drug_row(e.uid, props))
    # CPIC rows that are not RxNorm ingredients: ATC classes, a MeSH class, unresolved drugs.
    classes: list[dict[str, Any]] = []
    cpic = read_csv(
        ctx.path("vocab/cpic_drugs.csv"),
        [Column("drug_id"), Column("name"), Column("rxcui", required=False)],
        problems,
        display="vocab/cpic_drugs.csv",
    )
    problems.raise_if_any()
    class_codes: dict[str, str] = {}
    for r in cpic:
        if r["rxcui"]:
            continue
        system, _, code = r["drug_id"].partition(":")
        prov = provenance("cpic", ctx.kb_version, f"CPIC drug table, {r['drug_id']}")
        is_substance = (system == "ATC" and len(code) == 7) or (
            system == "MeSH" and code.startswith("C")
        )
        if is_substance:
            codes = [c for c in r.get("atc_codes").split(";") if c]
            drugs.append(
                _drug_row(
                    f"kgtwin:drug/{slug(r['name'])}",
                    {
                        "rxcui": None,
                        "name": norm_name(r["name"]),
                        "synonyms": [],
                        "atc_codes": codes,
                        "pharmgkb_id": r.get("pharmgkb_id") or None,
                        "drugbank_id": r.get("drugbank_id") or None,
                        "unresolved": True,
                        **prov,
                    },
                )
            )
        elif system in ("ATC", "MeSH"):
            kind = "atc" if system == "ATC" else "mesh"
            classes.append(
                {
                    "uid": r["drug_id"],
                    "props": {"name": r["name"], "kind": kind, "code": code, **prov},
                }
            )
            if system == "ATC":
                class_codes[code] = r["drug_id"]
        # Other systems (MedDRA 'radiotherapy') are not drugs: see reviewed_exceptions.csv.
    members: list[dict[str, Any]] = []
    for e in voc.drugs.values():
        for code in e.atc_codes:
            for cls_code, cls_uid in class_codes.items():
                if code.startswith(cls_code):
                    members.append(
                        {
                            "drug": e.uid,
                            "drug_name": e.name,
                            "drug_rxcui": e.rxcui,
                            "class": cls_uid,
                            "props": provenance("cpic", ctx.kb_version, f"WHO ATC {code}"),
                        }
                    )
    members = list({(m["drug"], m["class"]): m for m in members}.values())
    parents: list[dict[str, Any]] = []
    for code, uid in class_codes.items():
        anc = [c for c in class_codes if c != code and code.startswith(c)]
        if anc:
            parent = max(anc, key=len)
            parents.append(
                {
                    "child": uid,
                    "parent": class_codes[parent],
                    "props": {
                        "inferred": False,
                        **provenance(
                            "cpic", ctx.kb_version, f"WHO ATC hierarchy {code} < {parent}"
                        ),
                    },
                }
            )
    plan.add("merge_kb_drugs", drugs, "Drug")
    plan.add("merge_kb_drug_classes", classes, "DrugClass")
    plan.add("merge_kb_class_members", members, "MEMBER_OF")
    plan.add("merge_kb_subclasses", parents, "SUBCLASS_OF")
    return plan


def plan_ndfrt_classes(ctx: Context) -> SourcePlan:
    """NDF-RT pharmacologic classes (EPC, MoA, Chemical/Ingredient, PE) and memberships."""
    problems = Problems("ndfrt_classes")
    rows = read_csv(
        ctx.path("vocab/drug_classes_ndfrt.csv"),
        [
            Column("drug_name"),
            Column("drugbank_id", required=False),
            Column("rxcui", required=False, pattern=r"[0-9]+(;[0-9]+)*"),
            Column("ndfrt_class", pattern=r".+ \[[A-Za-z/]+\]"),
            Column("class_type", choices=tuple(NDFRT_KINDS)),
        ],
        problems,
        display="vocab/drug_classes_ndfrt.csv",
    )
    problems.raise_if_any()
    voc = ctx.vocabulary
    plan = SourcePlan("ndfrt_classes", SOURCE_INFO["ndfrt"].version)
    classes: dict[str, dict[str, Any]] = {}
    members: dict[tuple[str, str], dict[str, Any]] = {}
    unresolved: dict[str, dict[str, Any]] = {}
    for r in rows:
        uid = ndfrt_class_uid(r["ndfrt_class"])
        classes[uid] = {
            "uid": uid,
            "props": {
                "name": r["ndfrt_class"],
                "kind": NDFRT_KINDS[r["class_type"]],
                **provenance("ndfrt", ctx.kb_version),
            },
        }
        drug_uid, ok = voc.resolve(r["drug_name"], r["rxcui"])
        if not ok:
            unresolved[drug_uid] = unresolved_drug(
                drug_uid, r["drug_name"], "ndfrt", ctx.kb_version
            )
        members[(drug_uid, uid)] = {
            "drug": drug_uid,
            "drug_name": norm_name(r["drug_name"]),
            "drug_rxcui": drug_uid.removeprefix("RxNorm:") if ok else None,
            "class": uid,
            "props": provenance("ndfrt", ctx.kb_version),
        }
    plan.add("merge_kb_drugs", list(unresolved.values()), "Drug")
    plan.add("merge_kb_drug_classes", list(classes.values()), "DrugClass")
    plan.add("merge_kb_class_members", list(members.values()), "MEMBER_OF")
    return plan


def ndfrt_class_uid(label: str) -> str:
    """``Azoles [Chemical/Ingredient]`` -> ``NDFRT:azoles-chemical-ingredient``."""
    return f"NDFRT:{slug(label)}"


def unresolved_drug(uid: str, name: str, source: str, kb: str) -> dict[str, Any]:
    """A Drug row for a name that did not resolve to RxNorm (kept, flagged, never dropped)."""
    return _drug_row(
        uid,
        {
            "rxcui": None,
            "name": norm_name(name),
            "unresolved": True,
            **provenance(source, kb, "name as given by the source; no RxNorm match"),
        },
    )
