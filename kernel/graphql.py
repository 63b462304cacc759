"""Guards that refuse a GraphQL document before it runs, with strawberry's extension API.

``DocumentGuard`` runs first when validation starts, in time linear in the document: it
refuses documents whose fragments expand to too many fields (before any validation rule,
among them strawberry's depth and alias limiters, walks them once per spread) and string
values that are not text (NUL, unpaired surrogates). ``QueryCost`` runs once the document is
valid, before execution: it prices the operation by the number of fields it may resolve,
each weighed by the work it does (``kernel.graphql_size.AnswerSize`` then stops an answer
that grows past the size limit while it resolves).
``CachedValidation`` validates a document once: later requests with the same text reuse
the result, unless the guard has already refused it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    get_argument_values,
    get_named_type,
    get_nullable_type,
    get_variable_values,
    is_list_type,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension, ValidationCache

Number = int | Callable[[], int]


def _value(number: Number) -> int:
    return number() if callable(number) else number


# --- Fragment fan-out ------------------------------------------------------------------------


def expanded_field_count(document, *, stop_above: int) -> int:
    """How many field selections the document holds once every fragment spread is replaced by
    its fragment, counting each fragment once (memoised): linear in the document's size.
    Counting stops a little above ``stop_above``; unknown and cyclic spreads count 0 (the
    validation rules report them)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}

    def count(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                total += fragment_size(selection.name.value)
            else:
                total += isinstance(selection, FieldNode) + count(selection.selection_set)
            if total > stop_above:
                break
        return total

    def fragment_size(name: str) -> int:
        if name not in sizes:
            sizes[name] = 0  # in progress: a cycle counts 0
            if name in fragments:
                sizes[name] = count(fragments[name].selection_set)
        return sizes[name]

    return sum(
        count(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


# --- Text ------------------------------------------------------------------------------------


def is_text(value: str) -> bool:
    """No NUL and no unpaired surrogate: what a database and UTF-8 can store."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def non_text_variable(variables: Any) -> str | None:
    """The path of the first string in the decoded variables that is not text, else None.
    Iterative: decoded JSON may be nested as deep as the JSON parser allows."""
    pending = [("variables", variables)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and not is_text(value):
            return path
        if isinstance(value, dict):
            for key, item in value.items():
                if not is_text(str(key)):
                    return path
                pending.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


class _StringLiterals(Visitor):
    def __init__(self):
        super().__init__()
        self.bad: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_args):
        if not is_text(node.value):
            self.bad.append(node)


NOT_TEXT = "String values may not contain NUL characters or unpaired surrogates"
BAD_INPUT = {"code": "BAD_USER_INPUT"}


class DocumentGuard(SchemaExtension):
    """Refuses, before any validation rule runs, a document whose fragments expand to more
    than ``max_fields`` field selections, and string values (literals or variables) that are
    not text. Place it first among the extensions."""

    def __init__(self, *, max_fields: Number):
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        error = self.check(context.graphql_document, context.variables)
        if error is not None:
            context.pre_execution_errors = [error]  # validation is then skipped
        yield

    def check(self, document, variables) -> GraphQLError | None:
        limit = _value(self.max_fields)
        fields = expanded_field_count(document, stop_above=limit)
        if fields > limit:
            return GraphQLError(
                f"The document selects more than {limit} fields once its fragments are "
                "expanded; spread each fragment fewer times.",
                extensions={"code": "TOO_MANY_FIELDS"},
            )
        literals = _StringLiterals()
        visit(document, literals)
        if literals.bad:
            return GraphQLError(f"{NOT_TEXT}.", nodes=literals.bad[:1], extensions=BAD_INPUT)
        if (path := non_text_variable(variables or {})) is not None:
            return GraphQLError(f"{NOT_TEXT} ({path}).", extensions=BAD_INPUT)
        return None


class CachedValidation(ValidationCache):
    """strawberry's ``ValidationCache`` (the validation rules' verdict kept per document and
    rule set) that leaves a document ``DocumentGuard`` refused unvalidated. The rules must be
    the same classes on every request for the cache to answer: build limiters once."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors is not None:
            yield
        else:
            yield from super().on_validate()


# --- Cost ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSize:
    """How many items a list field returns, from one of its arguments.

    ``argument`` is a dotted path ("limit", "pagination.limit"); without a value there the
    size is ``default``, and it is never counted above ``maximum``. On a field that returns an
    object (a page) rather than a list, the size applies to the lists of that object
    (``articles(pagination:)`` sizes ``ArticlePage.results``)."""

    argument: str
    default: Number
    maximum: Number

    def size(self, arguments: dict) -> int:
        value = _argument(arguments, self.argument)
        maximum = _value(self.maximum)
        if not isinstance(value, int) or isinstance(value, bool):
            value = _value(self.default)
        return max(0, min(value, maximum))


@dataclass(frozen=True)
class Weight:
    """What a field ("Type.field") or an object ("Type") costs each time it is resolved, in
    plain fields (a plain field costs 1): a field that runs a query, an object built from a
    stored document. With ``argument`` (a dotted path), the weight applies only when that
    argument is given a value; without it, the field costs 1 like any. A ``batched`` field
    does its work once for every parent in the list around it (a DataLoader): the weight then
    counts once per selection, and each time it is resolved costs 1."""

    each: int
    argument: str | None = None
    batched: bool = False

    def cost(self, arguments: dict) -> int:
        if self.argument is None:
            return self.each
        return self.each if _argument(arguments, self.argument) not in (None, "") else 1


def _argument(arguments: dict, path: str) -> Any:
    value: Any = arguments
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    return value


def query_cost(
    schema: GraphQLSchema,
    document,
    operation_name: str | None,
    variables: dict | None,
    *,
    sizes: dict[str, ListSize],
    weights: dict[str, Weight],
    list_size: int,
) -> int:
    """What the operation may cost, in plain fields: every field counts its weight (1 unless
    ``weights`` has "Type.field") once per time it is resolved, so a list multiplies the fields
    under it by its size (and a nested list's size multiplies its parent's); every object
    counts its type's weight ("Type", 0 unless listed) once per time it is built. A list's
    size comes from ``sizes`` ("Type.field"), else it is ``list_size``. Introspection fields
    count 1 each: they read the schema, in memory. The document must be valid (fragments are
    expanded, so run this after ``DocumentGuard``)."""
    fragments = {}
    operation = None
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments[definition.name.value] = definition
        elif isinstance(definition, OperationDefinitionNode) and (
            operation_name is None or (definition.name and definition.name.value == operation_name)
        ):
            operation = operation or definition
    if operation is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return 0  # execution reports the variables' errors, without resolving anything
    root = schema.get_root_type(operation.operation)

    def cost(selection_set, parent, multiplier: int, page_size: int | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent, multiplier, page_size)
            else:
                if isinstance(selection, FragmentSpreadNode):
                    fragment = fragments[selection.name.value]
                    condition, selections = fragment.type_condition, fragment.selection_set
                else:
                    condition, selections = selection.type_condition, selection.selection_set
                own = schema.get_type(condition.name.value) if condition else parent
                total += cost(selections, own, multiplier, page_size)
        return total

    def field_cost(node: FieldNode, parent, multiplier: int, page_size: int | None) -> int:
        name = node.name.value
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:  # __typename and introspection
            return multiplier
        named = get_named_type(definition.type)
        key = f"{parent.name}.{name}"
        rule, weight = sizes.get(key), weights.get(key)
        size = each = None
        if rule is not None or weight is not None:
            try:
                arguments = get_argument_values(definition, node, coerced)
            except GraphQLError:  # execution refuses the arguments: price the largest case
                arguments = None
            if rule is not None:
                size = rule.size(arguments) if arguments is not None else _value(rule.maximum)
            if weight is not None:
                each = weight.cost(arguments) if arguments is not None else weight.each
        if each is None:
            total = multiplier
        elif weight.batched:
            total = multiplier + each - 1
        else:
            total = multiplier * each
        if node.selection_set is None:
            return total
        built = weights[named.name].each if named.name in weights else 0
        if is_list_type(get_nullable_type(definition.type)):
            items = size if size is not None else page_size if page_size is not None else list_size
            items *= multiplier
            return total + items * built + cost(node.selection_set, named, items, None)
        return total + multiplier * built + cost(node.selection_set, named, multiplier, size)

    return cost(operation.selection_set, root, 1, None)


# The answer's headers that say its cost and the limit (docs/graphql.md, "Query cost").
COST_HEADER = "GraphQL-Cost"
COST_LIMIT_HEADER = "GraphQL-Cost-Limit"


class QueryCost(SchemaExtension):
    """Refuses an operation whose :func:`query_cost` is over ``max_cost`` before it runs, and
    reports the cost in the response's ``extensions`` (``{"cost": {"requested", "maximum"}}``).
    """

    def __init__(
        self,
        *,
        max_cost: Number,
        sizes: dict[str, ListSize],
        weights: dict[str, Weight],
        list_size: Number,
    ):
        self.max_cost, self.list_size = max_cost, list_size
        self.sizes, self.weights = sizes, weights
        self.requested: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        maximum = _value(self.max_cost)
        self.requested = query_cost(
            context.schema._schema,  # the GraphQLSchema, as strawberry's own extensions read it
            context.graphql_document,
            context.operation_name,
            context.variables,
            sizes=self.sizes,
            weights=self.weights,
            list_size=_value(self.list_size),
        )
        if self.requested > maximum:
            error = GraphQLError(
                f"The query would cost {self.requested} (each field it may resolve, weighed "
                f"by its work); the limit is {maximum}. Ask for fewer items (smaller limits), "
                "fewer fields in nested lists, or fewer searches and counts.",
                extensions={"code": "QUERY_TOO_COSTLY"},
            )
            context.result = ExecutionResult(data=None, errors=[error])  # not executed
        yield

    def get_results(self) -> dict:
        if self.requested is None:
            return {}
        return {"cost": {"requested": self.requested, "maximum": _value(self.max_cost)}}
