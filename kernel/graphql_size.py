"""Stops a GraphQL answer once it is sure to be too large, instead of building all of it.

The query cost bounds how many fields an operation resolves, not how long their values are
(an entry's ``bodyHtml``): an admitted query may still build an answer of many megabytes.
``AnswerSize`` counts, as each field resolves, a lower bound of the answer's size in bytes;
once that passes the limit, no further field resolves and the answer is one error.
"""

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from graphql.pyutils import is_awaitable
from strawberry.extensions import SchemaExtension

from kernel.graphql import Number

HINT = "Ask for fewer items or fewer long fields (such as bodyHtml)."


def json_size_at_least(value: Any) -> int:
    """A lower bound of ``value``'s size as JSON: texts in full, everything else (an object
    whose own fields are counted as they resolve, a number, a date) a byte or two."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, list | tuple):
        return 1 + sum(json_size_at_least(item) + 1 for item in value)
    if isinstance(value, dict):  # a JSON scalar, such as structured data
        return 1 + sum(len(key) + 4 + json_size_at_least(item) for key, item in value.items())
    return 1


class AnswerSize(SchemaExtension):
    """Refuses, while it resolves, an answer of more than ``max_bytes``: every field resolved
    adds its key and a lower bound of its value's JSON size (``json_size_at_least``). Past the
    limit, each field still to resolve is refused before its resolver runs (no more SQL, no
    more documents read), and the answer is ``data: null`` with one error, code
    ``RESPONSE_TOO_LARGE``. An answer under the count may still be over the limit once
    serialised: the view measures the answer it sends too."""

    def __init__(self, *, max_bytes: Number):
        self.max_bytes = max_bytes
        self.limit = 0
        self.counted = 0

    def on_execute(self) -> Iterator[None]:
        self.limit = self.max_bytes() if callable(self.max_bytes) else self.max_bytes
        yield
        result = self.execution_context.result
        if self.counted > self.limit and result is not None:
            result.data = None
            result.errors = [self.refusal()]

    def resolve(self, _next, root, info, *args, **kwargs):
        if self.counted > self.limit:
            # Refused once awaited, like the fields already waiting: an error raised at once
            # would leave the list around it with coroutines nobody awaits.
            return self.refused()
        value = _next(root, info, *args, **kwargs)
        if type(value) is str:  # most fields: counted here, without a call
            self.counted += len(info.path.key) + len(value) + 5
        elif is_awaitable(value):
            return self.count_when_resolved(value, info.path.key)
        else:
            self.count(value, info.path.key)
        return value

    async def count_when_resolved(self, awaitable, key):
        if self.counted > self.limit:  # passed while this field waited its turn
            if hasattr(awaitable, "close"):
                awaitable.close()
            raise self.refusal()
        value = await awaitable
        self.count(value, key)
        return value

    async def refused(self):
        raise self.refusal()

    def count(self, value: Any, key: str) -> None:
        self.counted += len(key) + 3 + json_size_at_least(value)

    def refusal(self) -> GraphQLError:
        return GraphQLError(
            f"The answer would be more than {self.counted} bytes; the limit is {self.limit}. "
            + HINT,
            extensions={"code": "RESPONSE_TOO_LARGE"},
        )
