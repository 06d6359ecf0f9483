"""Abuse limits that run before execution: a query cost estimator (depth and alias limits are
strawberry's validators).

The estimate walks the operation (fragments included) over the schema: each field costs its
weight (``FIELD_COSTS``, default 1 for an object, 0 for a scalar) plus its children's cost,
multiplied by the page size for fields with a ``first`` argument (the variable's value, the
literal, or the argument's default) and by ``LIST_FACTOR`` for other lists of objects (a
page's ``edges``/``items`` count once: their paged parent already multiplied). An
operation over budget is rejected before any resolver runs, with its cost and the budget.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    value_from_ast,
)
from strawberry.extensions import SchemaExtension

__all__ = ["FIELD_COSTS", "LIST_FACTOR", "PAGE_FIELDS", "CostLimiter", "estimate_cost"]

LIST_FACTOR = 5
PAGE_FIELDS = frozenset({"edges", "items"})
# Fields that run the reasoning engine or a write weigh more than a lookup.
FIELD_COSTS: dict[str, int] = {
    "Query.safetyReport": 50,
    "Query.pgx": 20,
    "Query.checkInteractions": 20,
    "Query.carePathways": 50,
    "Query.carePathway": 25,
    "Query.searchDrugs": 5,
    "Query.auditEvents": 5,
    "Query.patients": 2,
    "Query.patient": 2,
    "Patient.genotypes": 20,
    "Patient.observations": 3,
    "Mutation.ingestBundle": 200,
    "Mutation.recordObservation": 100,
    "Mutation.prescribe": 100,
    "Mutation.discontinue": 100,
    "Mutation.setGenotype": 100,
    "Mutation.setConsent": 10,
    "Subscription.alertRaised": 10,
}


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                yield sel, parent
            elif isinstance(sel, InlineFragmentNode):
                cond = (
                    self.schema.get_type(sel.type_condition.name.value)
                    if sel.type_condition
                    else parent
                )
                yield from self._fields(sel.selection_set, cond or parent, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = self.fragments.get(name)
                if frag is None or name in seen:
                    continue
                cond = self.schema.get_type(frag.type_condition.name.value) or parent
                yield from self._fields(frag.selection_set, cond, seen | {name})

    def _multiplier(self, node: FieldNode, field_def: Any) -> int:
        first_arg = field_def.args.get("first")
        if first_arg is not None:
            value: Any = None
            for arg in node.arguments or ():
                if arg.name.value == "first":
                    value = value_from_ast(arg.value, first_arg.type, dict(self.variables))
            if value is None:
                value = first_arg.default_value
            return max(int(value), 1) if isinstance(value, int) else LIST_FACTOR
        if node.name.value in PAGE_FIELDS:
            return 1  # a page's items: the paged parent already multiplied by `first`
        t = field_def.type
        while isinstance(t, GraphQLNonNull):
            t = t.of_type
        if isinstance(t, GraphQLList) and is_composite_type(get_named_type(t)):
            return LIST_FACTOR
        return 1

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node, owner in self._fields(selection_set, parent, frozenset()):
            name = node.name.value
            if name.startswith("__") or not isinstance(owner, GraphQLObjectType):
                if not name.startswith("__") and node.selection_set is not None:
                    # a field selected on a union/interface without a fragment: count it once
                    total += 1
                continue
            field_def = owner.fields.get(name)
            if field_def is None:
                continue
            named = get_named_type(field_def.type)
            base = FIELD_COSTS.get(f"{owner.name}.{name}", 1 if is_composite_type(named) else 0)
            children = self.cost(node.selection_set, named) if node.selection_set else 0
            total += base + self._multiplier(node, field_def) * children
        return total


def estimate_cost(
    schema: GraphQLSchema,
    document: Any,
    *,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The estimated cost of one operation of ``document`` (0 when it cannot be found)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        ops = [o for o in ops if o.name and o.name.value == operation_name]
    if not ops:
        return 0
    op = ops[0]
    root = schema.get_root_type(op.operation)
    if root is None:
        return 0
    return _Walker(schema, fragments, variables or {}).cost(op.selection_set, root)


class CostLimiter(SchemaExtension):
    """Reject an operation whose estimated cost exceeds ``max_cost`` before it executes."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost
        self.cost = 0

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None:
            self.cost = estimate_cost(
                ec.schema._schema,
                ec.graphql_document,
                operation_name=ec.operation_name,
                variables=ec.variables,
            )
            if self.cost > self.max_cost:
                ec.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"Query cost {self.cost} exceeds the budget of {self.max_cost}: "
                            "ask for fewer items (smaller 'first'), fewer fields or split "
                            "the query",
                            extensions={
                                "code": "QUERY_TOO_COSTLY",
                                "cost": self.cost,
                                "budget": self.max_cost,
                            },
                        )
                    ],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"estimated": self.cost, "budget": self.max_cost}}
