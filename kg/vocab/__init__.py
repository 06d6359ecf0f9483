"""Ontology terms as typed constants, generated from ontology/kgtwin.ttl.

``from kg.vocab.labels import Drug`` (a misspelt name fails at import), ``kg.vocab.types``,
``kg.vocab.props`` and ``kg.vocab.classes`` (uids of the classes sync materialises).
Regenerate with ``python -m kg.vocab.generate``. The package does not import its modules
itself, so the generator runs even when they are missing.
"""

from __future__ import annotations

__all__: list[str] = []
