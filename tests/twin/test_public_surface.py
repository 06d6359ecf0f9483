"""The public surface of kg.ingest and kg.demo, which the API and reasoning build on."""

from __future__ import annotations

import inspect

import kg.demo
import kg.ingest

INGEST = {
    "CodeResolver", "GenotypeCall", "IngestResult", "LabValue", "SkippedItem", "Twin",
    "TwinAllergy", "TwinCondition", "TwinEvent", "TwinMedication", "UnmappedItem",
    "append_observation", "get_twin", "ingest_bundle", "ingest_bundles", "ingest_resource",
    "latest_observation", "load_pharmcat", "observations", "parse_pharmcat_json",
    "parse_pharmcat_tsv", "record_medication", "resolver_for", "set_genotype", "set_genotypes",
    "stop_medication", "twin_history",
}  # fmt: skip
DEMO = {"generate_population", "iter_population", "load_demo", "patient_bundle"}


def test_exported_names_are_pinned_and_importable() -> None:
    assert set(kg.ingest.__all__) == INGEST
    assert set(kg.demo.__all__) == DEMO
    for module, names in ((kg.ingest, INGEST), (kg.demo, DEMO)):
        for name in names:
            assert getattr(module, name).__doc__, name


def test_signatures_other_areas_call() -> None:
    def params(fn: object) -> list[str]:
        return list(inspect.signature(fn).parameters)  # type: ignore[arg-type]

    assert params(kg.ingest.ingest_bundle)[:3] == ["store", "bundle", "lenient"]
    assert params(kg.ingest.set_genotype) == ["store", "patient_id", "gene", "diplotype", "source"]
    assert params(kg.ingest.append_observation)[:6] == [
        "store", "patient_id", "loinc", "value", "unit", "effective"
    ]  # fmt: skip
    assert params(kg.ingest.record_medication)[:5] == [
        "store", "patient_id", "rxnorm_or_drug_uid", "start", "status"
    ]  # fmt: skip
    assert params(kg.ingest.get_twin) == ["store", "patient_id", "as_of"]
    assert params(kg.demo.load_demo) == ["store", "n", "seed", "progress"]
