"""CPIC pharmacogenomics: genes, alleles, phenotypes, diplotypes, guidelines, recommendations."""

from __future__ import annotations

import json
from typing import Any

from kg.knowledge.csvfile import Column, Problems, read_csv, read_json
from kg.knowledge.loaders.vocab import unresolved_drug
from kg.knowledge.plan import Context, SourcePlan
from kg.knowledge.sources import SOURCE_INFO, provenance
from kg.knowledge.vocabulary import norm_name

__all__ = ["EXTRA_GENES", "POPULATION_TESTS", "plan_cpic"]

# How a curated population label is tested against a twin (curated/pgx_populations.csv).
POPULATION_TESTS = ("age_lt", "age_gte", "on_drug_days_lt", "on_drug_days_gte", "concept_any")

# Enzymes and transporters the curated roles need that the 2019 CPIC gene table lacks.
# (HGNC id, symbol, name, chromosome) from the HGNC database.
EXTRA_GENES: tuple[tuple[str, str, str, str], ...] = (
    ("HGNC:2595", "CYP1A2", "cytochrome P450 family 1 subfamily A member 2", "chr15"),
    ("HGNC:2637", "CYP3A4", "cytochrome P450 family 3 subfamily A member 4", "chr7"),
    ("HGNC:2625", "CYP2D6", "cytochrome P450 family 2 subfamily D member 6", "chr22"),
    ("HGNC:2621", "CYP2C19", "cytochrome P450 family 2 subfamily C member 19", "chr10"),
    ("HGNC:2623", "CYP2C9", "cytochrome P450 family 2 subfamily C member 9", "chr10"),
    ("HGNC:40", "ABCB1", "ATP binding cassette subfamily B member 1 (P-glycoprotein)", "chr7"),
    (
        "HGNC:10959",
        "SLCO1B1",
        "solute carrier organic anion transporter family member 1B1 (OATP1B1)",
        "chr12",
    ),
)
_GENE_NAMES = {sym: name for _, sym, name, _ in EXTRA_GENES}
_DATA_VERSION = r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}|v[0-9.]+"


def _none(value: str, *empty: str) -> str | None:
    return None if value in ("", *empty) else value


def plan_cpic(ctx: Context) -> SourcePlan:
    """Validate the CPIC files and build the PGx part of the graph."""
    p = Problems("cpic")
    genes = read_csv(
        ctx.path("cpic/genes.csv"),
        [
            Column("symbol"),
            Column("chr", required=False),
            Column("hgnc_id", pattern=r"HGNC:[0-9]+"),
            Column("ncbi_gene_id", required=False, kind="int"),
            Column("pharmgkb_id", required=False),
        ],
        p,
        display="cpic/genes.csv",
    )
    alleles = read_csv(
        ctx.path("cpic/allele_function.csv"),
        [
            Column("gene"),
            Column("allele"),
            Column("function", required=False),
            Column("activity_value", required=False),
            Column("lookup_key", required=False),
            Column("data_version", pattern=_DATA_VERSION),
        ],
        p,
        display="cpic/allele_function.csv",
    )
    diplos = read_csv(
        ctx.path("cpic/diplotype_phenotype.csv"),
        [
            Column("gene"),
            Column("diplotype"),
            Column("allele1"),
            Column("allele2", required=False),
            Column("phenotype"),
            Column("activity_score", required=False),
            Column("lookup_key"),
            Column("data_version", pattern=_DATA_VERSION),
            Column("pharmcat_release", pattern=r"v[0-9.]+"),
        ],
        p,
        display="cpic/diplotype_phenotype.csv",
    )
    # Single-variant genotypes CPIC tables lack (VKORC1, CYP4F2: warfarin), curated and cited.
    variant_diplos = read_csv(
        ctx.path("curated/variant_genotypes.csv"),
        [
            Column("gene"),
            Column("diplotype"),
            Column("allele1"),
            Column("allele2"),
            Column("phenotype"),
            Column("lookup_key"),
            Column("synonyms"),
            Column("citation"),
            Column("citation_url", pattern=r"https?://\S+"),
        ],
        p,
        display="curated/variant_genotypes.csv",
    )
    # Which twins each CPIC population label fits (age, time on the drug, conditions).
    populations = read_csv(
        ctx.path("curated/pgx_populations.csv"),
        [
            Column("population"),
            Column("test", choices=POPULATION_TESTS),
            Column("value"),
            Column("basis"),
            Column("citation"),
            Column("citation_url", pattern=r"https?://\S+"),
        ],
        p,
        display="curated/pgx_populations.csv",
    )
    guides = read_csv(
        ctx.path("cpic/guidelines.csv"),
        [
            Column("guideline_id", pattern=r"PA[0-9]+"),
            Column("name"),
            Column("url", pattern=r"https?://\S+"),
            Column("drugs"),
            Column("genes"),
            Column("citation_pmids", required=False, pattern=r"[0-9]+(;[0-9]+)*"),
            Column("citation_titles", required=False),
        ],
        p,
        display="cpic/guidelines.csv",
    )
    recs = read_json(ctx.path("cpic/recommendations.json"), p, display="cpic/recommendations.json")

    plan = SourcePlan("cpic", SOURCE_INFO["cpic"].version)
    kb = ctx.kb_version
    # Genes ------------------------------------------------------------------------------
    gene_rows: dict[str, dict[str, Any]] = {}
    symbol_uid: dict[str, str] = {}
    seen_symbols: dict[str, int] = {}
    for r in genes:
        if r["symbol"] in seen_symbols:
            p.add(
                r.where("symbol"),
                f"duplicate gene {r['symbol']!r} (first on line {seen_symbols[r['symbol']]})",
            )
            continue
        seen_symbols[r["symbol"]] = r.line
        uid = r["hgnc_id"]
        symbol_uid[r["symbol"]] = uid
        gene_rows[uid] = {
            "uid": uid,
            "props": {
                "symbol": r["symbol"],
                "name": _GENE_NAMES.get(r["symbol"], r["symbol"]),
                "chr": _none(r["chr"]),
                "ncbi_gene_id": _none(r["ncbi_gene_id"]),
                "ensembl_id": _none(r.get("ensembl_id")),
                "pharmgkb_id": _none(r["pharmgkb_id"]),
                **provenance("cpic", kb, "CPIC gene table (cpic-data V2__initial_data.sql)"),
            },
        }
    for uid, sym, name, chrom in EXTRA_GENES:
        if sym not in symbol_uid:
            symbol_uid[sym] = uid
            gene_rows[uid] = {
                "uid": uid,
                "props": {
                    "symbol": sym,
                    "name": name,
                    "chr": chrom,
                    **provenance(
                        "kgtwin_curated",
                        kb,
                        f"HGNC {uid} ({sym})",
                        f"https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{uid}",
                    ),
                },
            }

    def gene_uid(rec: Any, column: str = "gene") -> str | None:
        uid = symbol_uid.get(rec[column])
        if uid is None:
            p.add(rec.where(column), f"unknown gene {rec[column]!r} (not in cpic/genes.csv)")
        return uid

    # Alleles ----------------------------------------------------------------------------
    allele_rows: dict[str, dict[str, Any]] = {}
    for r in alleles:
        g = gene_uid(r)
        if g is None:
            continue
        uid = f"{r['gene']}:{r['allele']}"
        if uid in allele_rows:
            p.add(r.where("allele"), f"duplicate allele {uid!r}")
            continue
        allele_rows[uid] = {
            "uid": uid,
            "gene_uid": g,
            "props": {
                "gene": r["gene"],
                "name": r["allele"],
                "function": _none(r["function"]),
                "activity_value": _none(r["activity_value"]),
                "lookup_key": _none(r["lookup_key"]),
                **provenance(
                    "cpic",
                    kb,
                    f"CPIC allele functionality table, {r['gene']} "
                    f"(PharmCAT {r.get('pharmcat_release')})",
                ),
            },
        }
    # Phenotypes and diplotypes ----------------------------------------------------------
    pheno_rows: dict[str, dict[str, Any]] = {}
    diplo_rows: dict[str, dict[str, Any]] = {}
    for r in [*diplos, *variant_diplos]:
        g = gene_uid(r)
        if g is None:
            continue
        uid = f"{r['gene']}:{r['diplotype']}"
        if uid in diplo_rows:
            p.add(r.where("diplotype"), f"duplicate diplotype {uid!r}")
            continue
        curated = bool(r.get("citation"))
        synonyms = [x for x in r.get("synonyms").split(";") if x]
        prov = (
            provenance("kgtwin_curated", kb, r["citation"], r["citation_url"])
            if curated
            else provenance("cpic", kb, f"CPIC diplotype-phenotype table, {r['gene']}")
        )
        ph_uid = f"{r['gene']}:{r['phenotype']}"
        pheno_rows.setdefault(
            ph_uid,
            {
                "uid": ph_uid,
                "gene_uid": g,
                "props": {"gene": r["gene"], "name": r["phenotype"], **prov},
            },
        )
        diplo_rows[uid] = {
            "uid": uid,
            "gene_uid": g,
            "phenotype_uid": ph_uid,
            "props": {
                "gene": r["gene"],
                "name": r["diplotype"],
                "allele1": r["allele1"],
                "allele2": _none(r["allele2"]),
                "phenotype": r["phenotype"],
                "activity_score": _none(r.get("activity_score") or "", "n/a"),
                "lookup_key": r["lookup_key"],
                "gene_key": uid,
                "data_version": r.get("data_version") or prov["source_version"],
                **({"synonyms": synonyms, **prov} if curated else {}),
            },
        }
    # Guidelines -------------------------------------------------------------------------
    guide_rows: dict[str, dict[str, Any]] = {}
    for r in guides:
        uid = f"PharmGKB:{r['guideline_id']}"
        if uid in guide_rows:
            p.add(r.where("guideline_id"), f"duplicate guideline {r['guideline_id']!r}")
            continue
        pmids = [x for x in r["citation_pmids"].split(";") if x]
        cite = "; ".join(
            f"{t.strip()} PMID {pm}"
            for pm, t in zip(pmids, r["citation_titles"].split(" | "), strict=False)
        )
        guide_rows[uid] = {
            "uid": uid,
            "props": {
                "name": r["name"],
                "url": r["url"],
                "pmids": pmids,
                "genes": [x for x in r["genes"].split(";") if x],
                "drugs": [x for x in r["drugs"].split(";") if x],
                **provenance("pharmgkb", kb, cite or r["name"], r["url"]),
            },
        }
    # Recommendations --------------------------------------------------------------------
    unresolved: dict[str, dict[str, Any]] = {}
    rec_rows = _recommendations(ctx, recs, guide_rows, symbol_uid, p, unresolved)
    _add_population_rules(rec_rows, populations, p)
    p.raise_if_any()
    plan.add("merge_kb_genes", list(gene_rows.values()), "Gene")
    plan.add("merge_kb_alleles", list(allele_rows.values()), "Allele")
    plan.add("merge_kb_phenotypes", list(pheno_rows.values()), "Phenotype")
    diplo_prov = provenance(
        "cpic",
        kb,
        "CPIC diplotype-phenotype tables via PharmCAT v2.12.0 "
        "(G6PD from v2.6.0, RYR1 from v2.8.3); per-row data_version",
    )
    plan.add("merge_kb_diplotypes", list(diplo_rows.values()), "Diplotype", {"prov": diplo_prov})
    plan.add("merge_kb_guidelines", list(guide_rows.values()), "Guideline")
    plan.add("merge_kb_drugs", list(unresolved.values()), "Drug")
    plan.add("merge_kb_recommendations", rec_rows, "Recommendation")
    return plan


_REC_KEYS = {
    "recommendation_id": str,
    "guideline_id": str,
    "drug": str,
    "drug_pharmgkb_id": str,
    "lookup_key": dict,
    "population": str,
    "classification": str,
    "recommendation": str,
    "implications": list,
}
CLASSIFICATIONS = ("Strong", "Moderate", "Optional", "No recommendation", "N/A", "")
_CLASS_CHOICES = ", ".join(c or "(empty)" for c in CLASSIFICATIONS)


def _recommendations(
    ctx: Context,
    recs: Any,
    guides: dict[str, dict[str, Any]],
    symbol_uid: dict[str, str],
    p: Problems,
    unresolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    name = "cpic/recommendations.json"
    if recs is None:
        return []
    if not isinstance(recs, list):
        p.add(name, "top level must be a list of recommendations")
        return []
    cpic_drugs = _cpic_drug_uids(ctx, p)
    voc = ctx.vocabulary
    out: dict[str, dict[str, Any]] = {}
    for i, rec in enumerate(recs):
        where = f"{name}: item {i}"
        if not isinstance(rec, dict):
            p.add(where, "must be an object")
            continue
        bad = False
        for key, typ in _REC_KEYS.items():
            if not isinstance(rec.get(key), typ):
                p.add(
                    f"{where}, field {key!r}", f"must be a {typ.__name__}, got {rec.get(key)!r:.60}"
                )
                bad = True
        if bad:
            continue
        if rec["classification"] not in CLASSIFICATIONS:
            p.add(
                f"{where}, field 'classification'",
                f"{rec['classification']!r} is not valid (choices: {_CLASS_CHOICES})",
            )
            continue
        g_uid = f"PharmGKB:{rec['guideline_id']}"
        if g_uid not in guides:
            p.add(
                f"{where}, field 'guideline_id'",
                f"{rec['guideline_id']!r} is not in cpic/guidelines.csv",
            )
            continue
        lk = rec["lookup_key"]
        if not lk or not all(isinstance(v, str) for v in lk.values()):
            p.add(f"{where}, field 'lookup_key'", "must map each gene to a text value")
            continue
        genes = sorted(lk)
        for g in genes:
            if g not in symbol_uid:
                p.add(f"{where}, field 'lookup_key'", f"unknown gene {g!r}")
                bad = True
        if bad:
            continue
        drug_uid = cpic_drugs.get(rec["drug_pharmgkb_id"]) or voc.resolve(rec["drug"])[0]
        rxcui = drug_uid.removeprefix("RxNorm:") if drug_uid.startswith("RxNorm:") else None
        if rxcui is None:
            unresolved.setdefault(
                drug_uid, unresolved_drug(drug_uid, rec["drug"], "pharmgkb", ctx.kb_version)
            )
        uid = f"PharmGKB:{rec['recommendation_id']}:{rxcui or norm_name(rec['drug'])}"
        if uid in out:
            p.add(f"{where}, field 'recommendation_id'", f"duplicate recommendation {uid!r}")
            continue
        values = [lk[g] for g in genes]
        out[uid] = {
            "uid": uid,
            "guideline_uid": g_uid,
            "drug_uid": drug_uid,
            "drug_name": norm_name(rec["drug"]),
            "drug_rxcui": rxcui,
            "gene_uids": [symbol_uid[g] for g in genes],
            "props": {
                "recommendation_id": rec["recommendation_id"],
                "drug_name": norm_name(rec["drug"]),
                "lookup_genes": genes,
                "lookup_values": values,
                "lookup_key": ";".join(f"{g}={v}" for g, v in zip(genes, values, strict=True)),
                "lookup_json": json.dumps(lk, sort_keys=True, ensure_ascii=False),
                "population": rec["population"] or None,
                "classification": rec["classification"] or None,
                "text": rec["recommendation"],
                "implications": [str(x) for x in rec["implications"]],
                "dosing_information": bool(rec.get("dosing_information")),
                "alternate_drug_available": bool(rec.get("alternate_drug_available")),
                "other_prescribing_guidance": bool(rec.get("other_prescribing_guidance")),
                "data_version": rec.get("data_version"),
                **provenance(
                    "pharmgkb",
                    ctx.kb_version,
                    guides[g_uid]["props"]["citation"],
                    guides[g_uid]["props"]["url"],
                ),
            },
        }
    return list(out.values())


def _add_population_rules(rows: list[dict[str, Any]], populations: Any, p: Problems) -> None:
    """Give each recommendation of a curated population label the test that says which twins
    it fits (``population_test``, ``population_value``, ``population_basis`` and citation)."""
    rules: dict[str, tuple[Any, dict[str, Any]]] = {}  # label -> (row, props to add)
    for r in populations:
        if r["population"] in rules:
            p.add(r.where("population"), f"duplicate population {r['population']!r}")
            continue
        values = [v for v in r["value"].split(";") if v]
        if r["test"] != "concept_any" and not (len(values) == 1 and values[0].isdigit()):
            p.add(r.where("value"), f"{r['value']!r} must be a whole number for {r['test']}")
            continue
        rules[r["population"]] = (
            r,
            {
                "population_test": r["test"],
                "population_value": values,
                "population_basis": r["basis"],
                "population_citation": r["citation"],
            },
        )
    used = set()
    for row in rows:
        label = row["props"]["population"] or ""
        if label in rules:
            used.add(label)
            row["props"].update(rules[label][1])
    for name in sorted(set(rules) - used):
        p.add(
            rules[name][0].where("population"),
            f"population {name!r} is not the population of any CPIC recommendation",
        )


def _cpic_drug_uids(ctx: Context, p: Problems) -> dict[str, str]:
    rows = read_csv(
        ctx.path("vocab/cpic_drugs.csv"),
        [Column("pharmgkb_id", required=False), Column("rxcui", required=False)],
        p,
        display="vocab/cpic_drugs.csv",
    )
    return {
        r["pharmgkb_id"]: f"RxNorm:{r['rxcui']}" for r in rows if r["rxcui"] and r["pharmgkb_id"]
    }
