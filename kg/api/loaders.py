"""DataLoaders: one batched query per kind of nested field, whatever the number of twins.

A query for 50 patients with their medications and conditions issues one ``get_patients``,
one ``list_patient_medications`` and one ``list_patient_conditions`` call, not 150.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from kg.store import Row

if TYPE_CHECKING:
    from kg.api.context import ApiContext

__all__ = ["Loaders"]


class Loaders:
    """The DataLoaders of one request (their caches live as long as the request)."""

    def __init__(self) -> None:
        self.context: ApiContext | None = None
        self._loaders: dict[tuple[Any, ...], DataLoader[str, Any]] = {}
        self.batches: list[str] = []  # query names run, in order (tests and metrics)

    def _get(
        self, key: tuple[Any, ...], fn: Callable[[list[str]], Awaitable[list[Any]]]
    ) -> DataLoader[str, Any]:
        loader = self._loaders.get(key)
        if loader is None:
            loader = DataLoader(load_fn=fn)
            self._loaders[key] = loader
        return loader

    async def _rows(self, query: str, params: dict[str, Any]) -> list[Row]:
        assert self.context is not None
        ctx = self.context
        self.batches.append(query)
        return await ctx.run(ctx.services.store.read, query, params)

    def _grouped(self, query: str, **params: Any) -> Callable[[list[str]], Awaitable[list[Any]]]:
        async def load(uids: list[str]) -> list[list[Row]]:
            rows = await self._rows(query, {"uids": list(uids), **params})
            by: dict[str, list[Row]] = defaultdict(list)
            for row in rows:
                by[row["patient_uid"]].append(row)
            return [by.get(uid, []) for uid in uids]

        return load

    def patient(self) -> DataLoader[str, Row | None]:
        """Patient uid -> demographics row (None when there is no such twin)."""

        async def load(uids: list[str]) -> list[Row | None]:
            rows = await self._rows("get_patients", {"uids": list(uids)})
            by = {r["uid"]: r for r in rows}
            return [by.get(uid) for uid in uids]

        return self._get(("patient",), load)

    def conditions(self) -> DataLoader[str, list[Row]]:
        """Patient uid -> every condition row (the resolver picks the active ones)."""
        return self._get(("conditions",), self._grouped("list_patient_conditions"))

    def medications(self) -> DataLoader[str, list[Row]]:
        """Patient uid -> every medication row (the resolver picks the active ones)."""
        return self._get(("medications",), self._grouped("list_patient_medications"))

    def allergies(self) -> DataLoader[str, list[Row]]:
        """Patient uid -> allergy rows."""
        return self._get(("allergies",), self._grouped("list_patient_allergies"))

    def genotypes(self) -> DataLoader[str, list[Row]]:
        """Patient uid -> genotype rows."""
        return self._get(("genotypes",), self._grouped("list_patient_genotypes"))

    def latest_observations(self) -> DataLoader[str, list[Row]]:
        """Patient uid -> the latest observation of each LOINC code."""
        return self._get(("latest",), self._grouped("list_latest_observations"))
