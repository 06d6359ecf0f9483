"""Synthetic patients: generate deterministic FHIR bundles and load them as twins."""

from __future__ import annotations

from tqdm import tqdm

from kg.demo.population import generate_population, iter_population, patient_bundle
from kg.errors import ValidationError
from kg.ingest import ingest_bundles, resolver_for
from kg.store import GraphStore

__all__ = ["generate_population", "iter_population", "load_demo", "patient_bundle"]


def load_demo(store: GraphStore, n: int, *, seed: int = 1, progress: bool = False) -> int:
    """Generate ``n`` synthetic patients and ingest them; return how many were loaded.

    Genotype calls the knowledge base cannot interpret (no knowledge base loaded) are skipped
    rather than failing the load; everything else must validate.
    """
    resolver = resolver_for(store)
    loaded = 0
    bundles = iter_population(n, seed)
    with tqdm(total=n, disable=not progress, unit="patient", desc="demo twins") as bar:
        for outcome in ingest_bundles(store, bundles, lenient=True, resolver=resolver):
            if isinstance(outcome, ValidationError):
                raise outcome  # the generator made an invalid bundle: our bug, say so
            loaded += 1
            bar.update(1)
    return loaded
